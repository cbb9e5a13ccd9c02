"""The desk: the reports the signed-in person may read, in named queues with counts.

A department's head and officers see their unit's reports (and those escalated to their
unit as the supervising unit); the coordinator and administrators see every report here
("All reports"). The queues, their counts and the filters are ``backend.services.desk``'s
and ``queries.staff_reports``'s, exactly what ``GET /staff/v1/reports?queue=`` answers;
each row shows what ``read_model.build``/``read_model.row`` give this reader. The filter
form is a GET form: every view of the desk is a URL, and ``/console/desk.csv`` with the
same query string exports it.
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
from marshmallow import ValidationError
from sqlalchemy import select

from backend.console.views import bp
from backend.db import commit, db, utcnow
from backend.errors import ValidationFailed
from backend.localtime import local_tz
from backend.models import AdminUnit, Category, Report, StaffUser
from backend.schemas.filters import StaffReportListArgsSchema
from backend.services import desk as queues
from backend.services import policy, queries, read_model
from backend.services.desk import Queue
from backend.services.queries import ASSIGNEE_ME, DUE_SOON_WORKING_HOURS, DeskSort

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
SORT_LABELS = {
    DeskSort.DUE_AT: _l("Next deadline first"),
    DeskSort.NEWEST: _l("Newest first"),
    DeskSort.OLDEST: _l("Oldest first"),
}
#: The query-string keys of the filter form (the tabs, the pages and the CSV keep them).
FILTER_KEYS = ("q", "category", "admin_unit", "assignee", "sort")


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
    raw = {
        "sort": DeskSort.DUE_AT.value,
        **values,
        "queue": request.args.get("queue", "").strip() or default_queue.value,
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


def _choices() -> dict:
    """The categories and the wards (the units under the deployment's top-level ones)."""
    top = select(AdminUnit.id).where(AdminUnit.parent_id.is_(None))
    return {
        "categories": db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.position)
        ).all(),
        "wards": db.session.scalars(
            select(AdminUnit).where(AdminUnit.parent_id.in_(top)).order_by(AdminUnit.name)
        ).all(),
        "sorts": SORT_LABELS,
    }


def _filter(name: str):
    """One of the templates' filters (dates in local time, numbers as the language writes
    them), so that the rows and the pages format alike."""
    return current_app.jinja_env.filters[name]


# ---- one row -----------------------------------------------------------------------------


def report_url(code: str) -> str:
    """The console's report page (built by hand until its endpoint is registered)."""
    if "console.report" in current_app.view_functions:
        return url_for("console.report", code=code)
    return f"/console/reports/{code}"


@dataclass(frozen=True)
class Due:
    """The deadline at a glance: ``state`` is a CSS class (overdue, soon, ok, waiting)."""

    state: str
    text: str


def _due(view, flag) -> Due | None:
    """From the read model only: the row's overdue/late flags and the handling clock's
    current due date and working hours left (counted on the SLA's working calendar)."""
    local_time, number = _filter("local_time"), _filter("number")
    if flag.overdue:
        days = number(flag.working_days_late or 0)
        return Due("overdue", _("Overdue · late by %(days)s working days", days=days))
    if view.deadlines["waiting_for_resident"]:
        return Due("waiting", _("Waiting for the resident"))
    if flag.late:
        when = local_time(flag.promised_due_at, "%d/%m/%Y")
        return Due("soon", _("Late · promised for %(date)s", date=when))
    clock = view.deadlines["clocks"].get("handle")
    current = clock["current"] if clock else None
    if current is None or current["working_hours_left"] is None:
        return None
    hours = current["working_hours_left"]
    if hours <= DUE_SOON_WORKING_HOURS:
        return Due("soon", _("Due in %(hours)s working hours", hours=number(hours)))
    return Due("ok", _("On time · due %(date)s", date=local_time(current["due_at"])))


@dataclass(frozen=True)
class Row:
    report: Report
    url: str
    description: str
    address: str | None
    assignee: str | None
    escalated: bool  # escalated to the reader's unit as the supervising unit
    due: Due | None


def queue_row(staff: StaffUser, report: Report, now) -> Row:
    view = read_model.build(staff, report, now)
    flag = read_model.row(report, now)
    assignee = view.assignee["full_name"] or view.assignee["username"] if view.assignee else None
    return Row(
        report=report,
        url=report_url(report.code),
        description=view.description,
        address=view.location["address"],
        assignee=assignee,
        escalated=policy.supervises(staff, report),
        due=_due(view, flag),
    )


# ---- the page ----------------------------------------------------------------------------


def queue_page(template: str, endpoint: str, tabs: tuple[Queue, ...], default: Queue, **extra):
    """A page of queues: the tabs with their counts, the chosen queue's reports."""
    staff, now, tz = g.staff, utcnow(), local_tz()
    args = parse_args(default)
    counted = queues.counts(staff, now, args.filter, args.desk, queues=tabs, tz=tz)
    if endpoint == "console.desk":
        tabs = queues.desk_queues(staff, counted)
    queue = args.queue
    size = queues.PAGE_SIZE
    page = queries.staff_reports(staff, args.filter, args.page, size, tz, now, args.desk)
    pages = max(math.ceil(page.total / size), 1)
    if page.page > pages:  # past the end (an old link): the last page
        page = queries.staff_reports(staff, args.filter, pages, size, tz, now, args.desk)
    links = {**args.values, "queue": queue.value}
    return render_template(
        template,
        tabs=[
            {
                "queue": q,
                "label": QUEUE_LABELS[q],
                "count": counted[q],
                "url": url_for(endpoint, **{**args.values, "queue": q.value}),
                "current": q == queue,
            }
            for q in tabs
        ],
        queue=queue,
        queue_label=QUEUE_LABELS[queue],
        rows=[queue_row(staff, r, now) for r in page.items],
        total=page.total,
        page=page.page,
        pages=pages,
        page_url=lambda n: url_for(endpoint, **links, page=n),
        filters=args.values,
        action=url_for(endpoint),
        csv_url=url_for("console.desk_csv", **links),
        mine_filter=policy.is_unit_staff(staff),
        assignee_me=ASSIGNEE_ME,
        export_max=queues.EXPORT_MAX,
        **_choices(),
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


def _csv_lines(staff: StaffUser, ids: list[int], cut: bool, now) -> Iterator[str]:
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
    for batch in queues.export_batches(staff, ids, now):
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
                    r.working_days_late if r.working_days_late is not None else "",
                )
            )
        commit()  # no transaction stays open while the client reads
    if cut:
        note = _("Cut at %(n)s rows: narrow the filters to export the rest.", n=queues.EXPORT_MAX)
        yield line(("# " + note,))


@bp.get("/desk.csv")
def desk_csv():
    """The desk's queue as CSV (same query string as the page), at most EXPORT_MAX rows."""
    staff, now = g.staff, utcnow()
    args = parse_args(Queue.OPEN)
    ids, cut = queues.export_ids(staff, args.filter, args.desk, now, local_tz())
    commit()
    name = f"desk-{args.queue.value}-{now.astimezone(local_tz()):%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(_csv_lines(staff, ids, cut, now)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Export-Rows": str(len(ids)),
            "X-Export-Truncated": "true" if cut else "false",
        },
    )
