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
description); the public sees the score and the followers' counts only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.db import db
from backend.domain.privacy import mask_personal_data
from backend.domain.sla import ClockKind
from backend.domain.vocabulary import EventKind
from backend.domain.workflow import Action, Status
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.models import RaterKind, Rating, Report, ReportClock, Resident
from backend.models.event import ActorKind
from backend.services import following, lookup, sla
from backend.services.text_input import free_text
from backend.services.timeline import note, record

COMMENT_MAX = 2000
SCORES = range(1, 6)
RATEABLE = frozenset({Status.RESOLVED, Status.CLOSED})
#: The public timeline's words for a reopening (the resident's reason stays internal).
REOPEN_NOTE = "Người dân chưa hài lòng với kết quả xử lý; phản ánh được mở lại."


class NotReporter(Forbidden):
    code = "not_reporter"
    message_vi = "Chỉ người gửi phản ánh mới được đánh giá hoặc mở lại phản ánh."
    message_en = "Only the resident who filed the report may rate or reopen it."


class NotFollower(Forbidden):
    code = "not_follower"
    message_vi = "Chỉ người theo dõi phản ánh mới được cho biết kết quả xử lý có giúp ích không."
    message_en = "Only residents who follow the report may say whether the resolution helped."


class NotResolved(Conflict):
    code = "not_resolved"
    message_vi = "Phản ánh chưa được xử lý xong nên chưa thể đánh giá."
    message_en = "The report has not been resolved; there is nothing to rate yet."


class RatingWindowClosed(Conflict):
    code = "rating_window_closed"
    message_vi = "Đã hết thời hạn đánh giá kết quả xử lý."
    message_en = "The time for rating this resolution is over."


class AlreadyRated(Conflict):
    code = "already_rated"
    message_vi = "Bạn đã đánh giá kết quả xử lý này."
    message_en = "You have already rated this resolution."


class ReopenNeedsUnsatisfiedRating(Conflict):
    code = "reopen_requires_unsatisfied_rating"
    message_vi = "Chỉ có thể mở lại phản ánh sau khi bạn đánh giá chưa hài lòng (1-2 điểm)."
    message_en = "A report can only be reopened after you rate its resolution 1 or 2."


class AlreadyReopened(Conflict):
    code = "already_reopened"
    message_vi = "Phản ánh đã được mở lại một lần; không thể mở lại lần nữa."
    message_en = "The report has already been reopened once; it cannot be reopened again."


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


def _forget_report(report: Report) -> None:
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


def _of(report: Report, clock: ReportClock | None, resident_id: int) -> Rating | None:
    if clock is None:
        return None
    return next(
        (r for r in ratings_of(report) if r.clock_id == clock.id and r.resident_id == resident_id),
        None,
    )


def mine(report: Report, resident_id: int) -> Rating | None:
    """The resident's rating (or follower answer) of the current resolution."""
    return _of(report, rated_clock(report), resident_id)


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


def can_rate(report: Report, resident_id: int, now: datetime, *, window_days: int) -> bool:
    if report.reporter_id != resident_id:
        return False
    clock = _open_resolution(report, now, window_days, raise_errors=False)
    return clock is not None and _of(report, clock, resident_id) is None


def can_reopen(report: Report, resident_id: int, now: datetime, *, window_days: int) -> bool:
    if report.reporter_id != resident_id:
        return False
    clock = _open_resolution(report, now, window_days, raise_errors=False)
    rating = _of(report, clock, resident_id)
    return rating is not None and rating.unsatisfied and not ever_reopened(report)


def can_give_feedback(
    report: Report, resident_id: int, now: datetime, *, following: bool, window_days: int
) -> bool:
    if not following or report.reporter_id == resident_id:
        return False
    clock = _open_resolution(report, now, window_days, raise_errors=False)
    return clock is not None and _of(report, clock, resident_id) is None


# ---- acting -----------------------------------------------------------------------------


def _comment(value: str | None, field: str, *, required: bool = False) -> str | None:
    return free_text(value, field, required=required, max_length=COMMENT_MAX)


def _masked(text: str | None) -> str | None:
    """For the timeline, which the handling unit reads: it must not learn who the reporter is.

    The words as written stay on the rating, for the roles that may know the reporter.
    """
    return mask_personal_data(text)


