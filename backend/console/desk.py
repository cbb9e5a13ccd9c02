"""The desk: the reports the signed-in person may read, in named queues with counts.

A department's head and officers see their unit's reports (and those escalated to their
unit as the supervising unit); the coordinator and administrators see every report here
("All reports"). The queues, their counts and the filters are ``backend.services.desk``'s
and ``queries.staff_reports``'s, exactly what ``GET /staff/v1/reports?queue=`` answers;
each row (``backend.console.queue_rows``) shows what the read model gives this reader. The
filter form is a GET form: every view of the desk is a URL, and ``/console/desk.csv``
with the same query string exports it. A head (and the coordinator or an administrator,
for the unit they pick) filters by officer: the unit's officers with how many open
reports each has, "nobody yet" and "me". A filter the desk does not know (a queue that is
not one of the page's tabs, an unknown category...) answers a 422 page naming it.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Response, current_app, g, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from marshmallow import ValidationError
from sqlalchemy import select

from backend.console import choices
from backend.console.queue_rows import one_decimal, queue_row
from backend.console.views import bp
from backend.db import commit, db, utcnow
from backend.domain.roles import CITYWIDE_ROLES, Role
from backend.errors import NotFound, ValidationFailed
from backend.localtime import local_tz
from backend.models import AdminUnit, StaffUser
from backend.schemas.filters import StaffReportListArgsSchema
from backend.services import desk as queues
from backend.services import desk_export, officers, policy, queries
from backend.services.desk import Queue
from backend.services.queries import ASSIGNEE_ME, ASSIGNEE_NONE, DeskSort

QUEUE_LABELS = {
    Queue.TO_ACCEPT: _l("New to accept"),
    Queue.IN_PROGRESS: _l("In progress"),
    Queue.OVERDUE: _l("Overdue"),
    Queue.DUE_TODAY: _l("Due today"),
    Queue.DUE_THIS_WEEK: _l("Due this week"),
    Queue.WAITING: _l("Waiting for the resident"),
    Queue.RETURNED: _l("Returned by units"),
    Queue.AWAITING_RATING: _l("Resolved, awaiting rating"),
    Queue.ESCALATED: _l("Escalated to us"),
    Queue.OPEN: _l("All open"),
    Queue.ALL: _l("All"),
    Queue.UNROUTED: _l("New, not routed"),
    Queue.OVERDUE_OR_ESCALATED: _l("Overdue and escalated"),
    Queue.EXTENSION_PENDING: _l("Extension requests"),
    Queue.NO_APOLOGY: _l("Overdue, no apology yet"),
    Queue.AWAITING_CLOSURE: _l("Resolved, awaiting closure"),
}
#: A unit's tabs say whose reports they hold: its own working queues, and the other
#: units' reports escalated to it (which it reads, never works).
UNIT_QUEUE_LABELS = {
    Queue.OVERDUE: _l("Overdue (our unit)"),
    Queue.ESCALATED: _l("Escalated to us (read only)"),
}
SORT_LABELS = {
    DeskSort.DUE_AT: _l("Next deadline first"),
    DeskSort.NEWEST: _l("Newest first"),
    DeskSort.OLDEST: _l("Oldest first"),
}
#: The query-string keys of the filter form (the tabs, the pages and the CSV keep them).
FILTER_KEYS = ("q", "category", "admin_unit", "department", "assignee", "sort")
#: What the filter form calls each key (a bad one is named on the 422 page).
FILTER_LABELS = {
    "queue": _l("Queue"),
    "q": _l("Search"),
    "category": _l("Category"),
    "admin_unit": _l("Ward"),
    "department": _l("Unit"),
    "assignee": _l("Officer"),
    "sort": _l("Order"),
    "page": _l("Page"),
}


#: The page a bad filter's "default queue" link leads to, when not the same endpoint.
_PAGE_OF = {"console.desk_csv": "console.desk"}


class InvalidFilter(ValidationFailed):
    code = "invalid_filter"


# ---- the query string --------------------------------------------------------------------


@dataclass(frozen=True)
class DeskArgs:
    filter: queries.ReportFilter
    desk: queries.DeskFilter
    page: int
    queue: Queue
    #: The filters as typed (blank ones dropped), for the form and the links.
    values: dict


def parse_args(default_queue: Queue) -> DeskArgs:
    """The filters, the queue and the page from the query string (bad ones: a 422 page)."""
    values = {k: request.args.get(k, "").strip() for k in FILTER_KEYS}
    values = {k: v for k, v in values.items() if v}
    queue = request.args.get("queue", "").strip() or default_queue.value
    raw = {
        "sort": DeskSort.DUE_AT.value,
        **values,
        "queue": queue,
        "page": request.args.get("page", "").strip() or "1",
        "page_size": queues.PAGE_SIZE,
    }
    try:
        loaded = StaffReportListArgsSchema().load(raw)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        raise InvalidFilter(fields={k: [str(m) for m in v] for k, v in messages.items()}) from exc
    return DeskArgs(
        loaded["filter"], loaded["desk"], loaded["page"], Queue(loaded["desk"].queue), values
    )


def bad_filter_page(error: ValidationFailed):
    """The console's 422 page naming the filters it could not use (and what was typed),
    with a link to the page's default queue."""
    names = []
    for key in error.fields or {}:
        label = FILTER_LABELS.get(key, key)
        typed = request.args.get(key, "").strip()[:40]
        names.append(f"{label} ({typed})" if typed else str(label))
    message = ngettext(
        "This filter is not valid: %(names)s.",
        "These filters are not valid: %(names)s.",
        max(len(names), 1),
        names=", ".join(names) or _("unknown"),
    )
    body = render_template(
        "console/desk_error.html",
        status=422,
        code=error.code,
        message=message,
        default_url=url_for(_PAGE_OF.get(request.endpoint, request.endpoint)),
    )
    return body, 422


