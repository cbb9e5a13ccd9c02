"""The moderation console under attack: input found to break its forms."""

from __future__ import annotations

import pytest

from backend.db import db
from backend.services import lookup
from tests.backend.console.conftest import console_sign_in, post_form

QUEUE = "/console/moderation"


@pytest.fixture
def held(submit):
    """A report held for moderation (abusive words)."""
    body = submit(description="Địt mẹ cái ổ gà này sâu quá không ai sửa").get_json()
    assert body["status"] == "new"
    return body["code"]


@pytest.mark.parametrize("version", ["²", "1²"])
@pytest.mark.parametrize("action", ["approve", "public-text", "lock-reporter"])
def test_a_version_in_superscript_digits_is_a_422_page_not_a_500(client, held, action, version):
    # str.isdigit() says yes to "²", int() says no.
    assert console_sign_in(client, "moderator").status_code == 302
    response = post_form(
        client,
        f"{QUEUE}/{held}/{action}",
        {"version": version, "text": "Ổ gà", "reason": "Sửa chữ", "confirm": "yes"},
        page=QUEUE,
    )
    assert response.status_code == 422
    db.session.expire_all()
    report = lookup.by_code(held)
    assert report.moderation_status == "pending" and report.reporter.locked_at is None
