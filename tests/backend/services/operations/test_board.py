"""The operations board: its figures are the public statistics', its queues the desk's."""

from __future__ import annotations

from datetime import date

import pytest

from backend.errors import Forbidden
from backend.localtime import local_tz
from backend.services import desk, operations, queries, statistics
from backend.services.desk import Queue
from backend.services.queries import DeskFilter, ReportFilter
from backend.services.statistics import Period, Scope
from tests.backend.desk_scenario import NOW, build, user
from tests.backend.services.statistics.worked_out import worked_out

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


def listed(staff, queue: Queue) -> int:
    page = queries.staff_reports(
        staff, ReportFilter(), 1, 1, local_tz(), NOW, DeskFilter(queue=queue)
    )
    return page.total


@pytest.mark.parametrize("period", [NOVEMBER, Period(date(2026, 11, 25), date(2026, 11, 25))])
def test_the_figures_are_the_public_statistics(app, codes, period):
    coordinator = user("coordinator")  # TP Cần Thơ's: the board is their province's
    scope = Scope(province=coordinator.province_id)
    board = operations.board(coordinator, period, NOW)
    assert board["figures"] == statistics.summary(scope, period, NOW)["figures"]
    assert board["units"] == statistics.scoreboard(period, NOW, province=scope.province)
    assert board["period"] == period.as_dict()
    assert board["figures"]["received"] == len(worked_out(scope, period, NOW))


def test_the_november_board(app, codes):
    board = operations.board(user("coordinator"), NOVEMBER, NOW)
    assert board["figures"]["received"] > 0
    assert board["today"] is False
    # Every report but the unrouted one was given to its unit by a rule at intake.
    assert board["routing"]["automatic"] >= board["figures"]["received"] - 2
    assert board["routing"]["by_hand"] >= 0


def test_the_queues_equal_the_lists_behind_them(app, codes):
    coordinator = user("coordinator")
    board = operations.board(coordinator, NOVEMBER, NOW)
    everything = desk.counts(coordinator, NOW, queues=operations.board_queues(), tz=local_tz())
    for queue, count in everything.items():
        assert board["queues"][queue.value] == count == listed(coordinator, queue), queue
    assert board["queues"]["overdue"] > 0
    assert board["queues"]["extension_pending"] > 0


def test_overdue_by_unit_worst_first_and_summing_to_the_queue(app, codes):
    coordinator = user("coordinator")
    board = operations.board(coordinator, NOVEMBER, NOW)
    counts = [entry["overdue"] for entry in board["overdue_by_unit"]]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == board["queues"]["overdue"]
    for entry in board["overdue_by_unit"]:
        flt = ReportFilter(department=entry["department"]["code"])
        page = queries.staff_reports(
            coordinator, flt, 1, 1, local_tz(), NOW, DeskFilter(queue=Queue.OVERDUE)
        )
        assert page.total == entry["overdue"]


@pytest.mark.parametrize("username", ["so-xd.officer", "so-xd.head", "moderator"])
def test_only_the_coordinators_office_and_administrators(app, codes, username):
    with pytest.raises(Forbidden):
        operations.board(user(username), NOVEMBER, NOW)
    with pytest.raises(Forbidden):
        operations.map_cells(user(username), NOW)


def test_an_administrator_sees_the_same_board(app, codes):
    assert operations.board(user("admin"), NOVEMBER, NOW) == operations.board(
        user("coordinator"), NOVEMBER, NOW
    )