def _choices(staff: StaffUser) -> dict:
    """The categories, the wards (the units under the deployment's top-level ones) and,
    for the roles that see every unit, the handling units."""
    top = select(AdminUnit.id).where(AdminUnit.parent_id.is_(None))
    units = []
    if staff.role in CITYWIDE_ROLES:
        units = choices.handling_units(staff)
    return {
        "categories": choices.categories(staff),
        # The wards of the reader's province (national staff: every hosted province's).
        "wards": db.session.scalars(
            select(AdminUnit)
            .where(AdminUnit.parent_id.in_(top))
            .where(policy.in_scope_sql(staff, AdminUnit.parent_id))
            .order_by(AdminUnit.name)
        ).all(),
        "units": units,
        "sorts": SORT_LABELS,
    }


@dataclass(frozen=True)
class OfficerFilter:
    """The desk's "officer" choice: a unit's officers with their open reports."""

    officers: list[officers.Officer]
    mine: bool  # "me" is a choice (the reader is one of the unit's officers)
    #: The unit to pick first (the coordinator or an administrator, no unit chosen yet).
    needs_unit: bool = False


def officer_filter(staff: StaffUser, flt: queries.ReportFilter) -> OfficerFilter | None:
    """A head filters by the unit's officers; the coordinator and administrators by the
    officers of the unit they picked; an officer only has "given to me"."""
    if staff.role == Role.DEPARTMENT_HEAD and staff.department is not None:
        code, mine = staff.department.code, True
    elif staff.role in CITYWIDE_ROLES:
        if not flt.department:
            return OfficerFilter([], mine=False, needs_unit=True)
        code, mine = flt.department, False
    else:
        return None
    try:
        return OfficerFilter(officers.unit_officers(staff, code), mine=mine)
    except NotFound:  # the coordinator's own office, or a unit the reader may not list
        return OfficerFilter([], mine=False)


def active_filters(values: dict) -> int:
    """How many filters narrow the list (the order is not one)."""
    return sum(1 for key in values if key != "sort")


# ---- the page ----------------------------------------------------------------------------


def queue_page(
    template: str,
    endpoint: str,
    tabs: tuple[Queue, ...],
    default: Queue,
    *,
    origin: str | None = None,
    **extra,
):
    """A page of queues: the tabs with their counts, the chosen queue's reports. ``origin``
    names the page in the rows' links (``?from=``), for the report page's way back."""
    try:
        return _queue_page(template, endpoint, tabs, default, origin, extra)
    except ValidationFailed as error:  # a bad filter: the form's values, or an unknown code
        return bad_filter_page(error)


def _labels(staff: StaffUser) -> dict:
    if policy.is_unit_staff(staff):
        return {**QUEUE_LABELS, **UNIT_QUEUE_LABELS}
    return QUEUE_LABELS


