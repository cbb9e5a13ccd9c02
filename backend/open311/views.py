"""The Open311 GeoReport v2 routes under ``/open311/v2`` (``.json``/``.xml``; none: XML).

Each view parses the parameters (an empty one counts as absent), asks the services, and
writes the answer in the URL's format; errors are the specification's (``errors``), never
the platform's envelope: :mod:`backend.open311.errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, current_app, g, request

from backend import limits
from backend.api.common import uploaded_photos
from backend.api.idempotency import FORMS, answer_text, idempotent
from backend.db import utcnow
from backend.domain import open311 as spec
from backend.domain.text import N_
from backend.errors import Forbidden, ValidationFailed
from backend.i18n import translate
from backend.localtime import local_tz
from backend.open311 import documents, errors, formats
from backend.open311.errors import UnknownFormat
from backend.services import open311 as service
from backend.services import open311_clients, open311_queries, operator_intake

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
#: The fields of a POST that are files (the extension's uploaded media).
MEDIA_FIELDS = ("media", "media[]")
#: Who posted it, as the client says (all optional; private: backend.services.open311).
POSTER_FIELDS = ("email", "device_id", "account_id", "first_name", "last_name", "phone")


class InvalidApiKey(Forbidden):
    code = "invalid_api_key"
    message = N_("api_key is missing, unknown or revoked.")


class FormRequired(ValidationFailed):
    code = "form_required"
    message = N_(
        "Send the request as a form: application/x-www-form-urlencoded or multipart/form-data."
    )


class InvalidParameter(ValidationFailed):
    code = "invalid_parameter"
    message = N_("A parameter is not valid.")


def route(path: str, methods=("GET",)) -> Callable:
    """Register ``path.<format>`` and ``path`` (XML) for the view."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def formatted(*args, format: str = "xml", **kwargs):
            if not formats.known(format):
                raise UnknownFormat()
            return view(*args, **kwargs)

        bp.add_url_rule(f"{path}.<format>", view.__name__, formatted, methods=list(methods))
        bp.add_url_rule(path, view.__name__ + "_xml", formatted, methods=list(methods))
        return formatted

    return decorate


def arg(name: str) -> str | None:
    """A parameter: a POST's from its form only (what its idempotency fingerprint covers),
    a GET's from the query; empty or blank: absent."""
    source = request.form if request.method == "POST" else request.args
    value = source.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def _number(name: str) -> float | None:
    value = arg(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise InvalidParameter(fields={name: ["Not a number."]}) from None
    if number != number or abs(number) == float("inf"):
        raise InvalidParameter(fields={name: ["Not a number."]})
    return number


def _integer(name: str, default: int, high: int) -> int:
    value = arg(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= high:
        raise InvalidParameter(fields={name: [f"A whole number from 1 to {high}."]})
    return int(value)


def _datetime(name: str):
    value = arg(name)
    if value is None:
        return None
    try:
        parsed = spec.parse_datetime(value, local_tz(), end=name == "end_date")
        if not 1970 <= parsed.year <= 9000:
            raise ValueError(value)
        return parsed
    except (ValueError, OverflowError):
        raise InvalidParameter(fields={name: ["Not an ISO 8601 date and time."]}) from None


def _language() -> str:
    return formats.language()


def _province():
    return service.jurisdiction(arg("jurisdiction_id"))


# ---- discovery and services -------------------------------------------------------------------


@route("/discovery")
def discovery():
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    lang = _language()
    doc = documents.discovery(
        base.rstrip("/") + bp.url_prefix,
        current_app.config.get("OPEN311_CONTACT")
        or translate(N_("The province's smart city operations centre (IOC)."), lang),
        translate(N_("Ask the platform's administrators for an api_key."), lang),
    )
    return formats.respond(doc, "discovery")


@route("/services")
def services():
    lang = _language()
    found = service.services(_province())
    return formats.respond([documents.service_entry(c, lang) for c in found], "services")


@route("/services/<code>")
def service_definition(code):
    category = service.service(code, _province())
    return formats.respond(documents.definition(category, _language()), "service_definition")


# ---- posting ----------------------------------------------------------------------------------


def client_required(view: Callable) -> Callable:
    """The client application of ``api_key`` (403 if missing, unknown or revoked)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.mimetype not in FORMS:
            raise FormRequired(fields={"body": ["Not a form."]})
        # The body only: a key in the URL would be kept in access logs and Referer headers.
        raw = request.form.get("api_key")
        client = open311_clients.by_key(raw.strip() if raw else None)
        if client is None:
            raise InvalidApiKey(fields={"api_key": ["Invalid."]})
        g.open311_client = client
        return view(*args, **kwargs)

    return wrapper


def _client_key() -> str:
    return limits.open311_client_key(g.open311_client.id)


def _owner():
    """Whose idempotency keys a POST is kept under: the client application's account."""
    client = g.open311_client
    return operator_intake.account(f"{service.UID_PREFIX}{client.id}", utcnow()), ""


@route("/requests", methods=("POST",))
@client_required
# Per client application, not per address: a back-office files for many residents from one.
@limits.limited((limits.OPEN311_CLIENT, _client_key))
@idempotent(implicit=True, owner=_owner, content_type=formats.content_type)
def post_request():
    now, client = utcnow(), g.open311_client
    province = _province()
    data = service.NewRequest(
        service_code=arg("service_code"),
        description=arg("description"),
        lat=_number("lat"),
        lng=_number("long"),
        address_string=arg("address_string"),
        media_url=arg("media_url"),
        attributes=[
            (name, value)
            for name, value in request.form.items(multi=True)
            if name.startswith("attribute[")
        ],
        poster=service.Poster(**{name: arg(name) for name in POSTER_FIELDS}),
    )
    files = [f for name in MEDIA_FIELDS for f in request.files.getlist(name)]
    filed = service.post(
        client,
        province,
        data,
        uploaded_photos(files, "media"),
        now,
        max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
    )
    body = [
        {
            "service_request_id": filed.service_request_id,
            "token": filed.token,
            "service_notice": filed.notice[_language()],
            "account_id": filed.account_id,
        }
    ]
    return answer_text(formats.text(body, "service_requests"), 201, formats.content_type())


# ---- reading ----------------------------------------------------------------------------------


@route("/tokens/<token>")
def token(token):
    found, request_id = service.by_token(token, _province())
    body = [{"service_request_id": request_id, "token": found}]
    return formats.respond(body, "service_requests")


@route("/requests")
def requests():
    province, now = _province(), utcnow()
    try:
        statuses = spec.parse_statuses(arg("status"))
    except ValueError:
        raise InvalidParameter(fields={"status": ["open, closed or both (open,closed)."]}) from None
    query = open311_queries.RequestQuery(
        ids=tuple(spec.split_codes(arg("service_request_id"))),
        service_codes=tuple(spec.split_codes(arg("service_code"))),
        start=_datetime("start_date"),
        end=_datetime("end_date"),
        statuses=tuple(statuses) if statuses else None,
        page=_integer("page", 1, 10_000),
        page_size=_integer("page_size", spec.PAGE_SIZE, spec.PAGE_SIZE),
    )
    found = open311_queries.find(query, province, now)
    return _requests(found, now)


@route("/requests/<code>")
def request_by_id(code):
    now = utcnow()
    return _requests([service.published(code, _province())], now)


def _requests(found, now):
    extended = (arg("extensions") or "").lower() == "true"
    notices = documents.Notices(now, _language())
    body = [documents.request(r, now, notices, extended=extended) for r in found]
    return formats.respond(body, "service_requests")


errors.register(bp)
