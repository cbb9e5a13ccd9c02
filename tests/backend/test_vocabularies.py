"""Named vocabularies: an enum-valued column holds one of its enum's values, in the database
too (migration 0011), so a misspelt kind cannot be written, routed or matched silently."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError

from backend.db import commit, db
from backend.domain.vocabulary import EventKind
from backend.models import Report, ReportEvent
from backend.services import timeline
from tests.conftest import post_json

VERSIONS = Path(__file__).parents[2] / "backend/migrations/versions"


def _migration_checks() -> dict[str, dict[str, tuple[str, ...]]]:
    """The constraints as the migrations leave them: 0011's, then each later revision's
    ``CHECKS`` (the columns it rebuilds) over them, in order."""
    checks: dict[str, dict[str, tuple[str, ...]]] = {}
    for path in sorted(VERSIONS.glob("0*.py")):
        spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # alembic's `op` is only touched inside upgrade()
        for table, columns in getattr(module, "CHECKS", {}).items():
            checks.setdefault(table, {}).update(columns)
    return checks


def _values(sql: str) -> tuple[str, ...]:
    return tuple(re.findall(r"'([^']*)'", sql))


def _model_checks() -> dict[str, dict[str, tuple[str, ...]]]:
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                column = str(constraint.sqltext).split(" IN ", 1)[0]
                found.setdefault(table.name, {})[column] = _values(str(constraint.sqltext))
    return found


def test_the_migration_writes_out_what_the_models_declare_from_the_enums(app):
    assert _migration_checks() == _model_checks()
    assert _model_checks()["report_events"]["type"] == tuple(k.value for k in EventKind)


def test_the_database_has_every_constraint(app):
    inspector = inspect(db.engine)
    for table, columns in _migration_checks().items():
        constraints = inspector.get_check_constraints(table)
        reflected = {c["name"]: _values(c["sqltext"]) for c in constraints}
        for column, values in columns.items():
            assert reflected.get(f"ck_{table}_{column}") == values, (table, column)


def _fill(client, resident, staff, submit) -> str:
    """A report with a photo, a timeline, clocks, followers, a device and notifications."""
    reporter, follower = resident("+84901111111"), resident("+84902222222")
    code = submit(reporter).get_json()["code"]
    post_json(client, follower, f"/mobile/v1/reports/{code}/follow")
    post_json(client, reporter, "/mobile/v1/devices", token="vocab-token-0001", platform="web")
    officer = staff("so-xd.officer")
    assert post_json(client, officer, f"/staff/v1/reports/{code}/start").status_code == 200
    return code


def test_a_misspelt_value_is_refused_by_the_database(client, resident, staff, submit):
    _fill(client, resident, staff, submit)
    db.session.remove()
    tried = set()
    for table, columns in _migration_checks().items():
        if not db.session.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first():
            continue
        for column in columns:
            with pytest.raises(IntegrityError), db.session.begin_nested():
                db.session.execute(text(f"UPDATE {table} SET {column} = 'zz'"))
            tried.add(f"{table}.{column}")
    db.session.rollback()
    assert {
        "report_events.type",
        "report_events.from_status",
        "report_events.to_status",
        "report_events.actor_kind",
        "reports.status",
        "reports.moderation_status",
        "reports.severity",
        "notifications.kind",
        "photos.kind",
        "photos.rendition_status",
        "report_clocks.kind",
        "devices.platform",
    } <= tried


def test_a_misspelt_timeline_entry_cannot_be_recorded(client, resident, staff, submit):
    code = _fill(client, resident, staff, submit)
    report = db.session.query(Report).filter_by(code=code).one()
    before = db.session.query(ReportEvent).count()
    with pytest.raises(ValueError, match="not a timeline entry kind"):
        timeline.note(report, "overdeu", report.updated_at)
    with pytest.raises(ValueError, match="workflow action"):
        timeline.note(report, EventKind.RESOLVE, report.updated_at)  # would move nothing
    # Past the service, the database refuses it too.
    db.session.add(
        ReportEvent(
            report_id=report.id,
            type="overdeu",
            actor_kind="system",
            from_status=report.status,
            to_status=report.status,
        )
    )
    with pytest.raises(IntegrityError):
        commit()
    db.session.rollback()
    assert db.session.query(ReportEvent).count() == before
