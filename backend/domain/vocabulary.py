"""The platform's named vocabularies beyond the workflow's statuses and actions.

Timeline event kinds and moderation states are enums, stored as their values and
guarded by CHECK constraints in the database (migration 0011), so a misspelt kind
cannot be written, routed or matched silently.
"""

from __future__ import annotations

from enum import StrEnum

from backend.domain.workflow import Action


class EventKind(StrEnum):
    """Every kind of timeline entry: the workflow actions, then entries that move nothing."""

    # Workflow actions (backend.domain.workflow.Action), same values.
    SUBMIT = Action.SUBMIT.value
    ASSIGN = Action.ASSIGN.value
    FORWARD = Action.FORWARD.value
    ACCEPT = Action.ACCEPT.value
    START = Action.START.value
    UPDATE = Action.UPDATE.value
    RESOLVE = Action.RESOLVE.value
    RETURN = Action.RETURN.value
    REJECT = Action.REJECT.value
    MARK_DUPLICATE = Action.MARK_DUPLICATE.value
    CLOSE = Action.CLOSE.value
    REOPEN = Action.REOPEN.value
    REQUEST_INFO = Action.REQUEST_INFO.value
    PROVIDE_INFO = Action.PROVIDE_INFO.value
    # Deadlines (SLA).
    SLA_REMINDER = "sla_reminder"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    APOLOGY = "apology"
    APOLOGY_REMINDER = "apology_reminder"
    PROMISE_MISSED = "promise_missed"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_DECIDED = "extension_decided"
    # Ratings.
    RATED = "rated"
    FOLLOWER_FEEDBACK = "follower_feedback"
    # Moderation.
    MODERATION_APPROVED = "moderation_approved"
    TEXT_EDITED = "text_edited"
    PHOTO_HIDDEN = "photo_hidden"
    PHOTO_SHOWN = "photo_shown"
    MERGED_IN = "merged_in"
    REPORTER_LOCKED = "reporter_locked"
    REPORTER_UNLOCKED = "reporter_unlocked"
    # Within the handling unit (internal: never on a public or resident timeline).
    OFFICER_ASSIGNED = "officer_assigned"  # given to (or taken from) a named officer

    @property
    def action(self) -> Action | None:
        """The workflow action this entry records, or None for an entry that moves nothing."""
        try:
            return Action(self.value)
        except ValueError:
            return None


class ModerationStatus(StrEnum):
    """``Report.moderation_status``; NULL means published without review."""

    PENDING = "pending"  # waiting in the moderation queue, neither routed nor public
    APPROVED = "approved"
    REJECTED = "rejected"


#: Every Action is an EventKind of the same value (checked at import).
assert {a.value for a in Action} <= {k.value for k in EventKind}
