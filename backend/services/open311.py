"""Open311 (GeoReport v2): requests filed by client applications, their tokens, and the
jurisdiction (province) a call is about. Queries of requests: :mod:`open311_queries`.

A request goes through exactly the same intake as the residents' app
(:func:`backend.services.intake.submit`: moderation, routing, clocks, notifications), with
the channel ``open311``. Whose report it is: an unclaimable account per client
application and poster (``open311:<client>:<hash of account_id, email, device_id or
phone>``; with none of them, the client's own), never an app user's account found by a
phone number a third party typed: moderation may lock such a poster like any resident. The
poster's name, e-mail, phone, device and account are kept on the submit entry of the
timeline, for the oversight roles only (like a hotline caller's: ``read_model``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from backend.db import db
from backend.domain import open311 as spec
from backend.domain import phones
from backend.domain.channels import Channel
from backend.domain.text import N_, nfc
from backend.domain.vocabulary import ModerationStatus
from backend.errors import DomainError, Forbidden, NotFound, ValidationFailed
from backend.i18n import both
from backend.models import AdminUnit, Category, Report
from backend.models.open311_request import Open311Request
from backend.services import (
    catalogue,
    categories_admin,
    intake,
    lookup,
    open311_clients,
    operator_intake,
    photos,
    policy,
    province_ref,
    provinces,
    queries,
)
from backend.services.sla.config import durations_for
from backend.services.text_input import free_text

NAME_MAX = 100
EMAIL_MAX = 254
IDENTITY_MAX = 200
URL_MAX = 1000
#: How the client application's own account (and its posters') are named.
UID_PREFIX = "open311:"


class JurisdictionRequired(ValidationFailed):
    code = "jurisdiction_required"
    message = N_("This service hosts several provinces: give jurisdiction_id (%(provinces)s).")


class JurisdictionNotFound(NotFound):
    code = "jurisdiction_not_found"
    message = N_("No such jurisdiction_id: this service does not serve that province.")


class ClientOutOfJurisdiction(Forbidden):
    code = "jurisdiction_not_allowed"
    message = N_("This api_key files requests in %(province)s only.")


class ServiceNotFound(NotFound):
    code = "service_not_found"
    message = N_("No such service_code.")


class UnknownServiceCode(ValidationFailed):
    """An unknown ``service_code`` given as a parameter (a POST, a query's filter): 400."""

    code = "service_not_found"
    message = ServiceNotFound.message


class ServiceCodeRequired(ValidationFailed):
    code = "service_code_required"
    message = N_("service_code is required.")


class OutsideJurisdiction(ValidationFailed):
    code = "outside_jurisdiction"
    message = N_("The location is not in the jurisdiction given.")


class InvalidPoster(ValidationFailed):
    code = "invalid_poster"
    message = N_("The poster's e-mail, phone, name, device or account is not valid.")


class InvalidMediaUrl(ValidationFailed):
    code = "invalid_media_url"
    message = N_("media_url is not an http(s) link (upload photos as media: no link is fetched).")


class PosterLocked(Forbidden):
    code = "poster_locked"
    message = N_("Moderation has locked this poster's account: no new requests from it.")


class TokenNotFound(NotFound):
    code = "token_not_found"
    message = N_("No such token.")


class RequestNotFound(NotFound):
    code = "service_request_not_found"
    message = N_("No such service_request_id.")


@dataclass(frozen=True)
class Poster:
    """Who the client application says posted the request (all optional)."""

    email: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class NewRequest:
    service_code: str | None
    description: str | None
    lat: float | None = None
    lng: float | None = None
    address_string: str | None = None
    #: A link the client gave: kept for the staff, never fetched (no request to a URL a
    #: third party chose leaves this server).
    media_url: str | None = None
    #: The form's ``attribute[...]`` fields, in order, as (name, value).
    attributes: Sequence[tuple[str, str]] = ()
    poster: Poster = field(default_factory=Poster)


@dataclass(frozen=True)
class Filed:
    """What a client is told of the request it filed."""

    token: str
    account_id: str | None
    #: The report's code; None while it waits for moderation (follow the token).
    service_request_id: str | None
    #: The category's notice in both languages ({"vi", "en"}).
    notice: dict


# ---- jurisdiction and services ---------------------------------------------------------------


def jurisdiction(ref: str | None) -> AdminUnit | None:
    """The hosted province a call is about: ``jurisdiction_id`` (a province's code or URL
    name), required when the deployment hosts several, checked when given."""
    if ref is None:
        hosted = provinces.hosted()
        if len(hosted) > 1:
            named = ", ".join(f"{p.code} {p.name}" for p in hosted)
            raise JurisdictionRequired(
                params={"provinces": named}, fields={"jurisdiction_id": ["Required."]}
            )
        return hosted[0] if hosted else None
    try:
        return province_ref.find(ref)
    except province_ref.ProvinceNotFound:
        raise JurisdictionNotFound(fields={"jurisdiction_id": ["Unknown."]}) from None


def services(province: AdminUnit | None) -> list[Category]:
    """The categories a request may be filed under in the province (open ones only), their
    questions loaded with them (``metadata`` says whether there are any)."""
    return catalogue.categories_for(
        province.id if province else None, active_only=True, with_questions=True
    )


def service(code: str, province: AdminUnit | None) -> Category:
    try:
        category = queries.category_by_code(code)
        return catalogue.check_offered(category, province.id if province else None)
    except queries.UnknownCategory:
        raise ServiceNotFound(fields={"service_code": ["Unknown."]}) from None


def service_notice(category: Category, province_id: int | None, now: datetime) -> dict:
    """The category's notice, in both languages: how long handling takes by its policy."""
    handle = durations_for(category.id, category.default_severity, now, province_id).handle
    hours = handle / timedelta(hours=1)
    if hours <= 8:
        return both(N_("Handled within %(hours)s working hours."), hours=_number(hours))
    return both(N_("Handled within %(days)s working days."), days=_number(hours / 8))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


# ---- posting ----------------------------------------------------------------------------------


def post(
    client,
    province: AdminUnit | None,
    data: NewRequest,
    uploads: list[photos.Upload],
    now: datetime,
    *,
    max_photos: int,
) -> Filed:
    """File the request for ``client``, the api_key's application
    (:mod:`backend.services.open311_clients`, marked as used); the caller commits."""
    if None not in (client.province_id, province) and province.id != client.province_id:
        raise _out_of_key(client, "jurisdiction_id")
    if not data.service_code:
        raise ServiceCodeRequired(fields={"service_code": ["Required."]})
    try:
        category = service(data.service_code, province)
    except ServiceNotFound as error:
        raise UnknownServiceCode(fields=error.fields) from None
    answers, problems = spec.answers_from_form(
        data.attributes, categories_admin.questions_of(category)
    )
    if problems:
        raise intake.InvalidAnswers(fields=problems)
    poster = _poster(data.poster)
    lat, lng, source = data.lat, data.lng, None
    if (lat is None or lng is None) and data.address_string and not _has_gps(uploads):
        lat, lng = operator_intake.address_point(data.address_string)
        source = intake.LocationSource.WARD
    allowed = client.province_id or (province.id if province else None)
    if allowed is not None and lat is not None and lng is not None:
        _check_place(provinces.of_point(lat, lng), allowed, client)  # before photos are stored
    reporter = _reporter(client, poster, now)
    new = intake.NewReport(
        category=category.code,
        description=data.description or "",
        lat=lat,
        lng=lng,
        address=data.address_string,
        answers=answers,
        **({"location_source": source} if source else {}),
    )
    given = {**poster, "media_url": _media_url(data.media_url)}
    report = intake.submit(
        reporter,
        new,
        uploads,
        now,
        max_photos=max_photos,
        channel=Channel.OPEN311,
        event_data={
            "channel": Channel.OPEN311.value,
            "client": client.name,
            **{k: v for k, v in given.items() if v},
        },
    )
    if allowed is not None:  # a place from the photo's GPS
        _check_place(db.session.get(AdminUnit, report.province_id), allowed, client)
    filed = Open311Request(
        report=report,
        client_id=client.id,
        token=secrets.token_urlsafe(18),
        account_id=poster.get("account_id"),
        created_at=now,
    )
    db.session.add(filed)
    db.session.flush()
    open311_clients.touch(client, now)
    return Filed(
        filed.token,
        filed.account_id,
        report.code if policy.is_published(report) else None,
        service_notice(category, report.province_id, now),
    )


def _check_place(found: AdminUnit | None, allowed: int, client) -> None:
    """A place outside the province the call (or the key) is about is refused (another
    province this deployment serves would otherwise take it)."""
    if found is None or found.id == allowed or not found.hosted:
        return  # outside every province, or not served: the intake's own refusal
    if client.province_id:
        raise _out_of_key(client, "lat")
    raise OutsideJurisdiction(fields={"lat": ["Outside the jurisdiction."]})


def _out_of_key(client, field: str) -> ClientOutOfJurisdiction:
    province = db.session.get(AdminUnit, client.province_id)
    return ClientOutOfJurisdiction(
        params={"province": province.name}, fields={field: ["Not this key's province."]}
    )


def _media_url(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    value = value.strip()
    if len(value) > URL_MAX or not value.lower().startswith(("https://", "http://")):
        raise InvalidMediaUrl(fields={"media_url": ["Not an http(s) URL."]})
    return value


def _has_gps(uploads: list[photos.Upload]) -> bool:
    """Whether the first photo says where it was taken (then the photo's place wins over a
    typed address, as for the app)."""
    if not uploads:
        return False
    try:
        return photos.inspect_all(uploads[:1], max_photos=1)[0].info.gps is not None
    except DomainError:  # the intake refuses the photo with its own error
        return False


def _poster(given: Poster) -> dict:
    problems: dict[str, list[str]] = {}
    out: dict[str, str | None] = {}
    for name, limit in (
        ("first_name", NAME_MAX),
        ("last_name", NAME_MAX),
        ("device_id", IDENTITY_MAX),
        ("account_id", IDENTITY_MAX),
        ("email", EMAIL_MAX),
    ):
        try:
            out[name] = free_text(getattr(given, name), name, required=False, max_length=limit)
        except ValidationFailed as error:
            problems.update(error.fields or {name: ["Not valid."]})
    email = out.get("email")
    if email and ("@" not in email or any(c.isspace() for c in email)):
        problems["email"] = ["Not an e-mail address."]
    out["email"] = email.lower() if email else None
    out["phone"] = None
    if given.phone and given.phone.strip():
        try:
            out["phone"] = phones.normalise(given.phone)
        except phones.InvalidPhone:
            problems["phone"] = ["Not a Vietnamese phone number."]
    if problems:
        raise InvalidPoster(fields=problems)
    names = " ".join(filter(None, (out.pop("first_name"), out.pop("last_name"))))
    out["reporter_name"] = nfc(names) if names else None
    return {k: v or None for k, v in out.items()}


def _reporter(client, poster: Mapping, now: datetime):
    identity = next(
        (poster[k] for k in ("account_id", "email", "device_id", "phone") if poster.get(k)),
        None,
    )
    uid = f"{UID_PREFIX}{client.id}"
    if identity:
        uid += ":" + hashlib.sha256(identity.casefold().encode()).hexdigest()[:40]
    # No phone on the account: a number a third party typed must never make it the "app
    # user" of that phone; the phone is on the submit entry, for the oversight roles.
    resident = operator_intake.account(uid, now)
    if resident.locked_at is not None:
        raise PosterLocked()
    if poster.get("reporter_name") and not resident.display_name:
        resident.display_name = poster["reporter_name"]
    return resident


# ---- tokens and single requests ---------------------------------------------------------------


def by_token(token: str, province: AdminUnit | None) -> tuple[str, str | None]:
    """``(token, service_request_id)``: the id once the public may read the request, None
    while it waits (for moderation); refused by moderation or unknown: 404."""
    found = select(Open311Request).where(Open311Request.token == token)
    filed = db.session.scalar(found) if len(token) <= 64 else None
    if filed is None:
        raise TokenNotFound(fields={"token": ["Unknown."]})
    report = filed.report
    if province is not None and report.province_id != province.id:
        raise TokenNotFound(fields={"token": ["Unknown."]})
    if policy.is_published(report):
        return filed.token, report.code
    if report.moderation_status == ModerationStatus.PENDING:
        return filed.token, None  # not yet published: waiting for a moderator
    raise TokenNotFound(fields={"token": ["Not accepted."]})


def published(code: str, province: AdminUnit | None) -> Report:
    """One request as the public may read it (a report's code), or 404."""
    report = lookup.by_code(code) if code else None
    if report is None or not policy.is_published(report):
        raise RequestNotFound(fields={"service_request_id": ["Unknown."]})
    if province is not None and report.province_id != province.id:
        raise RequestNotFound(fields={"service_request_id": ["Unknown."]})
    return report
