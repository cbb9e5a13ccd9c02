"""The national ranking as a plain SVG chart: one horizontal bar per province, its
Decision 766 points out of the maximum (drawn by the template, no script needed)."""

from __future__ import annotations

from dataclasses import dataclass

#: Timeliness (20) + satisfaction (18): the most a province or unit can score.
MAX_POINTS = 38
WIDTH, ROW, TOP, BOTTOM = 400, 24, 8, 24
LABEL, RIGHT = 120, 40


@dataclass(frozen=True)
class Row:
    label: str
    points: float | None  # None: no case in the period (no bar)
    y: float
    width: float

    @property
    def text_y(self) -> float:
        return self.y + ROW * 0.5 + 4


@dataclass(frozen=True)
class RankingChart:
    rows: list[Row]
    width: int = WIDTH
    left: int = LABEL
    plot_width: int = WIDTH - LABEL - RIGHT
    bar_height: float = ROW * 0.7

    @property
    def height(self) -> int:
        return TOP + ROW * max(len(self.rows), 1) + BOTTOM

    @property
    def baseline(self) -> float:
        return TOP + ROW * max(len(self.rows), 1)

    @property
    def gridlines(self) -> list[tuple[str, float]]:
        return [(str(p), self.left + self.plot_width * p / MAX_POINTS) for p in (0, 10, 20, 30, 38)]


def ranking_chart(points: list[tuple[str, float | None]]) -> RankingChart:
    """One row per (label, points), in the order given (best first)."""
    plot_width = WIDTH - LABEL - RIGHT
    rows = [
        Row(
            label=label,
            points=value,
            y=TOP + index * ROW + ROW * 0.15,
            width=0.0
            if value is None
            else round(plot_width * max(0.0, min(value, MAX_POINTS)) / MAX_POINTS, 1),
        )
        for index, (label, value) in enumerate(points)
    ]
    return RankingChart(rows=rows)
