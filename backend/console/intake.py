"""Operator intake in the console: a report taken by hotline, Zalo, e-mail, Facebook, a
letter or at the counter, entered for the resident (``/console/intake``).

The form posts to one service, :func:`backend.services.operator_intake.file_report`, as
``POST /staff/v1/reports`` does. The place: a click on the map fills lat/lng
(``static/intake.js``; they can be typed too, so the page works without JavaScript), or a
ward chosen from the list, or else an address naming one ward (its point); the address is
kept as told. After filing, the page shows the
tracking code and links to the report (POST, redirect, GET: a reload files nothing).
A form is filed once: its hidden ``submission`` key is claimed in the idempotency store
(a second click, or the form sent again, shows the report filed the first time).
"""

from __future__ import annotations

import secrets

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from backend.console import Section, add_section, forms
from backend.console.guard import roles_required
from backend.console.views import bp
from backend.db import commit, db, rollback, utcnow
from backend.domain import phones
from backend.domain.channels import OPERATOR_CHANNELS, Channel
from backend.domain.roles import INTAKE_ROLES
from backend.errors import DomainError, ValidationFailed
from backend.models import Category
from backend.services import catalogue, idempotency, lookup, operator_intake, policy
from backend.services.photos import Upload

CHANNEL_LABELS = {
    Channel.HOTLINE: _l("Hotline (phone call)"),
    Channel.ZALO: _l("Zalo"),
    Channel.EMAIL: _l("E-mail"),
    Channel.FACEBOOK: _l("Facebook"),
    Channel.LETTER: _l("Letter"),
    Channel.COUNTER: _l("At the counter"),
    Channel.APP: _l("App"),
    Channel.OPEN311: _l("Open311"),
}
FIELD_LABELS = {
    "channel": _l("Received by"),
    "name": _l("Resident's name"),
    "phone": _l("Resident's phone"),
    "category": _l("Category"),
    "description": _l("What the resident reports"),
    "lat": _l("Place on the map"),
    "lng": _l("Place on the map"),
    "address": _l("Address"),
    "ward": _l("Ward or commune"),
    "photos": _l("Photos"),
}
PLACE_MISSING = _l("Click the map, type the latitude and longitude, or choose the ward or commune.")
MESSAGES = {
    "phone": _l("Not a Vietnamese phone number (for example 0912 345 678)."),
    "pair": _l("Type both the latitude and the longitude."),
    "number": _l("Not a valid coordinate."),
    "photo": _l("This category needs at least one photo."),
}
PHOTOS_AGAIN = _l(
    "Choose the photos again: a browser cannot keep chosen files after a refused form."
)
#: The form's text fields, shown again after a refusal.
_TEXT_FIELDS = (
    "channel",
    "name",
    "phone",
    "category",
    "description",
    "lat",
    "lng",
    "address",
    "ward",
)


@bp.record_once
def _menu(state):
    add_section(
        state.app, Section("console.intake", _l("New report"), frozenset(INTAKE_ROLES), order=15)
    )


def channel_label(channel: str) -> str:
    try:
        return str(CHANNEL_LABELS[Channel(channel)])
    except ValueError:
        return channel


bp.add_app_template_global(channel_label, "channel_label")


def _page(*, status=200, values=None, filed=None, errors=None, photos_again=False):
    staff = g.staff
    wards = operator_intake.wards()
    # The national categories and the operator's province's own (national staff: national).
    categories = catalogue.categories_for(policy.province_scope(staff))
    context = {
        "channels": [(c.value, CHANNEL_LABELS[c]) for c in OPERATOR_CHANNELS],
        "categories": categories,
        "wards": wards,
        "values": values or {},
        "errors": errors or {},
        "photos_again": PHOTOS_AGAIN if photos_again else None,
        "filed": filed,
        "recent": operator_intake.filed_by(staff, limit=10),
        "submission": secrets.token_urlsafe(16),
        "tiles": current_app.config.get("MAP_TILE_URL") or "",
        "attribution": current_app.config.get("MAP_TILE_ATTRIBUTION") or "",
        "max_photos": current_app.config["MAX_PHOTOS_PER_REPORT"],
    }
    return render_template("console/intake.html", **context), status


@bp.get("/intake")
@roles_required(*INTAKE_ROLES)
def intake():
    filed = None
    code = request.args.get("filed")
    if code:
        try:
            filed = lookup.for_reader(g.staff, code)
        except DomainError:
            filed = None
    return _page(filed=filed)


