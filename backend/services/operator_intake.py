"""Operator intake: a report taken by hotline, Zalo, e-mail, Facebook, a letter or at the
counter, entered by an operator (or the coordinator's office) on a resident's behalf.

It is filed through exactly the same intake as the app (:func:`backend.services.intake.
submit`: moderation, routing, clocks, the public record, notifications), with the channel
it came by and the operator who entered it (``Report.entered_by``: internal, never public,
never shown to a handling unit). Whose report it is:

* a phone number of a resident who uses the app (a real Firebase account with that
  phone): theirs; they see it in the app and rate it;
* another phone number: the placeholder resident of that phone (created here, Firebase uid
  ``phone:<E.164>``), which the first sign-in with that phone adopts
  (:func:`backend.services.accounts.resident_sign_in`), reports and all; the phone is kept
  for a later SMS;
* no phone: the one walk-in account of the deployment, which nobody can claim.

The name and phone are private like any reporter's identity (the oversight roles read
them; handling units and the public never).

Where: a click on the map (lat/lng), or a ward chosen from the list (its representative
point, always inside it), or else a typed address that names exactly one ward or commune
of the service area (its current name or that of a unit merged into it,
:mod:`backend.domain.addresses`): that ward's representative point. There is no offline
geocoder; the address is kept as typed either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from backend.db import db
from backend.domain import addresses, phones
from backend.domain.channels import OPERATOR_CHANNELS, Channel
from backend.domain.text import N_, nfc
from backend.errors import Forbidden, ValidationFailed
from backend.geo.geojson import from_wkb
from backend.models import AdminUnit, LegacyUnitCode, Report, Resident, StaffUser
from backend.models.admin_unit import UnitKind
from backend.models.report import LocationSource
from backend.services import intake, photos, policy
from backend.services.text_input import free_text

NAME_MAX = 200
#: Units an operator may place a report in by choosing them (the 2025 two-tier map's
#: lower tier).
WARD_KINDS = (UnitKind.WARD, UnitKind.COMMUNE, UnitKind.SPECIAL_ZONE)


class IntakeNotAllowed(Forbidden):
    code = "intake_not_allowed"
    message = N_("Only operators and the coordinator's office file reports for residents.")


class InvalidChannel(ValidationFailed):
    code = "invalid_channel"
    message = N_(
        "Choose how the report was received: hotline, Zalo, e-mail, Facebook, letter or counter."
    )


class InvalidPhone(ValidationFailed):
    code = "invalid_phone"
    message = N_("Not a Vietnamese phone number (for example 0912 345 678).")


class UnknownWard(ValidationFailed):
    code = "unknown_ward"
    message = N_("No such ward or commune.")


class PlaceRequired(ValidationFailed):
    code = "location_required"
    message = N_("Click the report's place on the map or choose a ward.")


class AddressNotPlaced(ValidationFailed):
    code = "address_not_placed"
    message = N_(
        "The address names no ward or commune of the province; click the map or choose a ward."
    )
    SEVERAL = N_(
        "The address names several wards or communes (%(candidates)s); click the map or "
        "choose a ward."
    )


@dataclass(frozen=True)
class OnBehalf:
    """What the operator typed in."""

    channel: str
    category: str
    description: str
    name: str | None = None
    phone: str | None = None
    lat: float | None = None
    lng: float | None = None
    address: str | None = None
    ward: str | None = None  # an AdminUnit code


def file_report(
    staff: StaffUser,
    data: OnBehalf,
    uploads: list[photos.Upload],
    now: datetime,
    *,
    max_photos: int,
) -> Report:
    """File the report the operator took down; the caller commits."""
    if not policy.may_file_for_residents(staff):
        raise IntakeNotAllowed()
    channel = _channel(data.channel)
    phone = _phone(data.phone)
    name = free_text(data.name, "name", required=False, max_length=NAME_MAX) or None
    lat, lng, source = data.lat, data.lng, LocationSource.MAP
    if lat is None or lng is None:
        if data.ward:
            lat, lng = ward_point(data.ward)
            source = LocationSource.WARD
        elif data.address and (code := _address_ward(data.address, required=not uploads)):
            lat, lng = ward_point(code)
            source = LocationSource.WARD
        elif not uploads:
            raise PlaceRequired(fields={"lat": ["Required."], "ward": ["Required."]})
    reporter = reporter_for(phone, name, now)
    new = intake.NewReport(
        category=data.category,
        description=data.description,
        lat=lat,
        lng=lng,
        address=data.address,
        location_source=source if lat is not None else LocationSource.DEVICE,
    )
    # Who called, as the operator took it down (the walk-in account holds no name): for
    # the oversight roles only, like the reporter's account (read_model hides it from units).
    caller = {k: v for k, v in (("reporter_name", name), ("phone", phone)) if v}
    return intake.submit(
        reporter,
        new,
        uploads,
        now,
        max_photos=max_photos,
        channel=channel,
        entered_by=staff,
        event_data={"channel": channel.value, **caller},
    )


def _channel(value: str) -> Channel:
    try:
        channel = Channel(value)
    except ValueError:
        channel = None
    if channel not in OPERATOR_CHANNELS:
        raise InvalidChannel(fields={"channel": ["Not an intake channel."]})
    return channel


def _phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return phones.normalise(raw)
    except phones.InvalidPhone:
        raise InvalidPhone(fields={"phone": ["Not a Vietnamese phone number."]}) from None


# ---- whose report it is --------------------------------------------------------------------


def app_user(phone: str) -> Resident | None:
    """The resident who signs in to the app with ``phone`` (the most recent sign-in first)."""
    return db.session.scalars(
        select(Resident)
        .where(
            Resident.phone == phone,
            Resident.deleted_at.is_(None),
            Resident.firebase_uid.not_like(f"{phones.PLACEHOLDER_PREFIX}%"),
            # An Open311 poster's account holds no phone, but never let a third party's
            # account stand for a caller (backend.services.open311).
            Resident.firebase_uid.not_like("open311:%"),
            Resident.firebase_uid != phones.WALK_IN_UID,
        )
        .order_by(Resident.last_login_at.desc().nulls_last(), Resident.id.desc())
        .limit(1)
    ).first()


def reporter_for(phone: str | None, name: str | None, now: datetime) -> Resident:
    """The resident the report is filed for (see the module)."""
    if phone is None:
        return walk_in(now)
    found = app_user(phone)
    if found is not None:
        return found
    placeholder = _get_or_create(phones.placeholder_uid(phone), now, phone=phone)
    if name and not placeholder.display_name:
        placeholder.display_name = nfc(name)
    return placeholder


def walk_in(now: datetime) -> Resident:
    """The deployment's one walk-in account: reports taken without a phone number."""
    return _get_or_create(phones.WALK_IN_UID, now)


