"""Statistics of one province: ``Scope(province=...)`` and ``scoreboard(..., province=...)``
count the province's reports and rank its units only."""

from __future__ import annotations

from datetime import date

import pytest

from backend.services import statistics
from backend.services.statistics import Period, ProvinceNotFound, Scope
from tests.backend.services.test_sla import at
from tests.backend.services.two_provinces import move_to, two_provinces

NOW = at(2026, 12, 2, 9)
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def filed(file_report):
    provinces = two_provinces()
    reports = [file_report(at(2026, 11, 2, 8)) for _ in range(3)]
    for report in reports:
        if report.province_id is None:  # filed before intake knew provinces
            move_to(report, provinces.can_tho)
    move_to(reports[2], provinces.vinh_long, provinces.vl_unit)
    return provinces, reports


def received(scope: Scope) -> int:
    return statistics.report(scope, NOVEMBER, NOW)["figures"]["received"]


def test_a_province_counts_only_its_own_reports(filed):
    provinces, _ = filed
    assert received(Scope(province="vinh-long")) == 1
    assert received(Scope(province="can-tho")) == 2
    assert received(Scope(province=provinces.vinh_long.id)) == 1
    assert received(Scope(province=provinces.vinh_long.code)) == 1
    assert received(Scope()) == 3


def test_the_answer_names_the_province(filed):
    answer = statistics.report(Scope(province="86"), NOVEMBER, NOW)
    assert answer["scope"]["province"] == "vinh-long"
    assert statistics.report(Scope(), NOVEMBER, NOW)["scope"]["province"] is None


def test_a_province_scoreboard_ranks_its_own_units(filed):
    provinces, _ = filed
    vinh_long_units = {u.code for u in statistics.handling_units("vinh-long")}
    assert provinces.vl_unit.code in vinh_long_units
    assert not vinh_long_units & {u.code for u in statistics.handling_units("can-tho")}
    board = statistics.scoreboard(NOVEMBER, NOW, province="vinh-long")
    assert {e["department"]["code"] for e in board} == vinh_long_units
    assert board[0]["department"]["code"] == provinces.vl_unit.code
    assert board[0]["figures"]["received"] == 1 and board[0]["rank"] == 1
    assert sum(e["figures"]["received"] for e in board) == 1
    can_tho = statistics.scoreboard(NOVEMBER, NOW, province="can-tho")
    assert not vinh_long_units & {e["department"]["code"] for e in can_tho}
    assert sum(e["figures"]["received"] for e in can_tho) == 2
    grouped = statistics.report(Scope(province="vinh-long"), NOVEMBER, NOW, group="department")
    assert {e["department"]["code"] for e in grouped["by_department"]} == vinh_long_units


def test_an_unknown_province_is_not_found(filed):
    with pytest.raises(ProvinceNotFound) as error:
        statistics.report(Scope(province="atlantis"), NOVEMBER, NOW)
    assert error.value.status == 404 and error.value.code == "province_not_found"
    with pytest.raises(ProvinceNotFound):
        statistics.scoreboard(NOVEMBER, NOW, province=999_999)
