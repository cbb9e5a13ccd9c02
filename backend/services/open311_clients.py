"""Open311 API keys: issuing, revoking and finding the client application of a key.

An administrator issues a key per client application (console ``/console/admin/open311``,
``flask open311 issue-key``); the raw key (``o311_`` + ``secrets.token_urlsafe(32)``) is
returned once and never stored: the row keeps its first characters and its SHA-256
(:func:`hash_key`; 32 random bytes need no slow hash). The Open311 routes find the client
with :func:`by_key`, count it in ``limits.OPEN311_CLIENT`` and :func:`touch` it.

The console's issue form carries a one-time nonce (``form_nonce``): the key it issues
keeps the nonce's SHA-256 (unique), so the same form sent again (the browser's reload of
the page that showed the key, a double click), in any process and even at the same
instant, issues nothing and raises :class:`IssueFormUsed` naming the key issued the
first time (which cannot be shown again).

Who may: :func:`backend.services.policy.may_manage_open311_keys` (administrators; a
province's administrator only the keys of their province). ``actor`` None is the
``flask`` command (the operator of the deployment): allowed, and not in the audit log
(an audit entry needs a staff member). Issuing and revoking from the console are audit
entries (``open311_key_issued``, ``open311_key_revoked``) naming the client, its name,
its key's prefix and its province, never the key.

Nothing here commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.db import db
from backend.domain.text import N_
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.models import AdminUnit, StaffUser
from backend.models.audit import AuditAction
from backend.models.open311_client import KEY_PREFIX_LENGTH, Open311Client
from backend.services import audit, policy, province_ref, provinces
from backend.services.text_input import free_text

__all__ = [
    "KEY_PREFIX",
    "IssueFormUsed",
    "Open311ClientNotFound",
    "UnknownProvince",
    "by_key",
    "get",
    "hash_key",
    "issue",
    "listing",
    "revoke",
    "touch",
]

KEY_PREFIX = "o311_"
NAME_MAX = 200
CONTACT_MAX = 500
#: ``last_used_at`` is written at most this often (not once per request).
TOUCH_EVERY = timedelta(minutes=1)
#: Longer than any key this module makes (``o311_`` + 43 characters); longer is unknown.
_KEY_MAX = 128


class Open311ClientNotFound(NotFound):
    code = "open311_client_not_found"
    message = N_("No such Open311 client application.")


class UnknownProvince(ValidationFailed):
    code = "unknown_province"
    message = N_("This deployment does not serve that province.")


class IssueFormUsed(Conflict):
    """The issue form's nonce issued a key already: nothing new is issued. ``client`` is
    that key's application (None when the actor may not see it)."""

    code = "open311_form_used"
    message = N_(
        "This form was already used: the key it issued was shown then and cannot be shown "
        "again. If it was not copied, revoke it and issue a new one."
    )

    def __init__(self, client: Open311Client | None = None):
        super().__init__()
        self.client = client


class InvalidFormNonce(ValidationFailed):
    code = "invalid_form_nonce"
    message = N_("This form is out of date: open the page again. Nothing was issued.")


#: The console's form nonce: ``secrets.token_urlsafe`` of 16 to 64 bytes.
_NONCE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def new_form_nonce() -> str:
    """A one-time nonce for an issue form (nothing is stored until a key is issued)."""
    return secrets.token_urlsafe(24)


def _nonce_hash(nonce: str) -> str:
    if not 22 <= len(nonce) <= 86 or not set(nonce) <= _NONCE_CHARS:
        raise InvalidFormNonce(fields={"form_nonce": ["Not a form nonce."]})
    return hash_key(nonce)


def _issued_with(actor: StaffUser | None, nonce_hash: str) -> Open311Client | None:
    client = db.session.scalar(
        select(Open311Client)
        .where(Open311Client.form_nonce == nonce_hash)
        .execution_options(populate_existing=True)
    )
    if client is None:
        return None
    if actor is not None and not policy.may_manage_open311_key(actor, client.province_id):
        raise IssueFormUsed(None)
    raise IssueFormUsed(client)


def hash_key(raw: str) -> str:
    """The SHA-256 (hex) of a key, as stored in ``key_hash``."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _require(actor: StaffUser | None) -> None:
    if actor is not None and not policy.may_manage_open311_keys(actor):
        raise Forbidden()


def _province(actor: StaffUser | None, ref: str | None) -> AdminUnit | None:
    """The province the key is limited to: the one named (a hosted province's slug or
    code), or for a province's administrator their own (they may name no other)."""
    own = provinces.scope_of(actor)
    ref = (ref or "").strip()
    if not ref:
        return db.session.get(AdminUnit, own) if own is not None else None
    try:
        province = province_ref.find(ref)
    except province_ref.ProvinceNotFound as exc:
        raise UnknownProvince(fields={"province": ["Unknown province."]}) from exc
    if own is not None and province.id != own:
        raise Forbidden()
    return province


