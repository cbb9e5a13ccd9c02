"""The operations view's trends: reports per day by category and by channel, and the
on-time rate per unit and month.

Reports per day are the reports the staff member may read filed in the period (by the
local day they were filed, ``ix_reports_created_at``). The on-time rate per unit and
month is the public statistics' own: the period's cases
(:func:`backend.services.statistics.tally.figures_by`) per unit and per month the unit
received them,
so a unit's month equals ``/public/v1/departments/<code>``'s ``by_month``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select

from backend.db import db
from backend.domain.channels import Channel
from backend.localtime import local_tz
from backend.models import Category, Report
from backend.services import policy, statistics
from backend.services.operations.board import board_province
from backend.services.sla import working_calendar
from backend.services.statistics import Period, Scope
from backend.services.statistics.tally import DEPARTMENT, figures_by, with_month


def _per_day(staff, period: Period, column, province: str | None) -> dict[str, Counter]:
    """Reports the staff member may read filed each local day of ``period``, by ``column``,
    of the province the board shows (:func:`board_province`)."""
    target = board_province(staff, province)
    tz = local_tz()
    begin, finish = period.bounds(working_calendar())
    stmt = (
        select(Report.created_at, column)
        .join(Category, Category.id == Report.category_id)
        .where(policy.readable(staff), Report.created_at >= begin, Report.created_at < finish)
    )
    if target is not None:
        stmt = stmt.where(Report.province_id == target)
    rows = db.session.execute(stmt)
    counted: dict[str, Counter] = defaultdict(Counter)
    for created_at, key in rows:
        counted[created_at.astimezone(tz).date().isoformat()][key] += 1
    return counted


def _days(period: Period, counted: dict[str, Counter], keys: list[str], name: str) -> list:
    days, day = [], period.start
    while day <= period.end:
        found = counted.get(day.isoformat(), Counter())
        days.append(
            {
                "date": day.isoformat(),
                "total": sum(found.values()),
                name: {key: found.get(key, 0) for key in keys},
            }
        )
        day += timedelta(days=1)
    return days


def daily_by_category(staff, period: Period, now: datetime, province: str | None = None) -> dict:
    """How many reports were filed each local day of ``period``, by category (of the
    board's province: :func:`board_province`)."""
    counted = _per_day(staff, period, Category.code, province)
    used = {code for day in counted.values() for code in day}
    categories = db.session.execute(
        select(Category.code, Category.name_vi, Category.name_en)
        .where(Category.code.in_(used))
        .order_by(Category.position, Category.code)
    ).all()
    return {
        "period": period.as_dict(),
        "categories": [{"code": c, "name_vi": vi, "name_en": en} for c, vi, en in categories],
        "days": _days(period, counted, [c for c, _, _ in categories], "by_category"),
    }


def daily_by_channel(staff, period: Period, now: datetime, province: str | None = None) -> dict:
    """How many reports were filed each local day of ``period``, by the channel they came
    by (the app, a hotline call, Zalo ...: ``backend.domain.channels.Channel``), of the
    board's province."""
    counted = _per_day(staff, period, Report.channel, province)
    used = {channel for day in counted.values() for channel in day}
    channels = [c.value for c in Channel if c.value in used]
    return {
        "period": period.as_dict(),
        "channels": channels,
        "days": _days(period, counted, channels, "by_channel"),
    }


def monthly_on_time(staff, period: Period, now: datetime, province: str | None = None) -> dict:
    """Each handling unit's on-time rate (and cases) per month of ``period``, of the
    province the board shows (:func:`backend.services.operations.board.board_province`:
    a province's staff their own; national staff the one asked for, or all)."""
    target = board_province(staff, province)
    grouped = figures_by(Scope(province=target), period, now, with_month(DEPARTMENT, period))
    months = [start.strftime("%Y-%m") for start, _ in period.months()]
    units = []
    for unit in statistics.handling_units(target):
        entries = []
        for month in months:
            found = grouped[(unit.id, month)]
            entries.append(
                {
                    "month": month,
                    "received": found["received"],
                    "resolved_on_time": found["resolved_on_time"],
                    "on_time_rate": found["on_time_rate"],
                }
            )
        units.append({"department": {"code": unit.code, "name": unit.name}, "months": entries})
    return {"period": period.as_dict(), "months": months, "units": units}


def trend_periods(period: Period) -> tuple[Period, Period]:
    """The trends' periods for a board's: the board's own when long enough, else the 30
    days (per day) and the 6 months (per month) up to its last day."""
    daily = period
    if (period.end - period.start).days < 6:
        daily = Period(period.end - timedelta(days=29), period.end)
    monthly = period if len(period.months()) >= 2 else Period.last_months(period.end, 6)
    return daily, monthly
