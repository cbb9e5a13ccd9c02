"""The public transparency portal: server-rendered pages, Vietnamese first.

Every page reads the same services as the public API (queries, statistics) and
the same public representations (the public schemas), so the portal, the API and
the exports cannot disagree. Nothing here identifies a reporter.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

from babel import numbers
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext
from flask_smorest import Blueprint as ApiBlueprint
from marshmallow import ValidationError
from sqlalchemy import select

from backend.api.caching import board_scope, conditional, register, report_scope
from backend.api.guards import INT_MAX
from backend.db import db, utcnow
from backend.domain.text import N_
from backend.domain.workflow import STATUS_NAMES, Status
from backend.errors import ERROR_PAGE, ValidationFailed
from backend.i18n import current_language, local_time
from backend.localtime import local_date, local_tz
from backend.models import AdminUnit, Category
from backend.schemas.filters import ReportListArgsSchema
from backend.schemas.reports import PUBLIC_REPORT, PUBLIC_ROWS
from backend.schemas.stats import PeriodArgsSchema
from backend.security import page_policy
from backend.services import (
    boundaries,
    catalogue,
    lookup,
    policy,
    province_ref,
    public_provinces,
    queries,
    read_model,
    statistics,
)
from backend.services.statistics import Period
from backend.web import exports
from backend.web.charts import month_label, ratio_chart
from backend.web.scope import current_province

bp = Blueprint(
    "portal",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/portal",
)
PAGE_SIZE = 20
#: The map draws at most this many reports (the newest matching the filters).
MAP_LIMIT = 2000
#: Filters the board, the map and the exports share (query-string names).
FILTER_KEYS = ("q", "status", "category", "department", "admin_unit", "from", "to")


# ---- language, headers, errors ---------------------------------------------------------


@bp.app_template_global()
def status_label(status: str) -> str:
    return gettext(STATUS_NAMES[Status(status)])


@bp.app_template_global()
def lang_url(lang: str) -> str:
    """This page in the other language (the choice is remembered in a cookie)."""
    args = {k: v for k, v in request.args.items(multi=True) if k != "lang"}
    return f"{request.path}?{urlencode([*args.items(), ('lang', lang)])}"


@bp.app_template_global()
def period_args() -> dict[str, str]:
    """This page's period (``from``/``to``) for the links that carry it on; never any other
    argument (one named like the link's own, ``province`` or ``code``, was a 500;
    ``_external``/``_scheme`` made the link absolute, even ``javascript:``)."""
    return {k: request.args[k] for k in ("from", "to") if request.args.get(k)}


# Dates in the deployment's time zone and the page's language (backend.i18n).
bp.app_template_filter("local_time")(local_time)


def _locale() -> str:
    return current_language()  # g.lang as it is now (Flask-Babel keeps its first answer)


@bp.app_template_filter()
def percent(value) -> str:
    """``0.925`` -> ``92,5%`` (Vietnamese) or ``92.5%`` (English)."""
    return "–" if value is None else numbers.format_percent(value, "#,##0.#%", locale=_locale())


@bp.app_template_filter()
def number(value) -> str:
    """``9.5`` -> ``9,5`` (Vietnamese) or ``9.5`` (English); thousands grouped."""
    return "–" if value is None else numbers.format_decimal(value, "#,##0.##", locale=_locale())


@bp.app_template_filter()
def plural_n(value) -> int:
    """The count that picks a plural form: a whole number, or 2 for a fraction (1.5 days)."""
    if value is None:
        return 0
    return int(value) if float(value).is_integer() else 2


def _secured(response: Response) -> Response:
    # The pages' policy; nosniff, the frame and referrer policies: backend.security, on
    # every answer.
    response.headers["Content-Security-Policy"] = page_policy()
    return response


@bp.after_request
def _headers(response: Response) -> Response:
    response.vary.add("Cookie")  # the language cookie (backend.i18n)
    return conditional(_secured(response))  # unchanged pages answer 304


def _json_paths() -> tuple[str, ...]:
    """Where the APIs live (every blueprint registered with the OpenAPI-aware Api)."""
    prefixes = [
        bp.url_prefix
        for bp in current_app.blueprints.values()
        if isinstance(bp, ApiBlueprint) and bp.url_prefix
    ]
    return (*prefixes, "/openapi.json", "/media/", "/healthz")


def error_page(status: int, code: str, vi: str, en: str, fields: dict | None):
    """Errors on the portal, and on unknown URLs asked for by a browser, as a page.

    Registered with :data:`backend.errors.ERROR_PAGE`: the APIs keep their JSON envelope.
    """
    on_portal = request.blueprint == bp.name
    browsing = (
        request.blueprint is None
        and request.accept_mimetypes.accept_html
        and not request.path.startswith(_json_paths())
    )
    if not (on_portal or browsing):
        return None
    lang = current_language()
    message = en if lang == "en" else vi
    if code == "not_found":
        message = gettext("There is no such page.")
    try:
        body = render_template(
            "portal/error.html", lang=lang, message=message, fields=", ".join(fields or {})
        )
    except Exception:  # the page itself failed: the JSON envelope still answers
        return None
    return _secured(Response(body, status=status, mimetype="text/html"))


bp.record_once(lambda state: state.app.extensions.setdefault(ERROR_PAGE, error_page))


def _load(schema, data: dict) -> dict:
    """Query arguments through their schema; bad ones are a 422 like everywhere else."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(
            N_("Invalid filter."),
            code="invalid_filter",
            fields={name: [str(m) for m in msgs] for name, msgs in exc.messages.items()}
            if isinstance(exc.messages, dict)
            else None,
        ) from exc


