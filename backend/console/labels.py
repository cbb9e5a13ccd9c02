"""Words for the console's vocabularies: timeline entries (every EventKind) and roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from backend.domain.vocabulary import EventKind as E

EVENT_LABELS = {
    E.SUBMIT: _l("Report received"),
    E.ASSIGN: _l("Assigned to a unit"),
    E.FORWARD: _l("Forwarded to a unit"),
    E.ACCEPT: _l("Accepted by the unit"),
    E.START: _l("Handling started"),
    E.UPDATE: _l("Progress update"),
    E.RESOLVE: _l("Resolved"),
    E.RETURN: _l("Returned to the coordinator"),
    E.REJECT: _l("Rejected"),
    E.MARK_DUPLICATE: _l("Marked as duplicate"),
    E.CLOSE: _l("Closed"),
    E.REOPEN: _l("Reopened"),
    E.REQUEST_INFO: _l("Information asked from the resident"),
    E.PROVIDE_INFO: _l("The resident answered"),
    E.SLA_REMINDER: _l("Deadline reminder"),
    E.OVERDUE: _l("Overdue"),
    E.ESCALATED: _l("Escalated to the supervising unit"),
    E.APOLOGY: _l("Public apology, new promised date"),
    E.APOLOGY_REMINDER: _l("Apology reminder"),
    E.PROMISE_MISSED: _l("Promised date missed"),
    E.EXTENSION_REQUESTED: _l("Extension requested"),
    E.EXTENSION_DECIDED: _l("Extension decided"),
    E.RATED: _l("Rated by the resident"),
    E.FOLLOWER_FEEDBACK: _l("Feedback from a follower"),
    E.MODERATION_APPROVED: _l("Approved by moderation"),
    E.TEXT_EDITED: _l("Public text edited"),
    E.PHOTO_HIDDEN: _l("Photo hidden"),
    E.PHOTO_SHOWN: _l("Photo shown again"),
    E.MERGED_IN: _l("Another report merged in"),
    E.REPORTER_LOCKED: _l("Reporter locked"),
    E.REPORTER_UNLOCKED: _l("Reporter unlocked"),
    E.OFFICER_ASSIGNED: _l("Given to an officer"),
}


def event_label(kind: str) -> str:
    try:
        return str(EVENT_LABELS[E(kind)])
    except (KeyError, ValueError):
        return kind