def _float(name: str) -> float | None:
    raw = (request.form.get(name) or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValidationFailed(fields={name: ["Not a number."]}) from None
    limit = 90 if name == "lat" else 180
    if value != value or not -limit <= value <= limit:
        raise ValidationFailed(fields={name: ["Out of range."]})
    return value


def _coordinate(name: str) -> tuple[float | None, bool]:
    """The typed coordinate (None when blank) and whether it is valid."""
    try:
        return _float(name), True
    except ValidationFailed:
        return None, False


def check_form(form, uploads: list[Upload]) -> dict[str, object]:
    """Every problem of the form's own fields at once, by field (the service checks the
    rest): the phone's format, a place (a click, lat/lng or a ward), a photo when the
    category needs one."""
    errors: dict[str, object] = {}
    phone = (form.get("phone") or "").strip()
    if phone:
        try:
            phones.normalise(phone)
        except phones.InvalidPhone:
            errors["phone"] = MESSAGES["phone"]
    (lat, lat_ok), (lng, lng_ok) = _coordinate("lat"), _coordinate("lng")
    if not (lat_ok and lng_ok):
        errors["lat"] = MESSAGES["number"]
    elif (lat is None) != (lng is None):
        errors["lat"] = MESSAGES["pair"]
    elif lat is None and not form.get("ward") and not _text(form, "address") and not uploads:
        errors["lat"] = errors["ward"] = PLACE_MISSING
    code = form.get("category") or ""
    category = db.session.scalar(select(Category).where(Category.code == code)) if code else None
    if category is not None and category.photo_required and not uploads:
        errors["photos"] = MESSAGES["photo"]
    return errors


def _text(form, name: str) -> str:
    return (form.get(name) or "").strip()


def _service_errors(error: DomainError) -> dict[str, object]:
    """A service refusal by the form's fields (the place in the form's words)."""
    text = error.in_language(g.get("lang", "vi"))
    if error.code == "location_required":
        return {"lat": PLACE_MISSING, "ward": PLACE_MISSING}
    if error.code == "address_not_placed":
        return {"address": text, "lat": PLACE_MISSING, "ward": PLACE_MISSING}
    shown = {f.split("[")[0] for f in (error.fields or {})} & set(FIELD_LABELS)
    return {("lat" if f == "lng" else f): text for f in shown}


def _uploads() -> list[Upload]:
    uploads = []
    for storage in request.files.getlist("photos"):
        data = storage.read()
        if storage.filename or data:  # an empty file input sends one empty part
            if not data:
                raise ValidationFailed(fields={"photos": ["Empty file."]})
            uploads.append(Upload(filename=storage.filename, data=data))
    return uploads


def _data() -> operator_intake.OnBehalf:
    form = request.form
    lat, lng = _float("lat"), _float("lng")
    if (lat is None) != (lng is None):
        raise ValidationFailed(fields={"lat": ["Send lat and lng together."]})
    return operator_intake.OnBehalf(
        channel=form.get("channel", ""),
        category=form.get("category", ""),
        description=form.get("description", ""),
        name=form.get("name") or None,
        phone=form.get("phone") or None,
        lat=lat,
        lng=lng,
        address=(form.get("address") or "").strip()[:500] or None,
        ward=form.get("ward") or None,
    )


def _claim(staff, now):
    """The form's one-time key, claimed (or what it filed already); None without a key."""
    raw = (request.form.get("submission") or "").strip()
    if not raw:
        return None
    key = f"staff:{staff.id}:console:" + idempotency.check_key(raw)
    fingerprint = idempotency.fingerprint("POST", request.path, [("submission", raw.encode())])
    outcome = idempotency.claim(operator_intake.walk_in(now), key, fingerprint, now)
    commit()  # the claim, on its own: a second click in another worker sees it
    return outcome


@bp.post("/intake")
@roles_required(*INTAKE_ROLES)
def intake_post():
    staff, now = g.staff, utcnow()
    values = {k: (request.form.get(k) or "")[:5000] for k in _TEXT_FIELDS}
    attached = any(s.filename for s in request.files.getlist("photos"))
    claim = None
    try:
        uploads = _uploads()
        errors = check_form(request.form, uploads)
        if errors:
            return _refused(values, errors, attached)
        claim = _claim(staff, now)
        if isinstance(claim, idempotency.Replay):  # sent twice: the first one stands
            return redirect(url_for("console.intake", filed=claim.body))
        report = operator_intake.file_report(
            staff,
            _data(),
            uploads,
            now,
            max_photos=current_app.config["MAX_PHOTOS_PER_REPORT"],
        )
        if claim is not None:
            idempotency.complete(claim, 303, report.code, now)
        code = report.code
        commit()
    except DomainError as error:
        rollback()
        if isinstance(claim, idempotency.Claim):
            idempotency.release(claim)
            commit()
        errors = _service_errors(error)
        if error.code not in ("location_required", "address_not_placed"):
            flash(forms.message(error, FIELD_LABELS.get), "error")
        return _refused(values, errors, attached, status=error.status)
    flash(_("Report %(code)s filed for the resident.", code=code), "success")
    return redirect(url_for("console.intake", filed=code))


def _refused(values: dict, errors: dict, attached: bool, *, status: int = 422):
    """The form again with every problem next to its field and the input kept; photos
    chosen before must be chosen again (a browser cannot keep them)."""
    if errors:
        flash(_("Correct the marked fields."), "error")
    return _page(status=status, values=values, errors=errors, photos_again=attached)