def _page(template: str, status: int = 200, **context):
    return render_template(template, lang=g.lang, **context), status


# ---- shared pieces ---------------------------------------------------------------------


def _filters() -> dict:
    """The board's filters as typed (blank ones dropped), for links and forms."""
    return {k: request.args.get(k, "").strip() for k in FILTER_KEYS if request.args.get(k)}


def _parsed_filters():
    province = current_province()  # /p/<slug>/...: that province's reports only
    scoped = {"province": province.slug} if province is not None else {}
    return _load(
        ReportListArgsSchema(), {**_filters(), **scoped, "page": request.args.get("page", "1")}
    )


def _choices() -> dict:
    province = current_province()
    if province is not None:  # the national list and the province's own additions
        categories = catalogue.categories_for(province.id)
    else:
        categories = db.session.scalars(
            select(Category).where(Category.active.is_(True)).order_by(Category.position)
        ).all()
    top = [province] if province is not None else province_ref.hosted_provinces()
    wards = db.session.scalars(
        select(AdminUnit)
        .where(AdminUnit.parent_id.in_([u.id for u in top]))
        .order_by(AdminUnit.name)
    ).all()
    statuses = [s for s in Status if s not in policy.HIDDEN_FROM_PUBLIC]
    return {
        "categories": categories,
        "departments": statistics.handling_units(
            province=province.id if province is not None else None
        ),
        "wards": wards,
        "statuses": statuses,
    }


