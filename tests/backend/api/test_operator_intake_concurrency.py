"""Two operators taking calls from the same new phone at once: one placeholder account."""

from __future__ import annotations

import threading

import pytest

from backend.db import db
from backend.models import Report, Resident
from tests.backend.api.test_operator_intake import _form, _post

#: Several sessions and threads, each with its own connection: real commits.
pytestmark = pytest.mark.committed


def test_parallel_intakes_for_a_new_phone_share_one_placeholder(app, staff):
    headers = [staff("operator"), staff("coordinator"), staff("operator"), staff("admin")]
    barrier = threading.Barrier(len(headers))
    statuses: list[int] = []

    def file(h):
        client = app.test_client()
        barrier.wait()
        statuses.append(_post(client, h, _form(phone="0933 111 222")).status_code)

    threads = [threading.Thread(target=file, args=(h,)) for h in headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(headers)
    db.session.expire_all()
    placeholders = db.session.query(Resident).filter_by(firebase_uid="phone:+84933111222").all()
    assert len(placeholders) == 1
    filed = db.session.query(Report).filter_by(reporter_id=placeholders[0].id).count()
    assert filed == len(headers)