def account(uid: str, now: datetime, *, phone: str | None = None) -> Resident:
    """The resident of the Firebase uid ``uid``, created (unclaimable) if new; safe under
    concurrent intakes (an Open311 client's posters: backend.services.open311)."""
    return _get_or_create(uid, now, phone=phone)


def _get_or_create(uid: str, now: datetime, *, phone: str | None = None) -> Resident:
    query = select(Resident).where(Resident.firebase_uid == uid)
    found = db.session.scalar(query)
    if found is not None:
        return found
    try:  # two intakes for the same new phone at once: one insert wins
        with db.session.begin_nested():
            db.session.add(Resident(firebase_uid=uid, phone=phone, created_at=now))
    except IntegrityError:
        pass
    return db.session.scalar(query)


# ---- where -----------------------------------------------------------------------------------


def wards() -> list[AdminUnit]:
    """The wards and communes an operator may choose, by name."""
    return list(
        db.session.scalars(
            select(AdminUnit)
            .where(
                AdminUnit.kind.in_([k.value for k in WARD_KINDS]), AdminUnit.boundary.is_not(None)
            )
            .order_by(AdminUnit.name, AdminUnit.code)
        )
    )


def ward_point(code: str) -> tuple[float, float]:
    """A point inside the ward (its representative point), as (lat, lng)."""
    unit = db.session.scalar(
        select(AdminUnit)
        .where(AdminUnit.code == code, AdminUnit.kind.in_([k.value for k in WARD_KINDS]))
        .options(undefer(AdminUnit.boundary))
    )
    if unit is None or unit.boundary is None:
        raise UnknownWard(fields={"ward": ["Unknown ward."]})
    point = from_wkb(unit.boundary).representative_point()
    return point.y, point.x


def address_point(address: str) -> tuple[float, float]:
    """A point inside the one ward or commune ``address`` names (as (lat, lng));
    :class:`AddressNotPlaced` when it names none or several (Open311's ``address_string``)."""
    return ward_point(_address_ward(address, required=True))


def _address_ward(address: str, *, required: bool) -> str | None:
    """The code of the one ward ``address`` names; None (or, if ``required``, the refusal)
    when it names none or several."""
    units = {u.code: u for u in wards()}
    legacy = db.session.execute(
        select(AdminUnit.code, LegacyUnitCode.name)
        .join(LegacyUnitCode, LegacyUnitCode.unit_id == AdminUnit.id)
        .where(AdminUnit.code.in_(units), LegacyUnitCode.name.is_not(None))
    ).all()
    names = [(code, unit.name) for code, unit in units.items()] + [tuple(r) for r in legacy]
    found = addresses.named_units(address, names)
    if len(found) == 1:
        return found[0]
    if not required:
        return None
    if not found:
        raise AddressNotPlaced(fields={"address": ["Names no ward or commune."]})
    listed = ", ".join(units[code].name for code in found)
    raise AddressNotPlaced(
        AddressNotPlaced.SEVERAL,
        params={"candidates": listed},
        fields={"address": [f"Names several: {listed}."]},
    )


def filed_by(staff: StaffUser, limit: int = 20) -> list[Report]:
    """The reports ``staff`` entered, newest first."""
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.entered_by_id == staff.id)
            .order_by(Report.created_at.desc(), Report.id.desc())
            .limit(limit)
        )
    )
