"""Recording ratings: the reporter rates, a follower answers, the unsatisfied reporter reopens.

Each records the rating (once per resident and resolution) and its internal
timeline entry; a reopening sends the report back to the unit that resolved it
with new SLA clocks that continue the case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from backend.db import db
from backend.domain.privacy import mask_personal_data
from backend.domain.sla import ClockKind
from backend.domain.text import N_
from backend.domain.vocabulary import EventKind
from backend.domain.workflow import Action
from backend.errors import ValidationFailed
from backend.models import RaterKind, Rating, Report, ReportClock, Resident
from backend.models.event import ActorKind
from backend.services import following, lookup, sla
from backend.services.ratings.rules import (
    AlreadyRated,
    AlreadyReopened,
    NotFollower,
    NotReporter,
    ReopenNeedsUnsatisfiedRating,
    ever_reopened,
    forget_report,
    open_resolution,
    rating_by,
)
from backend.services.text_input import free_text
from backend.services.timeline import note, record

COMMENT_MAX = 2000
SCORES = range(1, 6)
#: The public timeline's words for a reopening (the resident's reason stays internal).
REOPEN_NOTE = "Người dân chưa hài lòng với kết quả xử lý; phản ánh được mở lại."


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
    if rating_by(report, clock, resident.id) is not None:
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
    forget_report(report)
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
    clock = open_resolution(report, now, window_days)
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
    clock = open_resolution(report, now, window_days)
    _add(
        report,
        clock,
        resident,
        now,
        AlreadyRated(N_("You have already said whether this resolution helped.")),
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
    clock = open_resolution(report, now, window_days)
    rating = rating_by(report, clock, resident.id)
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
        # The same case, handled again: the scoreboard counts it once (statistics/cases.py).
        new.continues = clock
    rating.reopened_at = now
    rating.reopen_reason = text
    return report
