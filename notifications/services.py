"""Devices and the in-app inbox (residents and staff alike)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from backend.db import db
from backend.errors import NotFound
from backend.models import Resident, StaffUser
from backend.services.queries import Page
from notifications.models import Device, Notification


def _owner_filter(model, owner: Resident | StaffUser):
    if isinstance(owner, Resident):
        return model.resident_id == owner.id
    return model.staff_id == owner.id


def register_device(
    owner: Resident | StaffUser, token: str, platform: str, locale: str, now: datetime
) -> Device:
    """Add a device, or move a known token to this person (phones change hands)."""
    device = db.session.scalar(select(Device).where(Device.token == token))
    if device is None:
        device = Device(token=token, created_at=now)
        db.session.add(device)
    device.platform, device.locale, device.last_seen_at = platform, locale, now
    device.resident_id = owner.id if isinstance(owner, Resident) else None
    device.staff_id = owner.id if isinstance(owner, StaffUser) else None
    db.session.flush()
    return device


def unregister_device(owner: Resident | StaffUser, token: str) -> None:
    """Forget one of the person's devices (idempotent)."""
    device = db.session.scalar(
        select(Device).where(Device.token == token, _owner_filter(Device, owner))
    )
    if device is not None:
        db.session.delete(device)


def inbox(owner: Resident | StaffUser, page: int, page_size: int) -> Page:
    """Everything told to the person, newest first, pushed or not (push may be denied)."""
    mine = _owner_filter(Notification, owner)
    total = db.session.scalar(select(func.count(Notification.id)).where(mine))
    items = db.session.scalars(
        select(Notification)
        .where(mine)
        .options(joinedload(Notification.report))  # each item shows its report's code
        .order_by(Notification.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return Page(list(items), page, page_size, total or 0)


def unread_count(owner: Resident | StaffUser) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            _owner_filter(Notification, owner), Notification.read_at.is_(None)
        )
    )


def mark_read(owner: Resident | StaffUser, notification_id: int, now: datetime) -> Notification:
    row = db.session.scalar(
        select(Notification).where(
            Notification.id == notification_id, _owner_filter(Notification, owner)
        )
    )
    if row is None:
        raise NotFound(
            "Không tìm thấy thông báo.", "Notification not found.", code="notification_not_found"
        )
    row.read_at = row.read_at or now
    return row


def mark_all_read(owner: Resident | StaffUser, now: datetime) -> int:
    return db.session.execute(
        update(Notification)
        .where(_owner_filter(Notification, owner), Notification.read_at.is_(None))
        .values(read_at=now)
    ).rowcount
