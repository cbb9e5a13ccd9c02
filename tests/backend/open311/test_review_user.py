"""A new user's review of the Open311 server and its keys page (issue 15 review): the bugs
found, each xfail strict until it was fixed (both are now)."""

from __future__ import annotations

import re

from flask import g
from sqlalchemy import func, select

from backend.db import db
from backend.models import Open311Client
from tests.backend.console.conftest import console  # noqa: F401 (a fixture)
from tests.backend.open311.test_requests_query import codes, filed, get  # noqa: F401

PAGE = "/console/admin/open311"


def test_status_both_is_every_status(client, filed):  # noqa: F811
    assert sorted(codes(get(client, "status=both"))) == sorted(codes(get(client, "")))


def test_resubmitting_the_same_issue_form_issues_one_key(console):  # noqa: F811
    client = console("admin")
    g.pop("csrf_token", None)  # as csrf_token() does: a new request's token
    html = client.get(PAGE).get_data(as_text=True)  # the page's form, loaded once
    form = html[html.index('id="open311-issue-form"') :]
    form = form[: form.index("</form>")]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    data = {**hidden, "name": "Ứng dụng đối tác", "contact": "", "province": "can-tho"}
    first = client.post(PAGE, data=data)
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    client.post(PAGE, data=data)  # the browser's "reload" of the answer: the same body
    issued = db.session.scalar(
        select(func.count()).select_from(Open311Client).filter_by(name="Ứng dụng đối tác")
    )
    assert issued == 1
