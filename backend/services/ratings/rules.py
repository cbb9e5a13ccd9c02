"""What residents may do with a resolution, and the ratings as they are read.

The rules: who may rate (the reporter), who may say whether it helped (a
follower), which resolution may be rated now (resolved or closed, within the
window), and the refusals. The reading: a report's ratings (one query for every
report the session holds), the current resolution's rating of a resident, and
what the public may know.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from backend.db import db
from backend.domain.sla import ClockKind
from backend.domain.text import N_
from backend.domain.workflow import Action, Status
from backend.errors import Conflict, Forbidden
from backend.models import RaterKind, Rating, Report, ReportClock

RATEABLE = frozenset({Status.RESOLVED, Status.CLOSED})


class NotReporter(Forbidden):
    code = "not_reporter"
    message = N_("Only the resident who filed the report may rate or reopen it.")


class NotFollower(Forbidden):
    code = "not_follower"
    message = N_("Only residents who follow the report may say whether the resolution helped.")


class NotResolved(Conflict):
    code = "not_resolved"
    message = N_("The report has not been resolved; there is nothing to rate yet.")


class RatingWindowClosed(Conflict):
    code = "rating_window_closed"
    message = N_("The time for rating this resolution is over.")


class AlreadyRated(Conflict):
    code = "already_rated"
    message = N_("You have already rated this resolution.")


class ReopenNeedsUnsatisfiedRating(Conflict):
    code = "reopen_requires_unsatisfied_rating"
    message = N_("A report can only be reopened after you rate its resolution 1 or 2.")


class AlreadyReopened(Conflict):
    code = "already_reopened"
    message = N_("The report has already been reopened once; it cannot be reopened again.")


# ---- reading ----------------------------------------------------------------------------

#: Session cache: report id -> its ratings. Filled for every report the session holds at
#: once, so a page of reports (the staff desk, "my reports") costs one query, not one each.
_CACHE = "phananh_ratings_by_report"
_BATCH = 500


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args) -> None:
    session.info.pop(_CACHE, None)


def ratings_of(report: Report) -> list[Rating]:
    """The report's ratings, oldest first (every resolution, reporter and followers)."""
    if report.id is None:
        return []
    cache: dict[int, list[Rating]] = db.session.info.setdefault(_CACHE, {})
    if report.id not in cache:
        others = {
            loaded.id
            for loaded in db.session.identity_map.values()
            if isinstance(loaded, Report) and loaded.id is not None and loaded.id not in cache
        }
        others.discard(report.id)
        ids = [report.id, *sorted(others)[: _BATCH - 1]]
        found: dict[int, list[Rating]] = {report_id: [] for report_id in ids}
        rows = db.session.scalars(
            select(Rating).where(Rating.report_id.in_(ids)).order_by(Rating.id)
        )
        for rating in rows:
            found[rating.report_id].append(rating)
        cache.update(found)
    return cache[report.id]


def forget_report(report: Report) -> None:
    """Read the report's ratings afresh (after one is added)."""
    db.session.info.get(_CACHE, {}).pop(report.id, None)


def rated_clock(report: Report) -> ReportClock | None:
    """The handling clock the current (latest) resolution completed, if any."""
    return next(
        (
            clock
            for clock in reversed(report.clocks)
            if clock.kind == ClockKind.HANDLE
            and clock.completed_at is not None
            and not clock.superseded
        ),
        None,
    )


def ever_reopened(report: Report) -> bool:
    """Reopened at some point (a rating says so, or the timeline has a reopening)."""
    return any(r.reopened_at is not None for r in ratings_of(report)) or any(
        e.type == Action.REOPEN for e in report.events
    )


def rating_by(report: Report, clock: ReportClock | None, resident_id: int) -> Rating | None:
    """The resident's rating (or follower answer) of that resolution."""
    if clock is None:
        return None
    return next(
        (r for r in ratings_of(report) if r.clock_id == clock.id and r.resident_id == resident_id),
        None,
    )


def mine(report: Report, resident_id: int) -> Rating | None:
    """The resident's rating (or follower answer) of the current resolution."""
    return rating_by(report, rated_clock(report), resident_id)


def public_rating(report: Report) -> dict | None:
    """What everyone may know: the latest rated resolution's score and follower counts.

    Never a comment, never who rated. None until somebody has rated.
    """
    rows = ratings_of(report)
    if not rows:
        return None
    latest = max(r.clock_id for r in rows)
    current = [r for r in rows if r.clock_id == latest]
    reporter = next((r for r in current if r.kind == RaterKind.REPORTER), None)
    followers = [r for r in current if r.kind == RaterKind.FOLLOWER]
    return {
        "score": reporter.score if reporter else None,
        "unsatisfied": reporter.unsatisfied if reporter else None,
        "reopened": ever_reopened(report),
        "followers_helped": sum(1 for r in followers if r.helped),
        "followers_not_helped": sum(1 for r in followers if r.helped is False),
    }


# ---- what a resident may do ---------------------------------------------------------------


def can_rate(report: Report, resident_id: int, now: datetime, *, window_days: int) -> bool:
    if report.reporter_id != resident_id:
        return False
    clock = open_resolution(report, now, window_days, raise_errors=False)
    return clock is not None and rating_by(report, clock, resident_id) is None


def can_reopen(report: Report, resident_id: int, now: datetime, *, window_days: int) -> bool:
    if report.reporter_id != resident_id:
        return False
    clock = open_resolution(report, now, window_days, raise_errors=False)
    rating = rating_by(report, clock, resident_id)
    return rating is not None and rating.unsatisfied and not ever_reopened(report)


def can_give_feedback(
    report: Report, resident_id: int, now: datetime, *, following: bool, window_days: int
) -> bool:
    if not following or report.reporter_id == resident_id:
        return False
    clock = open_resolution(report, now, window_days, raise_errors=False)
    return clock is not None and rating_by(report, clock, resident_id) is None


def open_resolution(
    report: Report, now: datetime, window_days: int, *, raise_errors: bool = True
) -> ReportClock | None:
    """The resolution that may be rated now: resolved (or closed) and within the window."""
    clock = rated_clock(report)
    if report.status not in RATEABLE or report.resolved_at is None or clock is None:
        if raise_errors:
            raise NotResolved()
        return None
    if now >= report.resolved_at + timedelta(days=window_days):
        if raise_errors:
            raise RatingWindowClosed(
                N_(
                    "Ratings are accepted for %(window_days)s days after the resolution; "
                    "that time is over."
                ),
                params={"window_days": window_days},
            )
        return None
    return clock
