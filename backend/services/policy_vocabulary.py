"""The access policy's vocabulary: the staff actions, the audiences of the read model,
which roles may take which actions, and the refusals. Part of the access policy
(:mod:`backend.services.policy`, which re-exports all of it); nothing here decides alone.
"""

from __future__ import annotations

from enum import StrEnum

from backend.domain.roles import Role
from backend.domain.text import N_
from backend.domain.workflow import Action, Status
from backend.errors import Conflict, Forbidden

#: Never on the public board: refused as spam, abuse or out of scope.
HIDDEN_FROM_PUBLIC = frozenset({Status.REJECTED})


class StaffAction(StrEnum):
    """What staff do to a report; the values are the staff API's endpoint names."""

    ACCEPT = "accept"
    START = "start"
    UPDATE = "updates"
    RESOLVE = "resolve"
    RETURN = "return"
    FORWARD = "forward"
    REJECT = "reject"
    DUPLICATE = "duplicate"
    CLOSE = "close"
    REQUEST_INFO = "request-info"
    REQUEST_EXTENSION = "extensions"
    DECIDE_EXTENSION = "decide-extension"
    APOLOGISE = "apology"
    ASSIGN_OFFICER = "assignee"  # give the report to a named officer of its unit (or nobody)


class Audience(StrEnum):
    """Which view of a report an actor gets (see backend.services.read_model)."""

    PUBLIC = "public"
    REPORTER = "reporter"
    FOLLOWER = "follower"  # a resident reading someone else's report
    UNIT = "unit"  # the handling unit, or the supervising unit of an escalated case
    OVERSIGHT = "oversight"  # coordinator, moderator, administrator: the reporter too


#: The workflow transition each action performs (None: no status change of its own).
WORKFLOW: dict[StaffAction, Action] = {
    StaffAction.ACCEPT: Action.ACCEPT,
    StaffAction.START: Action.START,
    StaffAction.UPDATE: Action.UPDATE,
    StaffAction.RESOLVE: Action.RESOLVE,
    StaffAction.RETURN: Action.RETURN,
    StaffAction.FORWARD: Action.FORWARD,
    StaffAction.REJECT: Action.REJECT,
    StaffAction.DUPLICATE: Action.MARK_DUPLICATE,
    StaffAction.CLOSE: Action.CLOSE,
    StaffAction.REQUEST_INFO: Action.REQUEST_INFO,
}

_UNIT = frozenset(
    {
        StaffAction.ACCEPT,
        StaffAction.START,
        StaffAction.UPDATE,
        StaffAction.RESOLVE,
        StaffAction.RETURN,
        StaffAction.REQUEST_INFO,
        StaffAction.REQUEST_EXTENSION,
        StaffAction.APOLOGISE,
        StaffAction.ASSIGN_OFFICER,
    }
)
_COORDINATOR = frozenset(
    {
        StaffAction.FORWARD,
        StaffAction.REJECT,
        StaffAction.DUPLICATE,
        StaffAction.CLOSE,
        StaffAction.UPDATE,
        StaffAction.REQUEST_INFO,
        StaffAction.DECIDE_EXTENSION,
        StaffAction.ASSIGN_OFFICER,
    }
)
_MODERATOR = frozenset({StaffAction.REJECT, StaffAction.DUPLICATE, StaffAction.REQUEST_INFO})
#: Where a report may be given to a named officer: open on its handling unit.
ASSIGNABLE_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
#: Who may use the moderation queue and its actions.
MODERATION_ROLES = frozenset({Role.MODERATOR, Role.COORDINATOR, Role.ADMIN})


# ---- refusals ---------------------------------------------------------------------------


class ActionNotAllowed(Forbidden):
    code = "action_not_allowed"
    message = N_("Your role may not perform this action.")


class InModeration(Conflict):
    code = "in_moderation"
    message = N_("The report is waiting for moderation; a moderator must approve it first.")


class AlreadyAccepted(Conflict):
    code = "already_accepted"
    message = N_("The report has already been accepted.")


class AlreadyWaiting(Conflict):
    code = "already_waiting_for_resident"
    message = N_("Already waiting for the resident to answer.")


class NoPendingExtension(Conflict):
    code = "no_pending_extension"
    message = N_("No extension request is waiting for a decision.")
