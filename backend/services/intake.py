"""Intake: a resident's photo report becomes a routed report with a tracking code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from backend.db import db
from backend.domain import questions
from backend.domain.channels import Channel
from backend.domain.privacy import mask_personal_data
from backend.domain.text import N_, fold, nfc
from backend.domain.vocabulary import ModerationStatus
from backend.domain.workflow import Action, Status
from backend.errors import Conflict, ReportNotFound, ValidationFailed
from backend.jobs import RENDITIONS_JOB, enqueue
from backend.localtime import local_tz
from backend.models import Report, ReportSequence, Resident, StaffUser
from backend.models.event import ActorKind
from backend.models.photo import PhotoKind
from backend.models.report import LocationSource
from backend.services import (
    catalogue,
    categories_admin,
    geo,
    lookup,
    photos,
    provinces,
    queries,
    routing,
    sla,
)
from backend.services.text_input import free_text
from backend.services.timeline import record
from backend.signals import report_received

DESCRIPTION_MAX = 5000


@dataclass(frozen=True)
class NewReport:
    category: str
    description: str
    lat: float | None
    lng: float | None
    address: str | None
    #: Where lat/lng come from when given (an operator's map click, a ward's centre).
    location_source: LocationSource = LocationSource.DEVICE
    #: The answers to the category's extra questions ({code: value}), checked against its
    #: definition; None: a channel that does not ask them (nothing is checked or kept).
    answers: Mapping | None = None


class LocationRequired(ValidationFailed):
    code = "location_required"
    message = N_("A location is required: send lat/lng or a photo with GPS coordinates.")


class OutsideServiceArea(ValidationFailed):
    code = "outside_service_area"
    message = N_("The location is outside the service area.")


class InvalidAnswers(ValidationFailed):
    code = "invalid_attributes"
    message = N_("An answer to the category's questions is missing or not valid.")


class PhotoRequired(ValidationFailed):
    code = "photo_required"
    message = N_("This category needs at least one photo.")


def submit(
    resident: Resident,
    data: NewReport,
    uploads: list[photos.Upload],
    now: datetime,
    *,
    max_photos: int,
    channel: Channel = Channel.APP,
    entered_by: StaffUser | None = None,
    event_data: dict | None = None,
) -> Report:
    """File ``resident``'s report. An operator's intake (backend.services.operator_intake)
    passes the channel it came by, who entered it and what the submit entry keeps of the
    caller (``event_data``): internal, never public."""
    category = queries.category_by_code(data.category)
    description = free_text(
        data.description, "description", required=True, max_length=DESCRIPTION_MAX
    )
    answers = _answers(category, data.answers)
    if category.photo_required and not uploads:
        raise PhotoRequired(fields={"photos": ["At least one photo is required."]})
    inspected = photos.inspect_all(uploads, max_photos=max_photos)

    lat, lng, source = data.lat, data.lng, data.location_source
    if lat is None or lng is None:
        gps = next((p.info.gps for p in inspected[:1] if p.info.gps), None)
        if gps is None:
            raise LocationRequired(fields={"lat": ["Required."], "lng": ["Required."]})
        (lat, lng), source = gps, "photo_exif"
    unit = geo.locate(lat, lng)
    # Which of the 34 provinces: one this deployment does not serve is refused, by name.
    province = provinces.root_of(unit)
    where = "photos[0]" if source == "photo_exif" else "lat"
    provinces.require_served(province, **{where: ["Province not served."]})
    if unit is None and source == "photo_exif":
        raise OutsideServiceArea(
            N_("The GPS position in the photo is outside the service area; send lat and lng."),
            fields={"photos[0]": ["GPS position outside the service area."]},
        )
    if unit is None:
        raise OutsideServiceArea(
            fields={"lat": ["Outside the service area."], "lng": ["Outside the service area."]}
        )

    if entered_by is not None and not provinces.in_scope(entered_by, province.id):
        raise provinces.ProvinceOutOfScope(
            params={"province": province.name}, fields={where: ["Outside your province."]}
        )
    # A local category of another province is unknown here (the national ones and the
    # province's own are offered).
    catalogue.check_offered(category, province.id)
    address = nfc(data.address) if data.address else None
    report = Report(
        category=category,
        description=description,
        lat=lat,
        lng=lng,
        address=address or None,
        location_source=source,
        admin_unit=unit,
        province_id=province.id,
        status=Status.NEW,
        severity=category.default_severity,
        reporter=resident,
        channel=channel,
        entered_by=entered_by,
        answers=answers,
        created_at=now,
        updated_at=now,
    )
    with db.session.no_autoflush:
        db.session.add(report)
        record(
            report,
            Action.SUBMIT,
            now,
            actor=resident,
            actor_kind=ActorKind.RESIDENT,
            department=routing.coordinator(province.id),
            data=event_data,
        )
        _screen(report, now)
        if report.moderation_status != ModerationStatus.PENDING:
            routing.route_new_report(report, now)
        for item in inspected:
            report.photos.append(photos.store(item, PhotoKind.BEFORE, now))
        # The tracking code comes last: its counter row stays locked until the commit,
        # so nothing slow (photo storage) may happen after it.
        report.code = next_code(now)
        # Search runs on what the public may read: a masked phone number finds nothing.
        report.public_description = mask_personal_data(description)
        report.search_text = search_text(report.code, report.public_description, address)
    db.session.flush()
    for photo in report.photos:
        enqueue(RENDITIONS_JOB, photo.id)
    return report


class NotWaiting(Conflict):
    code = "no_information_requested"
    message = N_("No information was requested for this report.")


def provide_info(resident: Resident, code: str, now: datetime, text: str) -> Report:
    """The reporter answers a request for more information: the SLA clocks run again."""
    report = lookup.for_reader(resident, code)
    if report.reporter_id != resident.id:
        raise ReportNotFound()  # only the reporter answers the unit's questions
    if report.waiting_since is None:
        raise NotWaiting()
    answer = free_text(text, "text", required=True)
    # The answer may carry personal details: for the unit and the resident, not the public.
    record(
        report,
        Action.PROVIDE_INFO,
        now,
        actor=resident,
        actor_kind=ActorKind.RESIDENT,
        note=answer,
        public=False,
    )
    report.waiting_since = None
    sla.resume(report, now)
    return report


def _answers(category, given: Mapping | None) -> dict | None:
    """``given`` checked against the category's questions (what is kept); None if None."""
    if given is None:
        return None
    asked = categories_admin.questions_of(category)
    problems = questions.check_answers(asked, given)
    if problems:
        raise InvalidAnswers(fields=problems)
    return dict(given) or None


