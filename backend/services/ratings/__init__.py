"""Satisfaction ratings: the reporter rates a resolution, followers say whether it helped.

After a report is resolved the reporter may rate the resolution from 1 to 5
(1-2: unsatisfied) with an optional comment, within ``window_days`` calendar
days of ``resolved_at`` (``RATING_WINDOW_DAYS``). An unsatisfied reporter may
reopen the report once in its life: it goes back to the unit that resolved it
with new SLA clocks, and counts as re-raised. Residents who follow the report
("me too") may say whether the resolution helped them.

A rating belongs to the resolution it rates: the handling clock that the
resolution completed. After a reopening and a second resolution the reporter
rates again (a new clock); rating the same resolution twice is refused.

The functions take the acting resident and ``now``, raise domain errors, and
never commit. Comments are never public: the unit and the coordinator read
them (the unit, and the timeline, with personal data masked, as for the
description); the public sees the score and the followers' counts only. The package:

- :mod:`.rules`: what a resident may do now, the refusals, and the ratings as read;
- :mod:`.recording`: rating, a follower's answer, and the reopening.

Callers use ``from backend.services import ratings`` and ``ratings.<name>``.
"""

from backend.services.ratings.recording import (
    COMMENT_MAX,
    REOPEN_NOTE,
    SCORES,
    feedback,
    rate,
    reopen,
)
from backend.services.ratings.rules import (
    RATEABLE,
    AlreadyRated,
    AlreadyReopened,
    NotFollower,
    NotReporter,
    NotResolved,
    RatingWindowClosed,
    ReopenNeedsUnsatisfiedRating,
    can_give_feedback,
    can_rate,
    can_reopen,
    ever_reopened,
    mine,
    public_rating,
    rated_clock,
    ratings_of,
)

__all__ = [
    "COMMENT_MAX",
    "RATEABLE",
    "REOPEN_NOTE",
    "SCORES",
    "AlreadyRated",
    "AlreadyReopened",
    "NotFollower",
    "NotReporter",
    "NotResolved",
    "RatingWindowClosed",
    "ReopenNeedsUnsatisfiedRating",
    "can_give_feedback",
    "can_rate",
    "can_reopen",
    "ever_reopened",
    "feedback",
    "mine",
    "public_rating",
    "rate",
    "rated_clock",
    "ratings_of",
    "reopen",
]
