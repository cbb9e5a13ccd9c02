"""Signals other packages subscribe to (blinker). ``backend`` only sends.

``event_recorded(report, event=ReportEvent)``
    Sent when an event is appended to a report's timeline, inside the
    transaction that records it (before the commit). Receivers may add rows
    to the same session (an outbox), so that what they add commits or rolls
    back with the event; they must not do I/O. ``event.type`` is the value of a
    :class:`backend.domain.vocabulary.EventKind` (the database refuses any other):
    the workflow actions (``submit``, ``assign``, ``resolve``...), the SLA entries
    (``sla_reminder``, ``overdue``, ``escalated``, ``apology``...; their ``data``
    names the ``clock``: ``accept`` or ``handle``), ratings (``rated``,
    ``follower_feedback``) and moderation (``moderation_approved``, ``text_edited``...).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

event_recorded = _signals.signal("event-recorded")

#: ``report_received(report, now=datetime)``
#:     Sent by intake once a new report exists, before it is routed. A receiver
#:     (the moderation checks) returns ``None`` or a dict
#:     ``{"hold": bool, "flags": [{"kind": ..., ...}]}``; if any asks to hold, the
#:     report waits in the moderation queue (``ModerationStatus.PENDING``) and
#:     is neither routed nor published until a moderator approves it.
report_received = _signals.signal("report-received")

#: ``resident_signed_out(resident, session_ids=list[int] | None, now=datetime)``
#:     Sent inside the transaction that ends a resident's app sessions: ``session_ids``
#:     names the phones signed out, ``None`` means every phone (signed out everywhere, a
#:     deleted account). The notifications package drops those phones' push devices, so
#:     a signed-out phone hears nothing more of the account.
resident_signed_out = _signals.signal("resident-signed-out")

#: ``resident_deleted(resident, now=datetime)``
#:     Sent inside the transaction that erases a resident's identity (the account is
#:     deleted, the reports stay public without it). Receivers delete what they keep
#:     about that person (the notifications package: devices and inbox).
resident_deleted = _signals.signal("resident-deleted")
