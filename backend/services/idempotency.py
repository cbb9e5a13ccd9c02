"""The idempotency store: claim a key, replay its answer, store the first answer.

A resident's POST carrying an ``Idempotency-Key`` (or a report sent again byte for byte
without one) is *claimed* first: a row inserted under the unique (resident, key)
constraint, which the caller commits at once in its own short transaction. Whoever
inserts it does the work; everyone else finds the row and gets its stored answer, a
409 while the first is still running, or a 422 when the key came with another request.
The answer is written into the row in the work's own transaction (:func:`complete`), so
"done" and "answer stored" are one commit; a claim whose request failed is released
(:func:`release`) and a claim left behind by a dead worker is taken over after its
lease, its late answer refused by the claim token.

Like every service this one takes ``now`` and never commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from backend.db import db
from backend.domain.text import N_
from backend.errors import Conflict, ValidationFailed
from backend.models import IdempotencyKey, Resident

#: How long a key and its answer are kept.
KEY_TTL = timedelta(hours=24)
#: A claim older than this whose request never answered is taken to be abandoned.
LEASE = timedelta(seconds=60)
MAX_KEY_LENGTH = 128


class InvalidIdempotencyKey(ValidationFailed):
    code = "invalid_idempotency_key"
    message = N_("The Idempotency-Key header must be 1 to 128 printable ASCII characters.")


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"
    message = N_("This Idempotency-Key was already used for a different request.")


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    message = N_("A request with this Idempotency-Key is still being processed; retry shortly.")


class ClaimLost(Conflict):
    code = "idempotency_in_progress"
    message = N_("A request with this Idempotency-Key is still being processed; retry shortly.")


def check_key(raw: str) -> str:
    """The header's value, or :class:`InvalidIdempotencyKey`."""
    if not 1 <= len(raw) <= MAX_KEY_LENGTH or any(not " " <= ch <= "~" for ch in raw):
        raise InvalidIdempotencyKey(fields={"Idempotency-Key": [InvalidIdempotencyKey.message]})
    return raw


def explicit_key(header: str) -> str:
    return "key:" + check_key(header)


def implicit_key(fingerprint: str) -> str:
    return "auto:" + fingerprint


def fingerprint(method: str, path: str, parts: list[tuple[str, bytes]]) -> str:
    """SHA-256 of the method, the path and the body's parts (name, bytes) in order."""
    digest = hashlib.sha256()
    for chunk in (method.upper().encode(), path.encode()):
        digest.update(len(chunk).to_bytes(8, "big") + chunk)
    for name, data in parts:
        for chunk in (name.encode(), data):
            digest.update(len(chunk).to_bytes(8, "big") + chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Claim:
    """This request holds the key: do the work, then :func:`complete` it."""

    row_id: int
    token: str


@dataclass(frozen=True)
class Replay:
    """The key's first request finished: answer its stored answer again."""

    status_code: int
    body: str


def claim(
    resident: Resident, key: str, fingerprint_: str, now: datetime, ttl: timedelta = KEY_TTL
) -> Claim | Replay:
    """Insert the claim row (the caller commits it at once), or say what the key holds.

    Raises :class:`IdempotencyKeyReused` (another request's key) or
    :class:`IdempotencyInProgress` (its first request is still running).
    """
    token = secrets.token_hex(16)
    row = IdempotencyKey(
        resident_id=resident.id,
        key=key,
        fingerprint=fingerprint_,
        claim_token=token,
        claimed_at=now,
        expires_at=now + ttl,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        pass  # the key is held: read what it holds
    else:
        return Claim(row.id, token)
    existing = db.session.scalars(
        select(IdempotencyKey)
        .where(IdempotencyKey.resident_id == resident.id, IdempotencyKey.key == key)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if existing is None:  # released in between: try once more
        return claim(resident, key, fingerprint_, now, ttl)
    if existing.expires_at <= now:
        return _take_over(existing, fingerprint_, now, ttl)
    if existing.fingerprint != fingerprint_:
        raise IdempotencyKeyReused()
    if not existing.completed:
        if existing.claimed_at + LEASE <= now:  # its request died: nothing was committed
            return _take_over(existing, fingerprint_, now, ttl)
        raise IdempotencyInProgress()
    return Replay(existing.status_code, existing.body)


def _take_over(existing: IdempotencyKey, fingerprint_: str, now: datetime, ttl: timedelta):
    """An expired key, or a claim abandoned by its request: this request claims it anew.

    Compare-and-set on the old token: of two requests taking over at once one wins.
    """
    token = secrets.token_hex(16)
    taken = db.session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.id == existing.id,
            IdempotencyKey.claim_token == existing.claim_token,
        )
        .values(
            fingerprint=fingerprint_,
            claim_token=token,
            claimed_at=now,
            expires_at=now + ttl,
            status_code=None,
            body=None,
            completed_at=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        raise IdempotencyInProgress()
    return Claim(existing.id, token)


def complete(claim_: Claim, status_code: int, body: str, now: datetime) -> None:
    """Store the answer in the work's transaction; :class:`ClaimLost` if the claim was
    taken over meanwhile (the caller's work must then be rolled back)."""
    stored = db.session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == claim_.row_id, IdempotencyKey.claim_token == claim_.token)
        .values(
            status_code=status_code,
            body=body,
            completed_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not stored:
        raise ClaimLost()


def release(claim_: Claim) -> None:
    """The request failed and did nothing: free the key for a corrected retry."""
    db.session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.id == claim_.row_id, IdempotencyKey.claim_token == claim_.token)
        .execution_options(synchronize_session=False)
    )


def purge_expired(now: datetime) -> int:
    """Delete the keys past their day (the periodic job and the CLI)."""
    return db.session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.expires_at <= now)
        .execution_options(synchronize_session=False)
    ).rowcount
