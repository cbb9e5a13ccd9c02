"""The operations view of the city (coordinator, administrators): the live board, the map of
open reports by deadline state, and the trends.

One computation with the public statistics: the period's figures are
:func:`backend.services.statistics.tally.figures_by` (what ``/public/v1/stats`` and the
Decision 766 scoreboard publish); the live queues are :func:`backend.services.desk.counts` of the
desk's and the triage's named queues. The queries read open reports and the period's
clocks and events only (indexed by status and date), never every closed report.

- :mod:`.board`: the figures of a period and the live queues;
- :mod:`.map`: open reports by deadline state, grouped in grid cells at a zoom;
- :mod:`.national`: the hosted provinces ranked (national staff);
- :mod:`.trends`: reports per day by category and by channel, on-time rate per unit per
  month.

Callers use ``from backend.services import operations`` and ``operations.<name>``.
"""

from backend.services.operations.board import (
    OperationsForbidden,
    board,
    board_period,
    board_province,
    board_queues,
    require_watcher,
)
from backend.services.operations.map import DeadlineState, map_cells, outlines
from backend.services.operations.national import (
    NationalForbidden,
    provinces_ranked,
    require_national,
)
from backend.services.operations.trends import (
    daily_by_category,
    daily_by_channel,
    monthly_on_time,
    trend_periods,
)

__all__ = [
    "DeadlineState",
    "NationalForbidden",
    "OperationsForbidden",
    "board",
    "board_period",
    "board_province",
    "board_queues",
    "daily_by_category",
    "daily_by_channel",
    "map_cells",
    "monthly_on_time",
    "outlines",
    "provinces_ranked",
    "require_national",
    "require_watcher",
    "trend_periods",
]