def _score(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        raise ValidationFailed(fields={"score": ["A whole number from 1 to 5."]})
    return value


def _own_report(resident: Resident, code: str) -> Report:
    """The reporter's own report; someone else's public report is 403, anything else 404."""
    report = lookup.for_reader(resident, code)
    if report.reporter_id != resident.id:
        raise NotReporter()
    return report


def _open_resolution(
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
                f"Đã hết thời hạn {window_days} ngày kể từ khi có kết quả xử lý để đánh giá.",
                f"Ratings are accepted for {window_days} days after the resolution; "
                "that time is over.",
            )
        return None
    return clock


def _add(
    report: Report,
    clock: ReportClock,
    resident: Resident,
    now: datetime,
    already: AlreadyRated,
    *,
    event: EventKind,
    data: dict,
    comment: str | None,
    **fields,
) -> Rating:
    """Insert the rating and its (internal) timeline entry, once per resident and resolution.

    Two requests at once cannot both rate: the second hits the unique (clock, resident)
    constraint and gets ``already``.
    """
    if _of(report, clock, resident.id) is not None:
        raise already
    rating = Rating(
        report_id=report.id,
        clock_id=clock.id,
        resident_id=resident.id,
        comment=comment,
        created_at=now,
        **fields,
    )
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise already from exc
    _forget_report(report)
    # For the unit and the coordinator (a push says the score; the comment stays inside).
    note(
        report,
        event,
        now,
        public=False,
        internal_note=_masked(comment),
        data=data,
        actor=resident,
    )
    return rating


def rate(
    resident: Resident,
    code: str,
    now: datetime,
    score: int,
    comment: str | None = None,
    *,
    window_days: int,
) -> Report:
    """The reporter rates the current resolution 1 to 5 (1-2: unsatisfied), once."""
    score = _score(score)
    text = _comment(comment, "comment")
    report = _own_report(resident, code)
    clock = _open_resolution(report, now, window_days)
    _add(
        report,
        clock,
        resident,
        now,
        AlreadyRated(),
        event=EventKind.RATED,
        data={"rating": score},
        comment=text,
        kind=RaterKind.REPORTER,
        score=score,
    )
    return report


def feedback(
    resident: Resident,
    code: str,
    now: datetime,
    helped: bool,
    comment: str | None = None,
    *,
    window_days: int,
) -> Report:
    """A follower says whether the resolution helped them too, once per resolution."""
    if not isinstance(helped, bool):
        raise ValidationFailed(fields={"helped": ["true or false."]})
    text = _comment(comment, "comment")
    report = lookup.for_reader(resident, code)
    if report.reporter_id == resident.id or not following.is_following(resident, report):
        raise NotFollower()
    clock = _open_resolution(report, now, window_days)
    _add(
        report,
        clock,
        resident,
        now,
        AlreadyRated(
            "Bạn đã cho biết ý kiến về kết quả xử lý này.",
            "You have already said whether this resolution helped.",
        ),
        event=EventKind.FOLLOWER_FEEDBACK,
        data={"helped": helped},
        comment=text,
        kind=RaterKind.FOLLOWER,
        helped=helped,
    )
    return report


def reopen(
    resident: Resident, code: str, now: datetime, reason: str, *, window_days: int
) -> Report:
    """The unsatisfied reporter reopens the report (once ever): back to the unit that resolved it.

    The unit gets new SLA clocks; the reopening counts against it as re-raised.
    """
    text = _comment(reason, "reason", required=True)
    report = _own_report(resident, code)
    if ever_reopened(report):  # first: a reopened report being handled again is not "unrated"
        raise AlreadyReopened()
    clock = _open_resolution(report, now, window_days)
    rating = _of(report, clock, resident.id)
    if rating is None or not rating.unsatisfied:
        raise ReopenNeedsUnsatisfiedRating()
    department = clock.department
    record(
        report,
        Action.REOPEN,
        now,
        actor=resident,
        actor_kind=ActorKind.RESIDENT,
        department=department,
        note=REOPEN_NOTE,
        internal_note=_masked(text),
    )
    report.assigned_at = now
    report.accepted_at = None
    report.resolved_at = None
    report.closed_at = None
    report.waiting_since = None
    sla.start_clocks(report, department, now)
    for new in sla.open_clocks(report, ClockKind.HANDLE):
        # The same case, handled again: the scoreboard counts it once (statistics.py).
        new.continues = clock
    rating.reopened_at = now
    rating.reopen_reason = text
    return report
