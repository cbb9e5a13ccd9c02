"""Residents' sign-in under ``/mobile/v1/auth``: a Firebase phone sign-in opens a session
(a short-lived access token and a rotating refresh token); refresh, sign out of this
phone or of every phone, and delete the account.
"""

from __future__ import annotations

from flask import request

from backend import limits
from backend.auth import (
    current_resident,
    current_session_id,
    issue_token,
    resident_required,
    resident_session_required,
)
from backend.db import commit, utcnow
from backend.firebase import verify_id_token
from backend.models import Resident, ResidentSession
from backend.schemas.common import ErrorEnvelopeSchema
from backend.services import accounts, resident_sessions
from mobile_api.schemas import (
    DeleteAccountSchema,
    FirebaseSignInSchema,
    RefreshSchema,
    ResidentTokenSchema,
)
from mobile_api.views import SECURITY, blp


def _tokens(resident: Resident, refresh_token: str, session: ResidentSession) -> dict:
    return {
        **issue_token(resident, session.id),
        "refresh_token": refresh_token,
        "refresh_expires_in": int((session.expires_at - session.last_used_at).total_seconds()),
        "resident": resident,
    }


def _agent() -> str:
    return request.user_agent.string


@blp.post("/auth/firebase")
@limits.limited(limits.per_address(limits.SIGN_IN_ADDRESS))
@blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
@blp.arguments(FirebaseSignInSchema)
@blp.response(200, ResidentTokenSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema, description="account_locked")
def sign_in(args):
    """Exchange a Firebase ID token (phone sign-in) for an access token (about an hour)
    and a refresh token."""
    identity = verify_id_token(args["id_token"])
    now = utcnow()
    resident = accounts.resident_sign_in(identity, now)
    refresh_token, session = resident_sessions.open_session(resident, now, _agent())
    commit()
    return _tokens(resident, refresh_token, session)


@blp.post("/auth/refresh")
@limits.limited(limits.per_address(limits.REFRESH_ADDRESS))
@blp.alt_response(429, schema=ErrorEnvelopeSchema, description="too_many_requests")
@blp.arguments(RefreshSchema)
@blp.response(200, ResidentTokenSchema)
@blp.alt_response(
    401, schema=ErrorEnvelopeSchema, description="invalid_refresh_token, refresh_token_reused"
)
@blp.alt_response(403, schema=ErrorEnvelopeSchema, description="account_locked")
def refresh(args):
    """Trade the refresh token for a new access token and a new refresh token.

    The old refresh token then stops working, except for a retry within a minute (its
    answer was lost); presented later, it is taken for stolen and the session ends."""
    now = utcnow()
    try:
        refresh_token, session = resident_sessions.refresh(args["refresh_token"], now)
    except resident_sessions.RefreshTokenReused:
        commit()  # the session ends even though this request fails
        raise
    commit()
    return _tokens(session.resident, refresh_token, session)


@blp.post("/auth/sign-out")
@resident_session_required
@blp.response(204)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def sign_out():
    """Sign this phone out: its tokens stop and it receives no more pushes."""
    resident_sessions.sign_out(current_resident(), current_session_id(), utcnow())
    commit()


@blp.post("/auth/sign-out-everywhere")
@resident_session_required
@blp.response(204)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.doc(security=SECURITY)
def sign_out_everywhere():
    """Sign out of every phone: every access and refresh token of the account stops."""
    resident_sessions.close_all(current_resident(), utcnow())
    commit()


@blp.post("/me/delete")
@resident_required
@blp.arguments(DeleteAccountSchema)
@blp.response(204)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(
    403, schema=ErrorEnvelopeSchema, description="reauthentication_required, account_locked"
)
@blp.doc(security=SECURITY)
def delete_account(args):
    """Delete the account: name, phone and sign-in are erased, every phone is signed out;
    the reports stay public, without who sent them. Confirm with a fresh phone sign-in
    (a new Firebase ID token of the same account)."""
    accounts.delete_resident(current_resident(), verify_id_token(args["id_token"]), utcnow())
    commit()