def _detail(client: Open311Client) -> dict:
    return {
        "client": client.id,
        "name": client.name,
        "prefix": client.key_prefix,
        "province": client.province.code if client.province is not None else None,
    }


def issue(
    actor: StaffUser | None,
    name: str,
    now: datetime,
    *,
    contact: str | None = None,
    province: str | None = None,
    form_nonce: str | None = None,
) -> tuple[Open311Client, str]:
    """A new client application and its raw key (shown once, never stored).

    ``name`` is required (at most 200 characters), ``contact`` optional (500),
    ``province`` a hosted province's slug or code (None: every hosted province; a
    province's administrator's keys are always their province's). ``form_nonce``: the
    console form's one-time nonce (:func:`new_form_nonce`); a nonce that issued a key
    already raises :class:`IssueFormUsed` (a malformed one :class:`InvalidFormNonce`),
    a refused form leaves it unused (the corrected form may be sent with it)."""
    _require(actor)
    nonce_hash = _nonce_hash(form_nonce) if form_nonce is not None else None
    if nonce_hash is not None:
        _issued_with(actor, nonce_hash)
    errors: dict[str, list[str]] = {}
    try:
        name = free_text(name, "name", required=True, max_length=NAME_MAX)
    except ValidationFailed as exc:
        errors.update(exc.fields or {})
    try:
        contact = free_text(contact, "contact", max_length=CONTACT_MAX)
    except ValidationFailed as exc:
        errors.update(exc.fields or {})
    if errors:
        raise ValidationFailed(fields=errors)
    unit = _province(actor, province)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(
        name=name,
        contact=contact,
        key_prefix=raw[:KEY_PREFIX_LENGTH],
        key_hash=hash_key(raw),
        province=unit,
        created_at=now,
        created_by_id=actor.id if actor is not None else None,
        form_nonce=nonce_hash,
    )
    try:
        with db.session.begin_nested():  # the same form at the same instant: one row
            db.session.add(client)
    except IntegrityError:
        if nonce_hash is None:
            raise
        _issued_with(actor, nonce_hash)
        raise
    if actor is not None:
        audit.record(actor, AuditAction.OPEN311_KEY_ISSUED, now, detail=_detail(client))
    return client, raw


def get(actor: StaffUser | None, client_id: int) -> Open311Client:
    """One client application; :class:`Open311ClientNotFound` when unknown or out of the
    actor's province (out of scope reads as absent)."""
    _require(actor)
    client = db.session.get(Open311Client, client_id)
    if client is None or (
        actor is not None and not policy.may_manage_open311_key(actor, client.province_id)
    ):
        raise Open311ClientNotFound()
    return client


def revoke(actor: StaffUser | None, client_id: int, now: datetime) -> Open311Client:
    """End a key at once. Revoking a revoked key changes nothing (the first revocation's
    time and author stay, no second audit entry)."""
    client = get(actor, client_id)
    if client.revoked_at is not None:
        return client
    client.revoked_at = now
    client.revoked_by_id = actor.id if actor is not None else None
    db.session.flush()
    if actor is not None:
        audit.record(actor, AuditAction.OPEN311_KEY_REVOKED, now, detail=_detail(client))
    return client


def by_key(raw: str | None) -> Open311Client | None:
    """The active client application whose key is ``raw``; None for a missing, unknown
    or revoked key. Looked up by the key's hash (unique index), so nothing compares the
    key itself."""
    if not raw or not isinstance(raw, str) or len(raw) > _KEY_MAX:
        return None
    return db.session.scalar(
        select(Open311Client).where(
            Open311Client.key_hash == hash_key(raw), Open311Client.revoked_at.is_(None)
        )
    )


def touch(client: Open311Client, now: datetime) -> None:
    """Note that ``client`` was used now: written at most once a minute."""
    last = client.last_used_at
    if last is None or now - last >= TOUCH_EVERY:
        client.last_used_at = now


def listing(actor: StaffUser | None = None) -> list[Open311Client]:
    """Every client application the actor may manage (None: all), newest first, revoked
    ones included."""
    _require(actor)
    query = select(Open311Client).order_by(Open311Client.created_at.desc(), Open311Client.id.desc())
    own = provinces.scope_of(actor)
    if own is not None:
        query = query.where(Open311Client.province_id == own)
    return list(db.session.scalars(query))