def _base_url() -> str:
    return (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def _period() -> Period:
    args = _load(
        PeriodArgsSchema(), {k: request.args[k] for k in ("from", "to") if request.args.get(k)}
    )
    return Period.chosen(args.get("date_from"), args.get("date_to"), local_date(utcnow()))


# ---- pages -----------------------------------------------------------------------------


def _rows(reports) -> list[dict]:
    now = utcnow()
    return PUBLIC_ROWS.dump([read_model.row(r, now) for r in reports])


@bp.get("/")
def board():
    """Latest reports, filters, accent-insensitive search and the map."""
    args = _parsed_filters()
    cursor = request.args.get("cursor") or None
    page = queries.public_reports(
        args["filter"], args["page"], PAGE_SIZE, local_tz(), cursor=cursor
    )
    pages = max(math.ceil(page.total / PAGE_SIZE), 1)
    if page.page > pages and not cursor:  # past the end (an old link): the last page
        page = queries.public_reports(args["filter"], pages, PAGE_SIZE, local_tz())
    filters = _filters()
    query = urlencode(filters)
    # Beyond the counted rows (or after a cursor) the next page is linked by its cursor.
    by_cursor = page.next_cursor and (cursor or page.page >= pages)
    return _page(
        "portal/board.html",
        reports=_rows(page.items),
        page=page.page,
        pages=pages,
        total=page.total,
        total_exact=page.total_exact,
        cursor=cursor,
        next_url=url_for(".board", **filters, cursor=page.next_cursor) if by_cursor else None,
        first_url=url_for(".board", **filters),
        filters=filters,
        query=query,
        page_url=lambda n: url_for(".board", **filters, page=n),
        map_data=url_for(".export_geojson", **filters, limit=MAP_LIMIT),
        map_outline=url_for(".outlines"),
        map_limit=MAP_LIMIT,
        tiles=current_app.config.get("MAP_TILE_URL") or "",
        attribution=current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
        **_choices(),
    )


@bp.get("/r/<code>")
def report_page(code: str):
    """One report: photos before and after, deadlines, the public timeline, the rating."""
    report = lookup.by_code(code)
    if not policy.may_read(None, report):
        return _page("portal/error.html", status=404, message=gettext("No such report."))
    view = read_model.build(None, report, utcnow())
    return _page(
        "portal/report.html",
        report=PUBLIC_REPORT.dump(view),
        report_province=public_provinces.of_report(report),
    )


@bp.get("/departments")
def scoreboard():
    """Handling units ranked by their Decision 766 points over the period."""
    period = _period()
    return _page(
        "portal/scoreboard.html",
        entries=public_provinces.scoreboard(current_province(), period, utcnow()),
        period=period,
    )


@bp.get("/departments/<code>")
def department(code: str):
    """A unit's figures, charts of its on-time rate and satisfaction by month, its reports."""
    period = _period()
    data = statistics.department_page(code, period, utcnow())
    province = current_province()
    if province is not None and data["department"].province_id != province.id:
        raise statistics.DepartmentNotFound()  # another province's unit
    months = data["by_month"]
    labels = [month_label(m["month"], g.lang) for m in months]
    latest = queries.public_reports(queries.ReportFilter(department=code), 1, 10, local_tz()).items
    return _page(
        "portal/department.html",
        department=data["department"],
        figures=data["figures"],
        months=list(zip(labels, months, strict=True)),
        on_time_chart=ratio_chart(
            [(label, m["figures"]["on_time_rate"]) for label, m in zip(labels, months, strict=True)]
        ),
        satisfaction_chart=ratio_chart(
            [
                (label, m["figures"]["satisfaction_rate"])
                for label, m in zip(labels, months, strict=True)
            ]
        ),
        period=period,
        reports=_rows(latest),
    )


@bp.get("/open-data")
def open_data():
    filters = _filters()
    return _page(
        "portal/open_data.html",
        filters=filters,
        fields=exports.FIELDS,
        csv_url=url_for(".export_csv", **filters),
        geojson_url=url_for(".export_geojson", **filters),
    )


def _export_rows():
    """The rows to stream. The filters are checked here, so a bad one is answered with
    the error page, not a broken download; the rows are read later, by the response."""
    args = _parsed_filters()
    limit = request.args.get("limit", type=int)
    batches = queries.public_export(  # beyond INT_MAX: no limit (the database's is bigint)
        args["filter"], local_tz(), limit if limit and 0 < limit <= INT_MAX else None
    )
    return exports.released(batches)


@bp.get("/open-data/outlines.geojson")
def outlines():
    """The province or city boundary the board's map draws under the reports."""
    province = current_province()
    return boundaries.outlines(province_id=province.id if province is not None else None)


@bp.get("/open-data/reports.csv")
def export_csv():
    """The public fields of the reports matching the board's filters, as CSV."""
    rows = _export_rows()
    return Response(
        stream_with_context(exports.csv_lines(rows, _base_url())),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="phan-anh.csv"'},
    )


@bp.get("/open-data/reports.geojson")
def export_geojson():
    """The same, as a GeoJSON FeatureCollection of points (the map reads it too)."""
    rows = _export_rows()
    return Response(
        stream_with_context(exports.geojson_chunks(rows, _base_url())),
        mimetype="application/geo+json",
    )


# Anonymous pages answered from the shared cache (backend.api.caching).
register(
    bp,
    {
        "board": board_scope,
        "report_page": report_scope,
        "scoreboard": board_scope,
        "department": board_scope,
    },
)
