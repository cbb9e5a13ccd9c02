"""The operations page (``/console/operations``): the city's live board, the map of open
reports by deadline state, and the trends (coordinator's office and administrators).

The page asks ``backend.services.operations`` for everything; each figure links to the
list behind it (a desk or triage queue, or the public scoreboard for the period's
figures, which are the same computation). ``/console/operations/figures`` answers the
figures' container alone: ``operations.js`` fetches it every minute and replaces the
container (no full reload, nothing appended). The map reads
``/console/operations/map.json`` (cells at the map's zoom) and the boundaries.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, g, jsonify, render_template, request, url_for
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from backend.console import Section, add_section, choices
from backend.console.guard import roles_required
from backend.console.intake import CHANNEL_LABELS
from backend.console.operations_charts import count_chart
from backend.console.views import bp
from backend.db import utcnow
from backend.domain.channels import Channel
from backend.domain.roles import CITYWIDE_ROLES, Role
from backend.domain.text import N_
from backend.errors import Forbidden, ValidationFailed
from backend.localtime import local_date, local_tz
from backend.schemas.operations import MapArgsSchema, OperationsArgsSchema
from backend.services import operations, policy, province_ref, statistics
from backend.web.charts import month_label, ratio_chart

WATCHERS = (Role.COORDINATOR, Role.ADMIN)
#: How often the page refreshes its figures (seconds).
REFRESH_SECONDS = 60


@bp.record_once
def _menu(state):
    add_section(
        state.app,
        Section(
            "console.operations_page", _l("Operations centre"), frozenset(CITYWIDE_ROLES), order=30
        ),
    )


def _load(schema, keys: tuple[str, ...]) -> dict:
    raw = {k: request.args[k].strip() for k in keys if request.args.get(k, "").strip()}
    try:
        return schema.load(raw)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        raise ValidationFailed(
            fields={k: [str(m) for m in v] for k, v in messages.items()}
        ) from exc


class AnotherProvince(Forbidden):
    code = "another_province"
    message = N_("This account sees only the operations centre of %(province)s.")


def _refuse_another_province(requested: str | None) -> None:
    """A province's staff asking for another province's board: refused (403, as the
    service does) with a page that names the province they do see."""
    own = policy.province_scope(g.staff)
    if requested and own is not None and province_ref.find(requested).id != own:
        raise AnotherProvince(params={"province": statistics.province_of(own).name})


def _board_args():
    now = utcnow()
    args = _load(OperationsArgsSchema(), ("from", "to"))
    period = operations.board_period(args.get("date_from"), args.get("date_to"), local_date(now))
    keys = ("from", "to", "province")
    chosen = {k: request.args[k].strip() for k in keys if request.args.get(k, "").strip()}
    _refuse_another_province(chosen.get("province"))
    return now, period, chosen


def _figures_context(now, period, chosen: dict) -> dict:
    board = operations.board(g.staff, period, now, province=chosen.get("province"))
    dates = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return {
        "board": board,
        # Named as people know it (Tỉnh Vĩnh Long), not by its URL name (vinh-long).
        "province_name": province_ref.find(chosen["province"]).name
        if chosen.get("province")
        else None,
        "national": policy.watches_provinces(g.staff),
        "updated": format_datetime(now.astimezone(local_tz()), "HH:mm:ss dd/MM/yyyy"),
        "dates": dates,
        "chosen": chosen,
        "province": chosen.get("province"),
        "refresh_url": url_for("console.operations_figures", **chosen),
        "refresh_seconds": REFRESH_SECONDS,
        "desk": lambda queue, **kw: url_for("console.desk", queue=queue, **kw),
        "triage": lambda queue: url_for("console.triage", queue=queue),
    }


@bp.get("/operations")
@roles_required(*WATCHERS)
def operations_page():
    now, period, chosen = _board_args()
    daily, monthly = operations.trend_periods(period)
    lang = g.get("lang", "vi")
    per_day = operations.daily_by_category(g.staff, daily, now, chosen.get("province"))
    for category in per_day["categories"]:
        category["label"] = category["name_en" if lang == "en" else "name_vi"]
    by_channel = operations.daily_by_channel(g.staff, daily, now, chosen.get("province"))
    channels = [
        {"code": c, "label": str(CHANNEL_LABELS[Channel(c)])} for c in by_channel["channels"]
    ]
    map_filters = {k: request.args.get(k, "").strip() for k in ("department", "category")}
    per_month = operations.monthly_on_time(g.staff, monthly, now, chosen.get("province"))
    month_labels = [month_label(m, lang) for m in per_month["months"]]
    units = [
        {
            **unit,
            "chart": ratio_chart(
                [
                    (label, m["on_time_rate"])
                    for label, m in zip(month_labels, unit["months"], strict=True)
                ]
            ),
        }
        for unit in per_month["units"]
        if any(m["received"] for m in unit["months"])
    ]
    return render_template(
        "console/operations.html",
        **_figures_context(now, period, chosen),
        per_day=per_day,
        day_chart=count_chart(
            per_day["days"],
            per_day["categories"],
            lambda d: format_date(date.fromisoformat(d), "dd/MM"),
        ),
        by_channel=by_channel,
        channels=channels,
        channel_chart=count_chart(
            by_channel["days"],
            channels,
            lambda d: format_date(date.fromisoformat(d), "dd/MM"),
            key="by_channel",
        ),
        per_month=per_month,
        month_labels=month_labels,
        unit_charts=units,
        map_filters=map_filters,
        map_args={
            k: v for k, v in {**map_filters, "province": chosen.get("province")}.items() if v
        },
        **_map_choices(chosen.get("province")),
        tiles=current_app.config.get("MAP_TILE_URL") or "",
        attribution=current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
    )


def _map_choices(province: str | None) -> dict:
    """The map filter's units and categories: the staff member's, narrowed to the board's
    province for national staff (a unit of another province would only empty the map)."""
    units, categories = choices.handling_units(g.staff), choices.categories(g.staff)
    if province:
        target = province_ref.find(province).id
        units = [u for u in units if u.province_id == target]
        categories = [c for c in categories if c.province_id in (None, target)]
    return {"departments": units, "categories": categories}


@bp.get("/operations/figures")
@roles_required(*WATCHERS)
def operations_figures():
    """The figures' container alone (the page's minute refresh)."""
    return render_template("console/_operations_figures.html", **_figures_context(*_board_args()))


@bp.get("/operations/map.json")
@roles_required(*WATCHERS)
def operations_map():
    args = _load(MapArgsSchema(), ("zoom", "department", "category", "province"))
    _refuse_another_province(args.get("province"))
    return jsonify(
        operations.map_cells(
            g.staff,
            utcnow(),
            zoom=args["zoom"],
            department=args.get("department"),
            category=args.get("category"),
            province=args.get("province"),
        )
    )


@bp.get("/operations/outlines.geojson")
@roles_required(*WATCHERS)
def operations_outlines():
    return jsonify(operations.outlines(g.staff))
