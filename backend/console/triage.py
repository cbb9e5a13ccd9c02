"""The coordinator's triage: the queues that wait for the coordinator's office.

New reports nobody could route, reports their unit returned, overdue or escalated
cases, extension requests to decide, overdue cases without an apology, and resolved
reports to close: each a named queue of ``backend.services.desk`` with its count, listed
with the desk's row. The actions are on each report's page; this page only lists.
"""

from __future__ import annotations

from backend.console.desk import queue_page
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.domain.roles import Role
from backend.services.desk import TRIAGE_QUEUES, Queue


@bp.get("/triage")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def triage():
    return queue_page("console/triage.html", "console.triage", TRIAGE_QUEUES, Queue.UNROUTED)
