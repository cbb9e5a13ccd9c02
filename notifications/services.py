"""Devices and the in-app inbox (residents and staff alike)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from backend.db import db
from backend.domain.text import N_
from backend.errors import Conflict, NotFound
from backend.models import Resident, StaffUser
from backend.services.queries import Page
from notifications.models import Device, Notification


def _owner_filter(model, owner: Resident | StaffUser):
    if isinstance(owner, Resident):
        return model.resident_id == owner.id
    return model.staff_id == owner.id


class DeviceTokenInUse(Conflict):
    code = "device_token_in_use"
    message = N_(
        "This device receives notifications for another account; that account must sign out on it"
        " first."
    )


def _owned_by(device: Device, owner: Resident | StaffUser) -> bool:
    if isinstance(owner, Resident):
        return device.resident_id == owner.id
    return device.staff_id == owner.id


#: A token whose holder has not registered it again for this long is free to move: the
#: app registers its token at every start.
HOLDER_GONE_AFTER = timedelta(days=30)


def register_device(
    owner: Resident | StaffUser,
    token: str,
    platform: str,
    locale: str,
    now: datetime,
    session_id: int | None = None,
) -> Device:
    """Add a device, or refresh one the person already has.

    An FCM token belongs to one account at a time: a token another account holds is
    refused (``device_token_in_use``), or anyone who learnt it could take the holder's
    pushes away. The holder frees it by signing out on the device (``DELETE
    .../devices/<token>``); a token FCM reports as gone is deleted by the delivery job.
    """
    device = _device(token)
    if device is None:
        try:
            with db.session.begin_nested():  # the same new token registered twice at once
                db.session.add(
                    Device(
                        token=token,
                        platform=platform,
                        locale=locale,
                        created_at=now,
                        last_seen_at=now,
                        resident_id=owner.id if isinstance(owner, Resident) else None,
                        staff_id=owner.id if isinstance(owner, StaffUser) else None,
                    )
                )
        except IntegrityError:
            pass
        device = _device(token)
    if not _owned_by(device, owner):
        if device.last_seen_at > now - HOLDER_GONE_AFTER:
            raise DeviceTokenInUse()
        # The holder has not been seen on this install for longer than a session lasts:
        # it can no longer sign out there, so the install's new account takes the token.
        device.resident_id = owner.id if isinstance(owner, Resident) else None
        device.staff_id = owner.id if isinstance(owner, StaffUser) else None
    device.platform, device.locale, device.last_seen_at = platform, locale, now
    # A resident's device is dropped when the app session it was registered in ends.
    device.session_id = session_id if isinstance(owner, Resident) else None
    db.session.flush()
    return device


def on_resident_signed_out(
    resident: Resident, *, session_ids: list[int] | None, now: datetime
) -> None:
    """``backend.signals.resident_signed_out``: the signed-out phones get no more pushes
    (every phone of the account when ``session_ids`` is None)."""
    query = delete(Device).where(Device.resident_id == resident.id)
    if session_ids is not None:
        query = query.where(Device.session_id.in_(session_ids))
    db.session.execute(query.execution_options(synchronize_session=False))


def on_resident_deleted(resident: Resident, *, now: datetime) -> None:
    """``backend.signals.resident_deleted``: forget the person's devices and inbox."""
    on_resident_signed_out(resident, session_ids=None, now=now)
    db.session.execute(
        delete(Notification)
        .where(Notification.resident_id == resident.id)
        .execution_options(synchronize_session=False)
    )


def _device(token: str) -> Device | None:
    return db.session.scalar(select(Device).where(Device.token == token))


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
        raise NotFound(N_("Notification not found."), code="notification_not_found")
    row.read_at = row.read_at or now
    return row


def mark_all_read(owner: Resident | StaffUser, now: datetime) -> int:
    return db.session.execute(
        update(Notification)
        .where(_owner_filter(Notification, owner), Notification.read_at.is_(None))
        .values(read_at=now)
    ).rowcount
