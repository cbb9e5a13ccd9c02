"""The report state machine and rebuilding state from the timeline."""

from __future__ import annotations

import pytest

from backend.domain.workflow import (
    Action,
    InvalidTransition,
    Status,
    allowed_actions,
    next_status,
    replay,
)


def test_happy_path():
    status = next_status(None, Action.SUBMIT)
    for action, expected in [
        (Action.ASSIGN, Status.ASSIGNED),
        (Action.ACCEPT, Status.ASSIGNED),
        (Action.START, Status.IN_PROGRESS),
        (Action.UPDATE, Status.IN_PROGRESS),
        (Action.RESOLVE, Status.RESOLVED),
        (Action.CLOSE, Status.CLOSED),
    ]:
        status = next_status(status, action)
        assert status == expected


@pytest.mark.parametrize(
    "status, action",
    [
        (Status.NEW, Action.RESOLVE),
        (Status.NEW, Action.START),
        (Status.RESOLVED, Action.START),
        (Status.CLOSED, Action.FORWARD),
        (Status.REJECTED, Action.ASSIGN),
        (Status.DUPLICATE, Action.UPDATE),
        (Status.IN_PROGRESS, Action.ACCEPT),
        (Status.ASSIGNED, Action.SUBMIT),
        (None, Action.ASSIGN),
    ],
)
def test_illegal_transitions_raise(status, action):
    with pytest.raises(InvalidTransition):
        next_status(status, action)


def test_final_states_allow_nothing_but_reopen():
    for status in (Status.REJECTED, Status.DUPLICATE):
        assert allowed_actions(status) == []
    assert allowed_actions(Status.CLOSED) == [Action.REOPEN]


def test_replay_rebuilds_status_and_department():
    events = [
        ("submit", 1),
        ("assign", 5),
        ("accept", None),
        ("note", None),
        ("return", 1),
        ("forward", 7),
        ("start", None),
    ]
    state = replay(events)
    assert state.status == Status.IN_PROGRESS and state.department_id == 7 and state.accepted
    with pytest.raises(InvalidTransition):
        replay([("submit", 1), ("resolve", None)])
    with pytest.raises(ValueError):
        replay([])
