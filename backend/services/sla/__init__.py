"""SLA clocks on reports: start, stop, pause, extend, apologise, the sweep, and the views.

Clocks are a projection of the timeline: every change to a clock happens in the
same transaction as the timeline event that causes it. The package:

- :mod:`.config`: the working calendar (cached per session) and the policy in force;
- :mod:`.clocks`: clock arithmetic and lifecycle, called by the workflow;
- :mod:`.extensions`: extensions (asked before the deadline) and apologies (after);
- :mod:`.sweep`: one batch of due clocks at a time; the job commits;
- :mod:`.views`: each clock's one current due date and state, and its history.

Callers use ``from backend.services import sla`` and ``sla.<name>``.
"""

from backend.services.sla.clocks import (
    complete,
    end_clocks,
    extensions_of,
    facts,
    open_clocks,
    pause,
    replan,
    resolved,
    resume,
    start_clocks,
    used,
    working_days_late,
)
from backend.services.sla.config import (
    calendar_of,
    durations_for,
    forget_calendar,
    policy_in_force,
    working_calendar,
)
from backend.services.sla.extensions import (
    MAX_AHEAD,
    ApologyAlreadyGiven,
    ApologyNotDue,
    ExtensionPending,
    ExtensionTooLate,
    NoRunningClock,
    apologise,
    decide_extension,
    end_of_office_day,
    request_extension,
)
from backend.services.sla.sweep import Batch, SweepResult, sweep, sweep_batch, sweep_clock
from backend.services.sla.views import (
    clock_view,
    current_of,
    deadline_passed,
    deadlines,
    history,
    public_flag,
)

__all__ = [
    "MAX_AHEAD",
    "ApologyAlreadyGiven",
    "ApologyNotDue",
    "Batch",
    "ExtensionPending",
    "ExtensionTooLate",
    "NoRunningClock",
    "SweepResult",
    "apologise",
    "calendar_of",
    "clock_view",
    "complete",
    "current_of",
    "deadline_passed",
    "deadlines",
    "decide_extension",
    "durations_for",
    "end_clocks",
    "end_of_office_day",
    "extensions_of",
    "facts",
    "forget_calendar",
    "history",
    "open_clocks",
    "pause",
    "policy_in_force",
    "public_flag",
    "replan",
    "request_extension",
    "resolved",
    "resume",
    "start_clocks",
    "sweep",
    "sweep_batch",
    "sweep_clock",
    "used",
    "working_calendar",
    "working_days_late",
]