def _screen(report: Report, now: datetime) -> None:
    """Let the subscribed checks (moderation) hold the report before it goes anywhere."""
    answers = [answer for _receiver, answer in report_received.send(report, now=now) if answer]
    flags = [flag for answer in answers for flag in answer.get("flags", [])]
    report.moderation_flags = flags or None
    if any(answer.get("hold") for answer in answers):
        report.moderation_status = ModerationStatus.PENDING


def search_text(code: str, public_description: str, address: str | None) -> str:
    """What public search matches: the code and the public text, personal data masked."""
    public_address = mask_personal_data(address)
    return fold(" ".join(filter(None, [code, public_description, public_address])))


def next_code(now: datetime) -> str:
    """``PA-<year>-<6 digits>``: a per-year counter, safe under concurrent submissions."""
    year = now.astimezone(local_tz()).year
    stmt = (
        update(ReportSequence)
        .where(ReportSequence.year == year)
        .values(last_value=ReportSequence.last_value + 1)
        .returning(ReportSequence.last_value)
    )
    value = db.session.scalar(stmt)
    if value is None:
        # First report of the year; of two concurrent first inserts one does nothing,
        # and the update then counts on the winner's row.
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(ReportSequence).values(year=year, last_value=0).on_conflict_do_nothing()
        )
        value = db.session.scalar(stmt)
    return f"PA-{year}-{value:06d}"
