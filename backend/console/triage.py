"""The coordinator's triage: the queues that wait for the coordinator's office.

New reports nobody could route, reports their unit returned, overdue or escalated
cases, extension requests to decide, overdue cases without an apology, and resolved
reports to close: each a named queue of ``backend.services.desk`` with its count, listed
with the desk's row. A returned report's row says which unit returned it, when and why;
an extension request's row the date asked for and the reason. The actions are on each
report's page, linked with ``?from=triage`` so that its way back leads here; this page
only lists.
"""

from __future__ import annotations

from backend.console.desk import queue_page
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.domain.roles import Role
from backend.services.desk import TRIAGE_QUEUES, Queue

#: The report page's ``?from=`` value for a report opened from the triage.
ORIGIN = "triage"


@bp.get("/triage")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def triage():
    return queue_page(
        "console/triage.html", "console.triage", TRIAGE_QUEUES, Queue.UNROUTED, origin=ORIGIN
    )
