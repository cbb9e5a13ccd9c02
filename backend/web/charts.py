"""Monthly ratio charts as plain SVG geometry (drawn by the template, no script needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40
#: The level that earns full points (Decision 766): drawn as a dashed line.
THRESHOLD = 0.9


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # 0..1, None when the month had no case
    x: float
    y: float
    width: float
    height: float

    @property
    def percent(self) -> str:
        return "–" if self.value is None else f"{self.value * 100:.0f}%"


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    plot_height: float = HEIGHT - TOP - BOTTOM

    @property
    def threshold_y(self) -> float:
        return self.y_of(THRESHOLD)

    def y_of(self, value: float) -> float:
        return self.top + self.plot_height * (1 - value)

    @property
    def gridlines(self) -> list[tuple[str, float]]:
        return [(f"{p}%", self.y_of(p / 100)) for p in (0, 25, 50, 75, 100)]

    @property
    def baseline(self) -> float:
        return self.y_of(0)


def month_label(month: str, lang: str) -> str:
    """``2026-11`` -> ``11/26`` (Vietnamese) or ``Nov 26`` (English), Babel's month names."""
    year, number = month.split("-")
    first = date(int(year), int(number), 1)
    return format_date(first, "MMM yy" if lang == "en" else "MM/yy", locale=lang)


def ratio_chart(points: list[tuple[str, float | None]]) -> Chart:
    """One bar per (label, ratio); months without a case get no bar."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    bars = []
    for index, (label, value) in enumerate(points):
        height = 0.0 if value is None else plot_height * max(0.0, min(value, 1.0))
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(LEFT + index * slot + slot * 0.15, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    return Chart(bars=bars)
