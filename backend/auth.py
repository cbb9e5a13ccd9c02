"""API access tokens for residents and staff.

Tokens are signed (itsdangerous) with ``SECRET_KEY`` and carry the account's
``token_version``, so any process can verify them without shared state and an
account can be logged out everywhere by bumping that version.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from backend.db import db
from backend.domain.roles import Role
from backend.domain.text import N_
from backend.errors import Forbidden, Unauthorized
from backend.models import Resident, StaffUser

RESIDENT_TOKEN_SECONDS = 30 * 24 * 3600
STAFF_TOKEN_SECONDS = 12 * 3600
_KINDS = {"resident": (Resident, RESIDENT_TOKEN_SECONDS), "staff": (StaffUser, STAFF_TOKEN_SECONDS)}


def _serializer() -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and accepts any of them: SECRET_KEY_FALLBACKS keep
    # the tokens signed before a key rotation valid until they expire.
    keys = [*current_app.config.get("SECRET_KEY_FALLBACKS", []), current_app.config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt="phananh-access-token")


def issue_token(account: Resident | StaffUser) -> dict:
    kind = "resident" if isinstance(account, Resident) else "staff"
    token = _serializer().dumps({"k": kind, "id": account.id, "v": account.token_version})
    return {"access_token": token, "token_type": "Bearer", "expires_in": _KINDS[kind][1]}


class TokenInvalid(Unauthorized):
    code = "invalid_token"
    message = N_("The access token is invalid or expired; sign in again.")


def _load(kind: str) -> Resident | StaffUser:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    model, max_age = _KINDS[kind]
    try:
        payload = _serializer().loads(token.strip(), max_age=max_age)
    except SignatureExpired as exc:
        raise TokenInvalid() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(payload, dict) or payload.get("k") != kind:
        raise TokenInvalid()
    account = db.session.get(model, payload.get("id"))
    if account is None or account.token_version != payload.get("v"):
        raise TokenInvalid()
    return account


class AccountLocked(Forbidden):
    code = "account_locked"
    message = N_("This account is locked.")


def resident_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        resident = _load("resident")
        if resident.locked_at is not None:
            raise AccountLocked()
        g.resident = resident
        return view(*args, **kwargs)

    return wrapper


def staff_required(*roles: Role) -> Callable[[Callable], Callable]:
    """Require a staff token; with ``roles``, require one of them."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            staff = _load("staff")
            if not staff.active:
                raise AccountLocked()
            if roles and staff.role not in roles:
                raise Forbidden()
            g.staff = staff
            return view(*args, **kwargs)

        return wrapper

    return decorate


def current_resident() -> Resident:
    return g.resident


def current_staff() -> StaffUser:
    return g.staff
