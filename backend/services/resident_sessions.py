"""Residents' app sessions: open at sign-in, refresh (rotating the token), end one or all.

A sign-in answers a short-lived access token naming its session and a refresh token;
the app trades the refresh token for a new pair when the access token expires. Each
refresh rotates the refresh token: the old one is accepted again only for
:data:`RETRY_GRACE` (the answer to a refresh can be lost on a bad network and the app
retries), and presented any later it is taken for stolen: the session ends, on the
thief's phone and the owner's alike, and the owner signs in again. A retry within the
grace period drops the token the lost answer carried; if that token turns up after all,
the old one was replayed by someone else, and the session ends the same way.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from backend.db import db
from backend.domain.text import N_
from backend.errors import AccountLocked, Unauthorized
from backend.models import Resident, ResidentSession
from backend.models.resident_session import SessionEnd
from backend.signals import resident_signed_out

#: How long the refresh token a refresh replaced still works (a retried refresh).
RETRY_GRACE = timedelta(seconds=30)
#: A session's last use is written at most this often.
TOUCH_EVERY = timedelta(minutes=5)
#: Refresh tokens are token_urlsafe(32): 43 characters; anything much longer is not one.
MAX_TOKEN_LENGTH = 100


class RefreshTokenInvalid(Unauthorized):
    code = "invalid_refresh_token"
    message = N_("The refresh token is invalid or expired; sign in again.")


class RefreshTokenReused(Unauthorized):
    code = "refresh_token_reused"
    message = N_(
        "This refresh token was already used; the session was ended for safety. Sign in again."
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _refresh_lifetime() -> timedelta:
    return timedelta(days=current_app.config.get("RESIDENT_REFRESH_DAYS", 60))


def open_session(
    resident: Resident, now: datetime, user_agent: str = ""
) -> tuple[str, ResidentSession]:
    """A new session for ``resident``: its refresh token (shown once) and its row."""
    token = secrets.token_urlsafe(32)
    row = ResidentSession(
        resident_id=resident.id,
        account_version=resident.token_version,
        refresh_hash=_hash(token),
        created_at=now,
        last_used_at=now,
        expires_at=now + _refresh_lifetime(),
        user_agent=(user_agent or "")[:200],
    )
    db.session.add(row)
    db.session.flush()
    return token, row


def _live(row: ResidentSession, now: datetime) -> bool:
    """Not ended, not expired, its account not signed out everywhere nor deleted (a
    locked account's sessions are answered 403 ``account_locked`` by the callers)."""
    resident = row.resident
    return (
        row.revoked_at is None
        and now < row.expires_at
        and row.account_version == resident.token_version
        and resident.deleted_at is None
    )


def refresh(token: str, now: datetime) -> tuple[str, ResidentSession]:
    """Trade a refresh token for a new one (the caller issues the access token with it).

    Raises :class:`RefreshTokenInvalid` for an unknown, expired or ended session, and
    :class:`RefreshTokenReused` (ending the session) for a replaced token presented after
    the grace period."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise RefreshTokenInvalid()
    digest = _hash(token)
    query = select(ResidentSession).where(
        or_(
            ResidentSession.refresh_hash == digest,
            ResidentSession.previous_hash == digest,
            ResidentSession.dropped_hash == digest,
        )
    )
    # One refresh at a time per session: a retry racing its original waits for it.
    row = db.session.scalar(query.with_for_update())
    if row is None or not _live(row, now):
        raise RefreshTokenInvalid()
    if row.resident.locked_at is not None:
        raise AccountLocked()
    stale = row.rotated_at is None or now - row.rotated_at > RETRY_GRACE
    if row.dropped_hash == digest or (row.previous_hash == digest and stale):
        row.revoked_at, row.revoked_reason = now, SessionEnd.REUSED
        resident_signed_out.send(row.resident, session_ids=[row.id], now=now)
        db.session.flush()
        raise RefreshTokenReused()
    if row.previous_hash == digest:
        # A retry within the grace period: a fresh token; the one the lost answer
        # carried is dropped (and ends the session if it is ever presented).
        row.dropped_hash = row.refresh_hash
    else:
        row.previous_hash, row.rotated_at = digest, now
    fresh = secrets.token_urlsafe(32)
    row.refresh_hash = _hash(fresh)
    row.last_used_at = now
    row.expires_at = now + _refresh_lifetime()
    db.session.flush()
    return fresh, row


def check(session_id: object, resident: Resident, now: datetime) -> ResidentSession | None:
    """The live session an access token names, or None."""
    if not isinstance(session_id, int):
        return None
    row = db.session.get(ResidentSession, session_id)
    if row is None or row.resident_id != resident.id or not _live(row, now):
        return None
    if now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    return row


def close(row: ResidentSession, now: datetime) -> None:
    """Sign this phone out: its refresh token and access tokens stop, its pushes too."""
    if row.revoked_at is None:
        row.revoked_at, row.revoked_reason = now, SessionEnd.SIGNED_OUT
        resident_signed_out.send(row.resident, session_ids=[row.id], now=now)
        db.session.flush()


def sign_out(resident: Resident, session_id: int, now: datetime) -> None:
    """Sign out the phone of session ``session_id`` (the one of the request's token)."""
    row = db.session.get(ResidentSession, session_id)
    if row is not None and row.resident_id == resident.id:
        close(row, now)


def erase_user_agents(resident: Resident) -> None:
    """Forget which apps the resident's sessions were opened from (account deletion)."""
    db.session.execute(
        update(ResidentSession)
        .where(ResidentSession.resident_id == resident.id)
        .values(user_agent="")
        .execution_options(synchronize_session="fetch")
    )


def close_all(resident: Resident, now: datetime, reason: SessionEnd = SessionEnd.EVERYWHERE) -> int:
    """Sign ``resident`` out of every phone: every session and every access token."""
    ended = db.session.execute(
        update(ResidentSession)
        .where(ResidentSession.resident_id == resident.id, ResidentSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    resident.token_version += 1
    resident_signed_out.send(resident, session_ids=None, now=now)
    db.session.flush()
    return ended or 0


#: Ended sessions are kept this long (who signed out when), then deleted.
KEEP_ENDED = timedelta(days=30)


def purge_ended(now: datetime) -> int:
    """Delete the sessions that ended or expired more than :data:`KEEP_ENDED` ago."""
    cutoff = now - KEEP_ENDED
    return db.session.execute(
        delete(ResidentSession)
        .where((ResidentSession.revoked_at <= cutoff) | (ResidentSession.expires_at <= cutoff))
        .execution_options(synchronize_session=False)
    ).rowcount
