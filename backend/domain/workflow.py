"""The report workflow: one state machine for every report.

Each transition is an *action*; every action a report goes through is
recorded as a timeline event of the same name, so :func:`replay` can rebuild
the status (and the responsible department) from the timeline alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from backend.domain.text import N_


class Status(StrEnum):
    NEW = "new"  # received, waiting for the coordinator to route it
    ASSIGNED = "assigned"  # sent to a handling unit
    IN_PROGRESS = "in_progress"  # the unit is working on it
    RESOLVED = "resolved"  # the unit answered; the resident may rate it
    CLOSED = "closed"  # final
    RETURNED = "returned"  # the unit says it is not its business; back to coordinator
    REJECTED = "rejected"  # not admissible (spam, out of scope...)
    DUPLICATE = "duplicate"  # merged into another report


class Action(StrEnum):
    SUBMIT = "submit"
    ASSIGN = "assign"  # first assignment (routing or coordinator)
    FORWARD = "forward"  # coordinator sends it to another unit
    ACCEPT = "accept"  # the unit acknowledges receipt
    START = "start"
    UPDATE = "update"  # public progress note, no status change
    RESOLVE = "resolve"
    RETURN = "return"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    CLOSE = "close"
    REOPEN = "reopen"
    REQUEST_INFO = "request_info"  # ask the resident for more (the clocks stop)
    PROVIDE_INFO = "provide_info"  # the resident answers (the clocks run again)


#: The one wording of each status, everywhere (API labels, error messages, pages): a msgid
#: (English), translated in the reader's language.
STATUS_NAMES: dict[Status, str] = {
    Status.NEW: N_("Received"),
    Status.ASSIGNED: N_("Assigned"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.RESOLVED: N_("Resolved"),
    Status.CLOSED: N_("Closed"),
    Status.RETURNED: N_("Being reassigned"),
    Status.REJECTED: N_("Rejected"),
    Status.DUPLICATE: N_("Duplicate"),
}
#: The same names in both languages at once, for the API's ``status_label`` and pure code
#: (the Vietnamese catalogue gives the same words: tests/backend/test_i18n.py).
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.NEW: ("Mới tiếp nhận", "Received"),
    Status.ASSIGNED: ("Đã chuyển đơn vị xử lý", "Assigned"),
    Status.IN_PROGRESS: ("Đang xử lý", "In progress"),
    Status.RESOLVED: ("Đã xử lý", "Resolved"),
    Status.CLOSED: ("Đã đóng", "Closed"),
    Status.RETURNED: ("Đang phân công lại", "Being reassigned"),
    Status.REJECTED: ("Không tiếp nhận", "Rejected"),
    Status.DUPLICATE: ("Trùng phản ánh khác", "Duplicate"),
}

# Status groups, defined once: the desks' filters, the public board and Open311's
# "open"/"closed" all read these.
#: Still being handled (Open311 "open").
OPEN_STATUSES = frozenset({Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED})
#: Answered: the resident may rate it; the coordinator closes it.
RESOLVED_STATUSES = frozenset({Status.RESOLVED})
#: Nothing more happens (a resolved or closed report may still be reopened once).
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED, Status.DUPLICATE})
#: Open311 "closed": answered or final.
CLOSED_STATUSES = RESOLVED_STATUSES | FINAL_STATUSES
_WORKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
_TRIAGE = frozenset({Status.NEW, Status.RETURNED, Status.ASSIGNED, Status.IN_PROGRESS})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status | None]
    target: Status | None  # None: the status does not change


TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({None}), Status.NEW),
    Action.ASSIGN: Transition(frozenset({Status.NEW}), Status.ASSIGNED),
    Action.FORWARD: Transition(_TRIAGE, Status.ASSIGNED),
    Action.ACCEPT: Transition(frozenset({Status.ASSIGNED}), None),
    Action.START: Transition(frozenset({Status.ASSIGNED}), Status.IN_PROGRESS),
    Action.UPDATE: Transition(_WORKING, None),
    Action.RESOLVE: Transition(_WORKING, Status.RESOLVED),
    Action.RETURN: Transition(_WORKING, Status.RETURNED),
    Action.REJECT: Transition(_TRIAGE, Status.REJECTED),
    Action.MARK_DUPLICATE: Transition(_TRIAGE, Status.DUPLICATE),
    Action.CLOSE: Transition(frozenset({Status.RESOLVED}), Status.CLOSED),
    Action.REOPEN: Transition(frozenset({Status.RESOLVED, Status.CLOSED}), Status.ASSIGNED),
    Action.REQUEST_INFO: Transition(_WORKING | {Status.NEW}, None),
    Action.PROVIDE_INFO: Transition(_WORKING | {Status.NEW}, None),
}


class InvalidTransition(Exception):
    """An action that the report's current status does not allow."""

    def __init__(self, status: Status | None, action: Action):
        super().__init__(f"cannot {action.value} a report that is {status}")
        self.status = status
        self.action = action


def allowed_actions(status: Status | None) -> list[Action]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]


def next_status(status: Status | None, action: Action) -> Status:
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise InvalidTransition(status, action)
    return transition.target or status  # type: ignore[return-value]


@dataclass(frozen=True)
class ReplayedState:
    status: Status
    department_id: int | None
    accepted: bool


def replay(events: Iterable[tuple[str, int | None]]) -> ReplayedState:
    """Rebuild a report's state from its timeline.

    ``events`` are ``(event type, department id or None)`` in time order. Event
    types that are not workflow actions (notes, internal remarks) are skipped;
    a department id on an event moves the report to that department.
    """
    status: Status | None = None
    department: int | None = None
    accepted = False
    for kind, department_id in events:
        try:
            action = Action(kind)
        except ValueError:
            continue
        status = next_status(status, action)
        if department_id is not None:
            department = department_id
        if action in (Action.ASSIGN, Action.FORWARD, Action.RETURN, Action.REOPEN):
            accepted = False
        elif action in (Action.ACCEPT, Action.START):
            accepted = True
    if status is None:
        raise ValueError("a timeline must start with a submit event")
    return ReplayedState(status, department, accepted)
