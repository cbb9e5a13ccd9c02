"""The operations page's count chart: reports per day, stacked by category, as SVG geometry
(drawn by the template; no script). Ratio charts reuse the portal's ``ratio_chart``."""

from __future__ import annotations

import math
from dataclasses import dataclass

from backend.web.charts import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH

#: Colours the template cycles through (CSS classes ``series-0`` ...).
SERIES = 6


@dataclass(frozen=True)
class Segment:
    series: int
    label: str
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    label: str
    total: int
    x: float
    width: float
    segments: list[Segment]
    show_label: bool


@dataclass(frozen=True)
class CountChart:
    columns: list[Column]
    gridlines: list[tuple[str, float]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def _ceiling(value: int) -> int:
    """A round top for the axis: 1, 2, 5, 10, 20, 50 ..."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def count_chart(
    days: list[dict], categories: list[dict], label_of, key: str = "by_category"
) -> CountChart:
    """One column per day (``total`` and, under ``key``, the count of each series: the
    ``code`` of each of ``categories``), segments stacked by series."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    top = _ceiling(max((d["total"] for d in days), default=0))
    slot = plot_width / max(len(days), 1)
    every = max(1, math.ceil(len(days) / 10))  # at most ~10 labels on the axis
    columns = []
    for index, day in enumerate(days):
        base = TOP + plot_height
        segments = []
        for series, category in enumerate(categories):
            value = day[key].get(category["code"], 0)
            if not value:
                continue
            height = plot_height * value / top
            base -= height
            segments.append(
                Segment(series % SERIES, category["label"], value, round(base, 1), round(height, 1))
            )
        columns.append(
            Column(
                label=label_of(day["date"]),
                total=day["total"],
                x=round(LEFT + index * slot + slot * 0.1, 1),
                width=round(max(slot * 0.8, 1), 1),
                segments=segments,
                show_label=index % every == 0,
            )
        )
    grid = [(str(round(top * f)), round(TOP + plot_height * (1 - f), 1)) for f in (0, 0.5, 1)]
    return CountChart(columns=columns, gridlines=grid)
