"""Pushing the outbox: jobs that take due rows, push them, and record what happened.

Idempotent and safe to run concurrently: rows are claimed with ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL; a row FCM accepted is never pushed again; a row pushed
again after a crash between the push and the commit carries the same tag
(Android) and collapse id (APNs), so it replaces itself on the device.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import joinedload

from backend.db import commit, db
from backend.firebase import firebase_app
from notifications.push import Push, RecordingSender

if TYPE_CHECKING:
    from notifications.fcm import FcmSender
from notifications.models import Delivery, Device, Notification
from notifications.templates import render

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
BACKOFF = timedelta(seconds=30)  # 30 s, 1 min, 2 min ... capped at an hour
MAX_BACKOFF = timedelta(hours=1)


def sender() -> FcmSender | RecordingSender:
    """FCM when Firebase credentials are configured; the embedded default records."""
    configured = current_app.extensions.get("phananh_push_sender")
    if configured is not None:
        return configured
    if not current_app.config.get("FIREBASE_CREDENTIALS"):
        return RecordingSender()
    from notifications.fcm import FcmSender  # firebase-admin: only with credentials

    chosen = FcmSender(firebase_app(), current_app.config.get("FCM_ENDPOINT"))
    current_app.extensions["phananh_push_sender"] = chosen
    return chosen


def deliver_due(now: datetime | None = None, *, batch: int = 500) -> dict[str, int]:
    """Job: push every pending notification whose time has come (commits per batch)."""
    now = now or datetime.now(UTC)
    counts = {"notifications": 0, "pushes": 0, "pruned_devices": 0, "retries": 0}
    push = sender()
    while True:
        stmt = (
            select(Notification)
            .where(Notification.status == Delivery.PENDING, Notification.next_attempt_at <= now)
            .order_by(Notification.id)
            .limit(batch)
            .options(joinedload(Notification.report, innerjoin=True))
        )
        if db.engine.dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True, of=Notification)
        rows = db.session.scalars(stmt).all()
        if not rows:
            break
        _deliver(rows, now, push, counts)
        commit()
    return counts


def _deliver(rows: list[Notification], now: datetime, push, counts: dict[str, int]) -> None:
    devices = _devices(rows)
    pushes = []
    for row in rows:
        counts["notifications"] += 1
        for device in devices.get((row.resident_id, row.staff_id), []):
            if device.token in row.delivered_tokens:
                continue
            code = row.report.code
            title, body = render(row.kind, row.params, device.locale, code)
            data = {"notification_id": str(row.id), "kind": row.kind, "report_code": code}
            pushes.append(
                Push(
                    notification_id=row.id,
                    token=device.token,
                    platform=device.platform,
                    title=title,
                    body=body,
                    report_code=code,
                    urgent=row.urgent,
                    data=data,
                )
            )
    counts["pushes"] += len(pushes)
    result = push.send(pushes) if pushes else None
    recorded = isinstance(push, RecordingSender)
    retry = set(result.retry) if result else set()
    failed = {notification_id for notification_id, _code in result.failed} if result else set()
    dead = set(result.unregistered) if result else set()
    if dead:
        counts["pruned_devices"] += db.session.execute(
            delete(Device).where(Device.token.in_(dead))
        ).rowcount
    sent_tokens: dict[int, list[str]] = {}
    for item in pushes:
        if item.notification_id not in retry | failed and item.token not in dead:
            sent_tokens.setdefault(item.notification_id, []).append(item.token)
    for row in rows:
        row.delivered_tokens = [*row.delivered_tokens, *sent_tokens.get(row.id, [])]
        if row.id in retry:
            row.attempts += 1
            counts["retries"] += 1
            if row.attempts >= MAX_ATTEMPTS:
                row.status = Delivery.FAILED
            else:
                row.next_attempt_at = now + min(BACKOFF * 2 ** (row.attempts - 1), MAX_BACKOFF)
            continue
        row.status = (
            Delivery.FAILED
            if row.id in failed
            else Delivery.RECORDED
            if recorded
            else Delivery.SENT
        )
        row.sent_at = now


def _devices(rows: list[Notification]) -> dict[tuple, list[Device]]:
    residents = {r.resident_id for r in rows if r.resident_id}
    staff = {r.staff_id for r in rows if r.staff_id}
    found = db.session.scalars(
        select(Device).where(or_(Device.resident_id.in_(residents), Device.staff_id.in_(staff)))
    ).all()
    by_owner: dict[tuple, list[Device]] = {}
    for device in found:
        by_owner.setdefault((device.resident_id, device.staff_id), []).append(device)
    return by_owner
