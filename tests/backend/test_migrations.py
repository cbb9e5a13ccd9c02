"""Migrations bring old data up to the current rules."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from backend.db import db


def test_old_reports_get_masked_public_and_search_text(
    app, city, resident, submit, client, committed
):
    code = submit(resident(), description="Ổ gà, gọi 0901234567 nhé").get_json()["code"]
    # As a report filed before masking existed looked:
    db.session.execute(
        text(
            "UPDATE reports SET public_description = NULL, "
            "search_text = 'pa 2026 000001 o ga goi 0901234567 nhe' WHERE code = :code"
        ),
        {"code": code},
    )
    db.session.commit()
    directory = app.extensions["migrate"].directory
    downgrade(directory=directory, revision="0005")
    upgrade(directory=directory)
    db.session.expire_all()
    assert client.get("/public/v1/reports?q=0901234567").get_json()["items"] == []
    row = db.session.execute(
        text("SELECT public_description FROM reports WHERE code = :code"), {"code": code}
    ).one()
    assert row.public_description == "Ổ gà, gọi [số điện thoại] nhé"
