"""Staff console sessions: open on sign-in, check on every request, end one or all.

The console's cookie holds a random token (``secrets.token_urlsafe``); only its SHA-256
is stored, so a copy of the database opens no session. A session ends when its person
signs out, at its absolute lifetime, after being idle too long, when the person signs out
everywhere (which also bumps ``token_version``, ending their API tokens), and at once
when the account is deactivated: every check reads the account.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from backend.db import db
from backend.models import StaffSession, StaffUser

#: A session's last use is written at most this often (not on every page), and at most a
#: tenth of the idle limit apart.
TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class Lifetimes:
    absolute: timedelta  # from sign-in
    idle: timedelta  # since the last request


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    staff: StaffUser, now: datetime, lifetimes: Lifetimes, user_agent: str = ""
) -> tuple[str, StaffSession]:
    """A new session for ``staff``: the token for the cookie, and its row."""
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=_hash(token),
        staff_id=staff.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetimes.absolute,
        user_agent=(user_agent or "")[:200],
    )
    db.session.add(row)
    db.session.flush()
    return token, row


def check(token: str | None, now: datetime, lifetimes: Lifetimes) -> StaffSession | None:
    """The live session behind ``token``, or None (unknown, ended, expired, idle, or its
    account deactivated). Refreshes ``last_seen_at`` now and then (the caller commits)."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    # ``last_seen_at`` lags the last request by less than ``touch``: the session is idle
    # once that much past the limit, so that a person at work is never taken for idle.
    touch = min(TOUCH_EVERY, lifetimes.idle / 10)
    if now >= row.expires_at or now - row.last_seen_at >= lifetimes.idle + touch:
        row.revoked_at = now
        return None
    if not row.staff.active:
        return None
    if now - row.last_seen_at >= touch:
        row.last_seen_at = now
    return row


#: What an API sign-in writes as its session's browser (the console lists it with them).
API_AGENT_PREFIX = "API · "


def open_api_session(
    staff: StaffUser, now: datetime, lifetime: timedelta, user_agent: str = ""
) -> StaffSession:
    """The session behind a staff API token (its id is in the token, no cookie)."""
    _, row = open_session(staff, now, Lifetimes(lifetime, lifetime), API_AGENT_PREFIX + user_agent)
    return row


def check_api(session_id: object, staff: StaffUser, now: datetime) -> StaffSession | None:
    """The live API session a staff token names, or None (signed out, expired)."""
    if not isinstance(session_id, int):
        return None
    row = db.session.get(StaffSession, session_id)
    if row is None or row.staff_id != staff.id or row.revoked_at is not None:
        return None
    return row if now < row.expires_at else None


def close_api(staff: StaffUser, session_id: int, now: datetime) -> None:
    """Sign out the API session ``session_id`` (the one of the request's token)."""
    row = db.session.get(StaffSession, session_id)
    if row is not None and row.staff_id == staff.id:
        close(row, now)


def close(row: StaffSession, now: datetime) -> None:
    """Sign out this browser."""
    if row.revoked_at is None:
        row.revoked_at = now


def close_all(staff: StaffUser, now: datetime) -> int:
    """Sign ``staff`` out everywhere: every console session and every API token."""
    ended = db.session.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff.id, StaffSession.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    staff.token_version += 1
    return ended or 0


def live_sessions(staff: StaffUser, now: datetime) -> list[StaffSession]:
    return list(
        db.session.scalars(
            select(StaffSession)
            .where(
                StaffSession.staff_id == staff.id,
                StaffSession.revoked_at.is_(None),
                StaffSession.expires_at > now,
            )
            .order_by(StaffSession.last_seen_at.desc())
        )
    )


#: Ended sessions are kept this long (who signed out when), then deleted.
KEEP_ENDED = timedelta(days=30)


def purge_ended(now: datetime) -> int:
    """Delete the sessions that ended or expired more than :data:`KEEP_ENDED` ago."""
    cutoff = now - KEEP_ENDED
    return db.session.execute(
        delete(StaffSession)
        .where((StaffSession.revoked_at <= cutoff) | (StaffSession.expires_at <= cutoff))
        .execution_options(synchronize_session=False)
    ).rowcount
