"""Every grouping of the statistics (month, unit, place, channel, province) gives, for each
group, the figures of that group's cases worked out one by one from their clocks: with
the settled cases' figures stored (counted by the database) and without them.

On top of November's cases (tests/backend/services/test_statistics.py), cases received
either side of a local midnight that is not the UTC one (1/11 00:10 and 1/12 00:10 in
Vietnam are still 31/10 and 30/11 in UTC) and one whose report has no administrative unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select, update

from backend.db import commit, db
from backend.domain.channels import Channel
from backend.domain.scoring import figures
from backend.models import AdminUnit, Department, Report, ReportClock
from backend.services import statistics, workflow
from backend.services.statistics import Period, Scope
from backend.services.statistics.cases import CaseRow
from tests.backend.services.statistics.worked_out import worked_out
from tests.backend.services.test_sla import VN, at, user
from tests.backend.services.test_statistics import NOW, november  # noqa: F401

PERIOD = Period(date(2026, 11, 1), date(2026, 12, 31))
SCOPES = (Scope(), Scope(admin_unit="92"), Scope(department="so-xd"))


@pytest.fixture
def cases(november, file_report):  # noqa: F811
    officer = user("so-xd.officer")
    for filed, resolved in (
        (at(2026, 10, 31, 23, 50), at(2026, 11, 3, 9)),  # October: outside the period
        (at(2026, 11, 1, 0, 10), at(2026, 11, 6, 9)),  # November (31/10 in UTC)
        (at(2026, 11, 30, 23, 50), at(2026, 12, 1, 9)),  # November
        (at(2026, 12, 1, 0, 10), at(2026, 12, 1, 10)),  # December (30/11 in UTC)
    ):
        report = file_report(filed)
        workflow.resolve(officer, report, resolved, "Đã xử lý.", [], max_photos=6)
        commit()
    report.admin_unit_id = None  # a report placed in no administrative unit
    commit()
    return november


def _expected(scope: Scope, key: Callable[[CaseRow], object]) -> dict:
    groups = defaultdict(list)
    for row in worked_out(scope, PERIOD, NOW):
        groups[key(row)].append(row.case)
    return groups


def _of(groups: dict, key) -> dict:
    return figures(groups.get(key, [])).as_dict()


def _containing(children: set[int]) -> Callable[[CaseRow], int | None]:
    """The child (of ``children``) whose area holds the report's administrative unit."""
    parents = dict(db.session.execute(select(AdminUnit.id, AdminUnit.parent_id)).all())

    def child(row: CaseRow) -> int | None:
        unit = row.admin_unit_id
        while unit is not None and unit not in children:
            unit = parents.get(unit)
        return unit

    return child


def _check(scope: Scope) -> None:
    by_month = _expected(scope, lambda row: row.started_at.astimezone(VN).strftime("%Y-%m"))
    if scope == Scope():  # the December case's report lies in no unit: the country's only
        assert {k for k, v in by_month.items() if v} == {"2026-11", "2026-12"}
    for entry in statistics.monthly(scope, PERIOD, NOW):
        assert entry["figures"] == _of(by_month, entry["month"]), entry["month"]

    units = dict(db.session.execute(select(Department.code, Department.id)).all())
    by_unit = _expected(scope, lambda row: row.department_id)
    for entry in statistics.report(scope, PERIOD, NOW, group="department")["by_department"]:
        code = entry["department"]["code"]
        assert entry["figures"] == _of(by_unit, units[code]), code

    by_channel = _expected(scope, lambda row: row.channel)
    for entry in statistics.report(scope, PERIOD, NOW, group="channel")["by_channel"]:
        assert entry["figures"] == _of(by_channel, Channel(entry["channel"])), entry["channel"]

    for parent in (None, "92"):
        if scope.admin_unit and parent is None:
            continue
        wanted = Scope(department=scope.department, admin_unit=parent)
        places = statistics.by_admin_unit(PERIOD, NOW, parent=parent, department=scope.department)
        codes = dict(db.session.execute(select(AdminUnit.code, AdminUnit.id)).all())
        children = {codes[e["admin_unit"]["code"]] for e in places}
        by_place = _expected(wanted, _containing(children))
        for entry in places:
            code = entry["admin_unit"]["code"]
            assert entry["figures"] == _of(by_place, codes[code]), code

    if scope == Scope():
        provinces = [p for (p,) in db.session.execute(select(Report.province_id).distinct())]
        by_province = _expected(scope, lambda row: row.province_id)
        found = statistics.by_province(PERIOD, NOW, [p for p in provinces if p is not None])
        for province_id, got in found.items():
            assert got == _of(by_province, province_id), province_id

    whole = figures(row.case for row in worked_out(scope, PERIOD, NOW)).as_dict()
    assert statistics.summary(scope, PERIOD, NOW)["figures"] == whole


def test_every_group_has_its_cases_figures_stored_or_not(cases):
    stored = db.session.scalar(select(func.count()).where(ReportClock.case_outcome.is_not(None)))
    assert stored >= 9  # the settled cases are counted by the database
    for scope in SCOPES:
        _check(scope)
    db.session.execute(update(ReportClock).values(case_outcome=None))
    commit()
    for scope in SCOPES:
        _check(scope)
