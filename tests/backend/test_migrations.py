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


def test_reports_masked_the_old_way_are_masked_again(
    app, city, resident, submit, client, committed
):
    """0012: a number the old masking missed (glued to letters) is masked in the stored
    public and search text; a moderator's edited text stays theirs, masked again."""
    code = submit(resident(), description="Ổ gà sâu, sdt0901234567 nhé").get_json()["code"]
    edited = submit(resident(), description="Đèn tắt, gọi 0912345678").get_json()["code"]
    db.session.execute(
        text(
            "UPDATE reports SET public_description = 'Ổ gà sâu, sdt0901234567 nhé', "
            "search_text = 'pa o ga sau sdt0901234567 nhe' WHERE code = :code"
        ),
        {"code": code},
    )
    db.session.execute(
        text(
            "UPDATE reports SET public_description = 'Đèn tắt (sđt:0912 345 678)' WHERE code = :c"
        ),
        {"c": edited},
    )
    db.session.execute(
        text(
            "INSERT INTO report_events (report_id, at, type, actor_kind, to_status, public) "
            "SELECT id, created_at, 'text_edited', 'staff', status, false FROM reports "
            "WHERE code = :c"
        ),
        {"c": edited},
    )
    db.session.commit()
    directory = app.extensions["migrate"].directory
    downgrade(directory=directory, revision="0011")
    upgrade(directory=directory)
    db.session.expire_all()
    assert client.get("/public/v1/reports?q=sdt0901234567").get_json()["items"] == []
    rows = dict(
        db.session.execute(
            text("SELECT code, public_description FROM reports WHERE code IN (:a, :b)"),
            {"a": code, "b": edited},
        ).all()
    )
    assert "0901234567" not in rows[code] and rows[code].startswith("Ổ gà sâu")
    assert rows[edited].startswith("Đèn tắt (") and "0912" not in rows[edited]


def test_provinces_as_tenants_backfill(app, city, resident, submit, committed):
    """0023: the existing province becomes a hosted tenant with a slug; its units, staff and
    reports belong to it; categories, SLA policies and calendar exceptions stay national."""
    code = submit(resident()).get_json()["code"]
    db.session.execute(
        text(
            "INSERT INTO calendar_exceptions (day, kind, note, updated_at, province_id) "
            "VALUES ('2026-12-24', 'day_off', 'Noel', '2026-12-01 00:00:00', NULL)"
        )
    )
    db.session.commit()
    directory = app.extensions["migrate"].directory
    downgrade(directory=directory, revision="0022")
    upgrade(directory=directory)
    db.session.expire_all()
    province = db.session.execute(
        text("SELECT id, hosted, slug FROM admin_units WHERE code = '92'")
    ).one()
    assert province.hosted and province.slug == "can-tho"
    assert (
        db.session.execute(
            text("SELECT count(*) FROM departments WHERE code = 'ioc' AND province_id = :p"),
            {"p": province.id},
        ).scalar()
        == 1
    )
    assert (
        db.session.execute(
            text(
                "SELECT count(*) FROM staff_users WHERE username = 'coordinator' "
                "AND province_id = :p"
            ),
            {"p": province.id},
        ).scalar()
        == 1
    )
    assert (
        db.session.execute(
            text("SELECT province_id FROM reports WHERE code = :c"), {"c": code}
        ).scalar()
        == province.id
    )
    assert (
        db.session.execute(
            text("SELECT count(*) FROM categories WHERE province_id IS NOT NULL")
        ).scalar()
        == 0
    )
    row = db.session.execute(text("SELECT day, kind, province_id FROM calendar_exceptions")).one()
    assert str(row.day) == "2026-12-24" and row.kind == "day_off" and row.province_id is None
