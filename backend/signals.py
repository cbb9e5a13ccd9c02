"""Signals other packages subscribe to (blinker). ``backend`` only sends.

``event_recorded(report, event=ReportEvent)``
    Sent when an event is appended to a report's timeline, inside the
    transaction that records it (before the commit). Receivers may add rows
    to the same session (an outbox), so that what they add commits or rolls
    back with the event; they must not do I/O. Event types are the workflow
    actions (``submit``, ``assign``, ``resolve``...) and the SLA events
    ``sla_reminder``, ``overdue``, ``escalated``, ``apology``,
    ``apology_reminder``, ``promise_missed``, ``extension_requested``,
    ``extension_decided``.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

event_recorded = _signals.signal("event-recorded")
