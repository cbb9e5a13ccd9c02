"""Accounts: residents signing in with Firebase, staff with a password."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.db import db
from backend.domain.text import N_, nfc
from backend.errors import Unauthorized
from backend.firebase import VerifiedIdentity
from backend.models import Resident, StaffUser


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    message = N_("Wrong username or password.")


def resident_sign_in(identity: VerifiedIdentity, now: datetime) -> Resident:
    """The resident behind a verified Firebase identity, created on first sign-in."""
    query = select(Resident).where(Resident.firebase_uid == identity.uid)
    resident = db.session.scalar(query)
    if resident is None:
        # Two first sign-ins at once (a double tap, an app retry): one insert wins.
        try:
            with db.session.begin_nested():
                db.session.add(Resident(firebase_uid=identity.uid, created_at=now))
        except IntegrityError:
            pass
        resident = db.session.scalar(query)
    resident.phone = identity.phone
    if identity.name:
        resident.display_name = nfc(identity.name)
    resident.last_login_at = now
    db.session.flush()
    return resident


def staff_login(username: str, password: str) -> StaffUser:
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    # Same answer for an unknown user, a wrong password and a disabled account.
    if staff is None or not staff.active or not staff.check_password(password):
        raise InvalidCredentials()
    return staff
