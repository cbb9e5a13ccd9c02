"""Idempotency keys: the first answer to a resident's POST, kept to answer its retries.

One row per (resident, key). The row is inserted and committed first (the *claim*, in
its own short transaction), so a second request with the same key, in any process, finds
it; the answer (status and JSON body) is written into it in the same transaction as the
work itself, so "done" and "answer stored" are one commit. ``key`` is namespaced: the
app's ``Idempotency-Key`` header as ``key:<header>``, the implicit key of a report sent
again byte for byte without a header as ``auto:<fingerprint>``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import UTCDateTime, db, utcnow


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("resident_id", "key", name="uq_idempotency_keys_resident_key"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(160))
    #: SHA-256 of the method, the path and the body (see backend.services.idempotency).
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: A random token of the request holding the claim; its answer is stored only while
    #: the token is still this one (a claim taken over after its lease ran out).
    claim_token: Mapped[str] = mapped_column(String(32))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: None while the first request is still running.
    status_code: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def completed(self) -> bool:
        return self.status_code is not None
