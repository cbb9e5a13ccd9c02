"""The read model: a report as each audience sees it, built in one place.

The public, a follower (a resident reading someone else's report), the reporter, the
handling unit (and a supervising unit reading an escalated case) and the oversight roles
(coordinator, moderator, administrator) each get a :class:`ReportView` built here from
the report, its clocks, its ratings and the access policy. Schemas only serialise a view;
views never patch what a schema dumped.

What differs by audience:

=============  ======================  ===========================  ==========================
audience       text, address, answer   timeline                     extra
=============  ======================  ===========================  ==========================
public         personal data masked    public entries, masked       rating summary
follower       as public               as public                    following, own feedback
reporter       as written              public + questions/answers   own rating, can_rate...
unit           personal data masked    all; internal side only      allowed actions, ratings
                                       since it arrived; never who  (masked), the assignee
                                       filed it or their account    (not for a supervisor)
oversight      as written              everything                   reporter, ratings,
                                                                    assignee
=============  ======================  ===========================  ==========================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import current_app

from backend.domain import system_notes
from backend.domain.privacy import mask_personal_data
from backend.domain.sla import ClockKind, Outcome
from backend.domain.vocabulary import EventKind
from backend.localtime import local_tz
from backend.models import Photo, Report, ReportEvent, Resident, StaffUser
from backend.models.photo import PhotoKind
from backend.services import audit, officers, policy, sla
from backend.services import ratings as rating_service
from backend.services.policy import Audience

#: The languages system-written notes are rendered in.
LANGS = ("vi", "en")

#: Not public, but written for (or by) the resident: shown in the reporter's own view.
_BETWEEN_UNIT_AND_RESIDENT = frozenset({EventKind.REQUEST_INFO, EventKind.PROVIDE_INFO})
#: The reporter's account: the oversight roles' business, never a handling unit's.
_ACCOUNT_ENTRIES = frozenset({EventKind.REPORTER_LOCKED, EventKind.REPORTER_UNLOCKED})
#: Keys of an entry's data that would let a unit link a reporter's reports.
#: What the submit entry keeps of who filed it (an operator's caller, an Open311 poster):
#: for the oversight roles, never a handling unit.
_RESIDENT_KEYS = frozenset(
    {
        "resident_id",
        "reporter_id",
        "phone",
        "reporter_name",
        "email",
        "device_id",
        "account_id",
        "media_url",
    }
)


#: :func:`mask_personal_data` remembered per text (it is pure): a board page masks every
#: row's description and address again on each uncached answer, and the same texts come
#: back page after page. Bounded, so at most a few MB per process.
_masked = lru_cache(maxsize=2048)(mask_personal_data)


def public_text(report: Report) -> str:
    """What everyone may read: the moderated text, or the description with personal data
    masked."""
    if report.public_description is not None:
        return report.public_description
    return _masked(report.description)


@dataclass
class EventView:
    """A timeline entry as one audience sees it."""

    at: datetime
    type: str
    status: str
    note: str | None
    department: dict | None
    #: An entry the platform wrote itself, in both languages ({"vi", "en"}), else None.
    system_note: dict | None = None
    # Staff only:
    id: int | None = None
    from_status: str | None = None
    public: bool | None = None
    internal_note: str | None = None
    actor_kind: str | None = None
    actor: dict | None = None
    data: dict | None = None


@dataclass
class ReportView:
    """A report for one audience: computed fields here, the rest read from the report."""

    report: Report
    audience: Audience
    description: str
    location: dict
    response: str | None
    deadlines: dict
    photos: list[Photo]
    timeline: list[EventView]
    rating: dict | None
    supporters: int = 0
    mine: bool = False
    following: bool = False
    # The reporter:
    public_description: str | None = None
    my_rating: Any = None
    can_rate: bool = False
    can_reopen: bool = False
    # A follower:
    my_feedback: Any = None
    can_give_feedback: bool = False
    # Staff:
    allowed_actions: list[str] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)
    reporter: Resident | None = None
    #: The officer of the unit the report is given to ({"username", "full_name"}), or None.
    assignee: dict | None = None
    #: Whether this reader may know who works the report (``assignee`` None is "nobody").
    sees_assignee: bool = False
    #: The extension requests this reader may read (:func:`extensions`).
    extensions: list = field(default_factory=list)
    #: The operator who entered it on a resident's behalf ({"username", "full_name"}):
    #: the oversight roles only, never a unit, the public or the resident.
    entered_by: dict | None = None

    def __getattr__(self, name: str):
        # Plain columns (code, status, created_at...) come from the report itself.
        return getattr(self.report, name)


@dataclass
class RowView:
    """A board row (public list, map, suggestions): no timeline."""

    report: Report
    description: str
    location: dict
    overdue: bool  # past the current due date now
    late: bool  # overdue, or late and waiting for the date promised in an apology
    working_days_late: float | None
    promised_due_at: datetime | None
    thumb_url_key: str | None
    supporters: int
    mine: bool = False
    following: bool = False
    distance_m: float | None = None

    def __getattr__(self, name: str):
        return getattr(self.report, name)


def public_address(address: str | None) -> str | None:
    """The address as the public reads it: personal data masked."""
    return _masked(address)


def _location(report: Report, *, masked: bool) -> dict:
    address = public_address(report.address) if masked else report.address
    return {"lat": report.lat, "lng": report.lng, "address": address}


def _department(event: ReportEvent) -> dict | None:
    if event.department is None:
        return None
    return {"code": event.department.code, "name": event.department.name}


def _system_note(event: ReportEvent) -> dict | None:
    """The platform's own sentence for the entry in each language (stored notes stay
    Vietnamese for API clients and the audit trail); masked like any public text."""
    texts = {lang: system_notes.render(event.type, event.data, lang, local_tz()) for lang in LANGS}
    if texts["vi"] is None:
        return None
    return {lang: _masked(text) for lang, text in texts.items()}


def _public_event(event: ReportEvent, *, masked: bool) -> EventView:
    return EventView(
        at=event.at,
        type=event.type,
        status=event.to_status,
        note=_masked(event.note) if masked else event.note,
        department=_department(event),
        system_note=_system_note(event),
    )


def _staff_event(event: ReportEvent, *, internal: bool, unit: bool) -> EventView:
    data = event.data
    if unit and data:
        data = {k: v for k, v in data.items() if k not in _RESIDENT_KEYS}
    actor = None
    if internal and event.actor_staff is not None:
        actor = {"username": event.actor_staff.username, "name": event.actor_staff.full_name}
    return EventView(
        at=event.at,
        type=event.type,
        status=event.to_status,
        note=event.note,
        department=_department(event),
        system_note=_system_note(event),
        id=event.id,
        from_status=event.from_status,
        public=event.public,
        internal_note=event.internal_note if internal else None,
        actor_kind=event.actor_kind,
        actor=actor,
        data=data if internal else None,
    )


def _timeline(report: Report, audience: Audience, staff: StaffUser | None) -> list[EventView]:
    if audience in (Audience.PUBLIC, Audience.FOLLOWER):
        return [_public_event(e, masked=True) for e in report.events if e.public]
    if audience == Audience.REPORTER:
        return [
            _public_event(e, masked=False)
            for e in report.events
            if e.public or e.type in _BETWEEN_UNIT_AND_RESIDENT
        ]
    unit = audience == Audience.UNIT
    start = policy.internal_history_start(staff, report) if staff is not None else 0
    entries = []
    for index, event in enumerate(report.events):
        if unit and event.type in _ACCOUNT_ENTRIES:
            continue
        if index >= start:
            entries.append(_staff_event(event, internal=True, unit=unit))
        elif event.public:
            # Before the report reached this unit: only its public side, as the public reads
            # it (questions to the resident and their answers stay with the unit that asked).
            entry = _staff_event(event, internal=False, unit=unit)
            entry.note = _masked(event.note)
            entries.append(entry)
    return entries


def _photos(report: Report, audience: Audience) -> list[Photo]:
    if audience in (Audience.PUBLIC, Audience.FOLLOWER):
        return [p for p in report.photos if p.public]
    if audience == Audience.REPORTER:
        return [p for p in report.photos if not p.hidden]
    return list(report.photos)


def _window() -> int:
    return current_app.config["RATING_WINDOW_DAYS"]


def _staff_ratings(report: Report, *, masked: bool) -> list[dict]:
    return [
        {
            "kind": r.kind,
            "score": r.score,
            "helped": r.helped,
            "comment": _masked(r.comment) if masked else r.comment,
            "created_at": r.created_at,
            "reopened_at": r.reopened_at,
            "reopen_reason": _masked(r.reopen_reason) if masked else r.reopen_reason,
            "department": r.clock.department.code,
        }
        for r in rating_service.ratings_of(report)
    ]


def build(
    actor: StaffUser | Resident | None,
    report: Report,
    now: datetime,
    *,
    following: bool | None = None,
    reporter: bool = True,
) -> ReportView:
    """``report`` as ``actor`` (None: the public) may see it. The caller has checked with
    :func:`backend.services.policy.may_read` (``lookup.for_reader`` does).

    For the oversight roles ``view.reporter`` is filled here, and only here, and the
    disclosure is recorded in the audit log at the same line (``reporter_viewed``, once per
    request); a caller that will not show the reporter (a queue row) passes
    ``reporter=False`` and gets no reporter and no entry."""
    audience = policy.audience(actor, report)
    staff = actor if isinstance(actor, StaffUser) else None
    as_written = audience in (Audience.REPORTER, Audience.OVERSIGHT)
    view = ReportView(
        report=report,
        audience=audience,
        description=report.description if as_written else public_text(report),
        location=_location(report, masked=not as_written),
        response=report.response if as_written else _masked(report.response),
        deadlines=sla.deadlines(report, now),
        photos=_photos(report, audience),
        timeline=_timeline(report, audience, staff),
        rating=rating_service.public_rating(report),
        supporters=report.supporters or 0,
    )
    if audience == Audience.REPORTER:
        view.mine = True
        view.following = True
        view.public_description = public_text(report)
        view.my_rating = rating_service.mine(report, report.reporter_id)
        view.can_rate = rating_service.can_rate(
            report, report.reporter_id, now, window_days=_window()
        )
        view.can_reopen = rating_service.can_reopen(
            report, report.reporter_id, now, window_days=_window()
        )
    elif audience == Audience.FOLLOWER:
        view.following = bool(following)
        view.my_feedback = rating_service.mine(report, actor.id) if following else None
        view.can_give_feedback = rating_service.can_give_feedback(
            report, actor.id, now, following=bool(following), window_days=_window()
        )
    elif staff is not None:
        view.public_description = public_text(report)
        view.allowed_actions = [a.value for a in policy.allowed_actions(staff, report, now)]
        view.ratings = _staff_ratings(report, masked=audience == Audience.UNIT)
        view.extensions = extensions(staff, report)
        if policy.sees_assignee(staff, report):
            view.sees_assignee = True
            view.assignee = officers.person(report.assignee)
        if audience == Audience.OVERSIGHT and report.entered_by_id is not None:
            view.entered_by = officers.person(report.entered_by)
        if audience == Audience.OVERSIGHT and reporter and report.reporter is not None:
            view.reporter = report.reporter
            audit.reporter_disclosed(staff, report, now)
    return view


def extensions(staff: StaffUser, report: Report) -> list:
    """The extension requests ``staff`` may read: all for the oversight roles; for a unit,
    those its own clocks carried since the report last reached it (what was asked and
    decided at another unit, or at the unit a supervisor oversees, stays theirs, like the
    internal side of the timeline)."""
    found = sorted(report.extension_requests, key=lambda request: request.id)  # preloaded
    start = policy.internal_history_start(staff, report)
    if start == 0:
        return found
    if start >= len(report.events):
        return []
    since = report.events[start].at
    return [
        request
        for request in found
        if request.created_at >= since and request.clock.department_id == staff.department_id
    ]


def row(
    report: Report,
    now: datetime,
    *,
    mine: bool = False,
    following: bool = False,
    distance_m: float | None = None,
) -> RowView:
    """A public board row: the text masked, the overdue flag, the first public photo; for a
    signed-in resident also whether it is theirs, whether they follow it, how far it is."""
    flag = sla.public_flag(report, now)
    thumb = next(
        (p.thumb_key for p in report.photos if p.public and p.kind == PhotoKind.BEFORE), None
    )
    return RowView(
        report=report,
        description=public_text(report),
        location=_location(report, masked=True),
        overdue=bool(flag) and flag["state"] == Outcome.OVERDUE,
        late=flag is not None,
        working_days_late=flag["working_days_late"] if flag else None,
        promised_due_at=flag["promised_due_at"] if flag else None,
        thumb_url_key=thumb,
        supporters=report.supporters or 0,
        mine=mine,
        following=following,
        distance_m=None if distance_m is None else round(distance_m, 1),
    )


def public_photo(report: Report) -> Photo | None:
    """The photo that stands for the report in a list (the board's, Open311's
    ``media_url``): the first public photo the resident sent, its renditions made."""
    return next(
        (p for p in report.photos if p.public and p.kind == PhotoKind.BEFORE and p.display_key),
        None,
    )


def public_notes(report: Report) -> list[EventView]:
    """The public history of ``report`` (its events preloaded), as the portal shows it."""
    return _timeline(report, Audience.PUBLIC, None)


def handling_due(report: Report) -> datetime | None:
    """When the handling unit must have resolved it: the date promised in an apology, else
    the handling clock's current due date (None before routing)."""
    clocks = [c for c in report.clocks if c.kind == ClockKind.HANDLE and not c.superseded]
    if not clocks:
        return None
    return clocks[-1].promised_due_at or clocks[-1].due_at


def public_answers(report: Report) -> dict:
    """The answers to the category's questions as the public reads them: text masked."""
    return {
        code: _masked(value) if isinstance(value, str) else value
        for code, value in (report.answers or {}).items()
    }
