"""The desk's named queues: who is in each, the counts equal the lists, one grouped query."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from backend.db import db
from backend.localtime import local_tz
from backend.models import Report
from backend.services import desk, desk_export, queries, sla
from backend.services.desk import Queue
from backend.services.queries import DeskFilter, ReportFilter
from tests.backend.desk_scenario import NOW, at, build, user


@pytest.fixture(scope="module")
def codes(module_transaction):
    with module_transaction.build():
        return build()


@contextmanager
def statements():
    sent: list[str] = []

    def keep(_conn, _cursor, statement, *_args, **_kwargs):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def listed(staff, queue: Queue, now=NOW, **flt) -> set[str]:
    page = queries.staff_reports(
        staff, ReportFilter(**flt), 1, 100, local_tz(), now, DeskFilter(queue=queue)
    )
    assert page.total == len(page.items)
    return {r.code for r in page.items}


def names(codes: dict, found: set[str]) -> set[str]:
    by_code = {code: name for name, code in codes.items()}
    return {by_code[c] for c in found if c in by_code}


def test_a_units_queues(app, codes):
    officer = user("so-xd.officer")
    expected = {
        Queue.TO_ACCEPT: {"overdue", "later"},
        Queue.IN_PROGRESS: {"today", "week"},
        Queue.OVERDUE: {"overdue"},
        Queue.DUE_TODAY: {"today"},
        Queue.DUE_THIS_WEEK: {"today", "week"},
        Queue.WAITING: {"waiting"},
        Queue.RETURNED: set(),  # back with the coordinator: no longer the unit's
        Queue.AWAITING_RATING: {"resolved"},
        # The lighting company's, overdue or not accepted in time: so-xd supervises it.
        Queue.ESCALATED: {"light", "lamp"},
        Queue.OPEN: {"overdue", "today", "week", "later", "waiting", "light", "lamp"},
        Queue.EXTENSION_PENDING: {"week"},
        Queue.NO_APOLOGY: {"overdue"},
        Queue.AWAITING_CLOSURE: {"resolved", "rated", "old"},
        Queue.UNROUTED: set(),
    }
    for queue, wanted in expected.items():
        assert names(codes, listed(officer, queue)) == wanted, queue
    everything = listed(officer, Queue.ALL)
    assert codes["other"] not in everything and codes["returned"] not in everything
    assert codes["unrouted"] not in everything


def test_the_counts_equal_the_lists_for_every_reader(app, codes):
    for username in ("so-xd.officer", "chieu-sang.officer", "so-nnmt.head", "coordinator"):
        staff = user(username)
        counted = desk.counts(staff, NOW)
        for queue in Queue:
            assert counted[queue] == len(listed(staff, queue)), (username, queue)


def test_the_coordinators_triage(app, codes):
    coordinator = user("coordinator")
    expected = {
        Queue.UNROUTED: {"unrouted"},
        Queue.RETURNED: {"returned"},
        Queue.OVERDUE_OR_ESCALATED: {"overdue", "light", "lamp"},
        Queue.EXTENSION_PENDING: {"week"},
        Queue.NO_APOLOGY: {"overdue", "light"},  # the lamp's handling clock is on time
        Queue.AWAITING_CLOSURE: {"resolved", "rated", "old"},
        Queue.ESCALATED: {"light", "lamp"},
    }
    for queue, wanted in expected.items():
        assert names(codes, listed(coordinator, queue)) == wanted, queue


def test_the_supervising_unit_reads_the_escalated_case_but_it_is_not_its_work(app, codes):
    lighting, supervisor = user("chieu-sang.officer"), user("so-xd.officer")
    assert names(codes, listed(lighting, Queue.OVERDUE)) == {"light"}
    assert codes["light"] not in listed(supervisor, Queue.OVERDUE)
    assert codes["light"] in listed(supervisor, Queue.ESCALATED)
    assert desk.supervises(supervisor) and not desk.supervises(lighting)
    assert Queue.ESCALATED in desk.desk_queues(supervisor)
    assert Queue.ESCALATED not in desk.desk_queues(lighting, desk.counts(lighting, NOW))
    assert Queue.RETURNED not in desk.desk_queues(supervisor)


@pytest.mark.parametrize("username", ["coordinator", "moderator", "admin"])
def test_roles_without_a_unit_have_no_escalated_to_us_tab(app, codes, username):
    staff = user(username)
    shown = desk.desk_queues(staff, desk.counts(staff, NOW))
    assert shown == tuple(q for q in desk.DESK_QUEUES if q != Queue.ESCALATED)
    assert Queue.RETURNED in shown


def test_the_pending_extension_of_each_report(app, codes):
    coordinator = user("coordinator")
    page = queries.staff_reports(
        coordinator, ReportFilter(), 1, 100, local_tz(), NOW, DeskFilter(queue=Queue.ALL)
    )
    found = desk.pending_extensions([r.id for r in page.items])
    assert {db.session.get(Report, i).code for i in found} == {codes["week"]}
    (request,) = found.values()
    assert request.reason == "Chờ vật tư." and request.status == "pending"
    assert desk.pending_extensions([]) == {}


def test_due_today_and_this_week_are_local_calendar_days(app, codes):
    officer = user("so-xd.officer")
    assert names(codes, listed(officer, Queue.DUE_TODAY, now=at(2026, 11, 25, 15))) == {"today"}
    # Just after local midnight it is Thursday (UTC still says Wednesday 17:30): the
    # report due Wednesday 16:00 is overdue instead, and Friday's is not due "today".
    thursday = at(2026, 11, 26, 0, 30)
    assert names(codes, listed(officer, Queue.DUE_TODAY, now=thursday)) == set()
    assert "today" in names(codes, listed(officer, Queue.OVERDUE, now=thursday))
    assert "week" in names(codes, listed(officer, Queue.DUE_THIS_WEEK, now=thursday))
    # Next Monday the week starts again: Friday's deadline is no longer this week's.
    monday = at(2026, 11, 30, 7)
    assert "week" not in names(codes, listed(officer, Queue.DUE_THIS_WEEK, now=monday))


def test_the_rating_window_closes(app, codes):
    officer = user("so-xd.officer")
    assert names(codes, listed(officer, Queue.AWAITING_RATING, now=at(2026, 11, 27, 8))) == {
        "resolved"
    }
    assert listed(officer, Queue.AWAITING_RATING, now=at(2026, 11, 27, 10)) == set()


def test_the_counts_respect_the_filters_and_take_one_query(app, codes):
    officer = user("so-xd.officer")
    with statements() as sent:
        counted = desk.counts(officer, NOW, ReportFilter(q="cho cai khe"))
    assert len(sent) == 1
    assert counted[Queue.OPEN] == 1 and counted[Queue.OVERDUE] == 1  # not so-nnmt's
    assert counted[Queue.IN_PROGRESS] == 0
    mine = desk.counts(officer, NOW, desk=DeskFilter(assignee="me"))
    assert mine[Queue.TO_ACCEPT] == 1 and mine[Queue.OPEN] == 1


def test_the_export_keeps_the_desks_order_and_says_when_it_is_cut(app, codes):
    officer = user("so-xd.officer")
    flt, order = ReportFilter(), DeskFilter(queue=Queue.OPEN, sort=queries.DeskSort.DUE_AT)
    ids, cut = desk_export.export_ids(officer, flt, order, NOW, local_tz())
    page = queries.staff_reports(officer, flt, 1, 100, local_tz(), NOW, order)
    assert ids == [r.id for r in page.items] and not cut
    rows = [row for batch in desk_export.export_batches(officer, ids, NOW) for row in batch]
    assert [r.code for r in rows] == [r.code for r in page.items]
    overdue = next(r for r in rows if r.code == codes["overdue"])
    assert overdue.overdue and overdue.working_days_late > 0.5
    assert overdue.due_at == at(2026, 11, 23, 8)
    later = next(r for r in rows if r.code == codes["later"])
    assert later.assignee.username == "so-xd.officer" and not later.overdue
    light = next(r for r in rows if r.code == codes["light"])
    assert light.assignee is None  # a supervisor never learns who works it
    lamp = next(r for r in rows if r.code == codes["lamp"])
    assert not lamp.overdue  # the CSV's "overdue" is the handling clock's
    two, cut = desk_export.export_ids(officer, flt, order, NOW, local_tz(), limit=2)
    assert two == ids[:2] and cut


def test_an_export_batch_costs_the_same_queries_for_2_rows_as_for_all(app, codes):
    """The rows' flags come from the read model's board row, which reads the photos and
    the supporters: loaded with the batch, never one query per row."""
    officer = user("so-xd.officer")
    flt, order = ReportFilter(), DeskFilter(queue=Queue.ALL)
    ids, _ = desk_export.export_ids(officer, flt, order, NOW, local_tz())
    assert len(ids) >= 8
    sla.working_calendar(), sla.working_calendar(officer.province_id)  # once per session

    def sent(chosen: list[int]) -> tuple[int, int]:
        db.session.expire_all()
        with statements() as found:
            rows = [r for batch in desk_export.export_batches(officer, chosen, NOW) for r in batch]
        return len(found), len(rows)

    (few, two), (many, everything) = sent(ids[:2]), sent(ids)
    assert (two, everything) == (2, len(ids)) and few == many
