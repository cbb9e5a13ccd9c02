"""API access tokens for residents and staff.

Tokens are signed (itsdangerous) with ``SECRET_KEY`` and carry the account's
``token_version`` and the session they belong to: a resident's app session
(``backend.services.resident_sessions``, about an hour per access token, renewed with a
rotating refresh token) or a staff member's API session (a ``staff_sessions`` row, like
a console sign-in). Signing out ends one session; bumping the version ends them all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from backend.db import db, utcnow
from backend.domain.roles import Role
from backend.domain.text import N_
from backend.errors import AccountLocked, Forbidden, Unauthorized
from backend.models import Resident, StaffUser
from backend.services import resident_sessions, staff_sessions

STAFF_TOKEN_SECONDS = 12 * 3600
_MODELS = {"resident": Resident, "staff": StaffUser}


def _lifetime(kind: str) -> int:
    if kind == "resident":
        return current_app.config.get("RESIDENT_ACCESS_MINUTES", 60) * 60
    return STAFF_TOKEN_SECONDS


def _serializer() -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and accepts any of them: SECRET_KEY_FALLBACKS keep
    # the tokens signed before a key rotation valid until they expire.
    keys = [*current_app.config.get("SECRET_KEY_FALLBACKS", []), current_app.config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt="phananh-access-token")


def issue_token(account: Resident | StaffUser, session_id: int) -> dict:
    """A bearer access token of ``account``'s session ``session_id``."""
    kind = "resident" if isinstance(account, Resident) else "staff"
    payload = {"k": kind, "id": account.id, "v": account.token_version, "s": session_id}
    token = _serializer().dumps(payload)
    return {"access_token": token, "token_type": "Bearer", "expires_in": _lifetime(kind)}


class TokenInvalid(Unauthorized):
    code = "invalid_token"
    message = N_("The access token is invalid or expired; sign in again.")


def _load(kind: str) -> tuple[Resident | StaffUser, int]:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    try:
        payload = _serializer().loads(token.strip(), max_age=_lifetime(kind))
    except SignatureExpired as exc:
        raise TokenInvalid() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(payload, dict) or payload.get("k") != kind:
        raise TokenInvalid()
    session_id = payload.get("s")
    if not (_an_id(payload.get("id")) and _an_id(session_id)):
        raise TokenInvalid()
    account = db.session.get(_MODELS[kind], payload.get("id"))
    if account is None or account.token_version != payload.get("v"):
        raise TokenInvalid()
    now = utcnow()
    if kind == "resident":
        live = resident_sessions.check(session_id, account, now) is not None
    else:
        live = staff_sessions.check_api(session_id, account, now) is not None
    if not live:
        raise TokenInvalid()
    return account, session_id


def _an_id(value: object) -> bool:
    """A row id as the database can hold it (bool is an int to Python, not here)."""
    return type(value) is int and 0 < value < 2**31


def resident_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        resident, session_id = _load("resident")
        if resident.locked_at is not None:
            raise AccountLocked()
        g.resident, g.session_id = resident, session_id
        return view(*args, **kwargs)

    return wrapper


def resident_session_required(view: Callable) -> Callable:
    """A resident's valid token, even of a locked account: what signing out needs."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.resident, g.session_id = _load("resident")
        return view(*args, **kwargs)

    return wrapper


def staff_required(*roles: Role) -> Callable[[Callable], Callable]:
    """Require a staff token; with ``roles``, require one of them."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            staff, session_id = _load("staff")
            if not staff.active:
                raise AccountLocked()
            if roles and staff.role not in roles:
                raise Forbidden()
            g.staff, g.session_id = staff, session_id
            return view(*args, **kwargs)

        return wrapper

    return decorate


def current_resident() -> Resident:
    return g.resident


def current_staff() -> StaffUser:
    return g.staff


def current_session_id() -> int:
    """The session (resident app session or staff API session) of this request's token."""
    return g.session_id