def _queue_page(template, endpoint, tabs, default, origin, extra):
    staff, now, tz = g.staff, utcnow(), local_tz()
    args = parse_args(default)
    counted = queues.counts(staff, now, args.filter, args.desk, queues=tabs, tz=tz)
    if endpoint == "console.desk":
        tabs = queues.desk_queues(staff, counted)
    queue = args.queue
    if queue not in tabs:
        raise InvalidFilter(fields={"queue": ["Not one of this page's queues."]})
    size = queues.PAGE_SIZE
    page = queries.staff_reports(staff, args.filter, args.page, size, tz, now, args.desk)
    pages = max(math.ceil(page.total / size), 1)
    if page.page > pages:  # past the end (an old link): the last page
        page = queries.staff_reports(staff, args.filter, pages, size, tz, now, args.desk)
    extensions = {}
    if queue == Queue.EXTENSION_PENDING:
        extensions = queues.pending_extensions([r.id for r in page.items])
    links = {**args.values, "queue": queue.value}
    labels = _labels(staff)
    return render_template(
        template,
        tabs=[
            {
                "queue": q,
                "label": labels[q],
                "count": counted[q],
                "url": url_for(endpoint, **{**args.values, "queue": q.value}),
                "current": q == queue,
            }
            for q in tabs
        ],
        queue=queue,
        queue_label=labels[queue],
        rows=[
            queue_row(staff, r, now, origin=origin, extension=extensions.get(r.id))
            for r in page.items
        ],
        total=page.total,
        page=page.page,
        pages=pages,
        page_url=lambda n: url_for(endpoint, **links, page=n),
        filters=args.values,
        active_filters=active_filters(args.values),
        action=url_for(endpoint),
        csv_url=url_for("console.desk_csv", **links),
        mine_filter=policy.is_unit_staff(staff),
        officer_filter=officer_filter(staff, args.filter),
        assignee_me=ASSIGNEE_ME,
        assignee_none=ASSIGNEE_NONE,
        export_max=desk_export.EXPORT_MAX,
        triage=origin == "triage",
        **_choices(staff),
        **extra,
    )


@bp.get("/desk")
def desk():
    return queue_page("console/desk.html", "console.desk", queues.DESK_QUEUES, Queue.OPEN)


# ---- the CSV -----------------------------------------------------------------------------

#: A spreadsheet would run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _status(status: str) -> str:
    return current_app.jinja_env.globals["status_label"](status)


def _csv_lines(staff_id: int, ids: list[int], cut: bool, now) -> Iterator[str]:
    # Streamed after the view returned: the session of the request is gone by then, so
    # the reader is loaded again here (rows from before the stream would be detached).
    staff = db.session.get(StaffUser, staff_id)
    tz, english = local_tz(), g.get("lang") == "en"
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(c) for c in cells])
        return buffer.getvalue()

    header = (
        _("Code"),
        _("Filed at"),
        _("Category"),
        _("Ward"),
        _("Status"),
        _("Unit"),
        _("Assignee"),
        _("Due at"),
        _("Overdue"),
        _("Working days late"),
    )
    yield "\ufeff" + line(header)  # UTF-8 with a BOM: spreadsheets read Vietnamese right
    for batch in desk_export.export_batches(staff, ids, now):
        for r in batch:
            yield line(
                (
                    r.code,
                    r.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                    r.category.name_en if english else r.category.name_vi,
                    r.admin_unit.name if r.admin_unit else "",
                    _status(r.status),
                    r.department.name if r.department else "",
                    (r.assignee.full_name or r.assignee.username) if r.assignee else "",
                    r.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if r.due_at else "",
                    _("yes") if r.overdue else _("no"),
                    desk_export.days_late(r.working_days_late),
                )
            )
        commit()  # no transaction stays open while the client reads
    if cut:
        most = desk_export.EXPORT_MAX
        note = ngettext(
            "Cut at %(rows)s row: narrow the filters to export the rest.",
            "Cut at %(rows)s rows: narrow the filters to export the rest.",
            most,
            rows=one_decimal(most),
        )
        yield line(("# " + note,))


@bp.get("/desk.csv")
def desk_csv():
    """The desk's queue as CSV (same query string as the page), at most EXPORT_MAX rows."""
    staff, now = g.staff, utcnow()
    try:
        args = parse_args(Queue.OPEN)
        ids, cut = desk_export.export_ids(staff, args.filter, args.desk, now, local_tz())
    except ValidationFailed as error:
        return bad_filter_page(error)
    commit()
    name = f"desk-{args.queue.value}-{now.astimezone(local_tz()):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(_csv_lines(staff.id, ids, cut, now)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Export-Rows": str(len(ids)),
            "X-Export-Truncated": "true" if cut else "false",
        },
    )
