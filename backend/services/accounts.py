"""Accounts: residents signing in with Firebase, staff with a password."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from backend import passwords
from backend.db import db
from backend.domain import phones
from backend.domain.text import N_, nfc
from backend.errors import AccountLocked, Forbidden, Unauthorized, ValidationFailed
from backend.firebase import VerifiedIdentity
from backend.models import IdempotencyKey, Resident, StaffUser
from backend.models.resident_session import SessionEnd
from backend.services import audit, resident_sessions, staff_sessions
from backend.signals import resident_deleted

MIN_PASSWORD_LENGTH = 10
#: Passwords a guesser tries first (lower-cased); a new password is none of these.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0123456789",
        "12345678910",
        "1111111111",
        "0000000000",
        "123456789a",
        "a123456789",
        "qwertyuiop",
        "qwerty1234",
        "1q2w3e4r5t",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou12",
        "abc1234567",
        "abcd123456",
        "abcdefghij",
        "admin12345",
        "admin123456",
        "administrator",
        "matkhau123",
        "matkhau1234",
        "123456aa@@",
        "anhyeuem123",
        "vietnam123",
        "vietnam1234",
        "changeme123",
        "welcome123",
        "letmein1234",
    }
)


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    message = N_("Wrong username or password.")


class PasswordTooShort(ValidationFailed):
    code = "password_too_short"
    message = N_("The password must have at least %(min)d characters.")


class PasswordTooCommon(ValidationFailed):
    code = "password_too_common"
    message = N_("This password is too common; choose another.")


class PasswordIsUsername(ValidationFailed):
    code = "password_is_username"
    message = N_("The password must not be the username.")


class WrongCurrentPassword(ValidationFailed):
    code = "wrong_current_password"
    message = N_("The current password is wrong.")


def hash_method() -> str:
    """``PASSWORD_HASH_METHOD`` of this deployment (the tests choose a cheap one)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", passwords.DEFAULT_METHOD)


def resident_sign_in(identity: VerifiedIdentity, now: datetime) -> Resident:
    """The resident behind a verified Firebase identity, created on first sign-in; a
    locked account is refused (403 ``account_locked``) before any session opens."""
    # Locked: a sign-in racing the account's deletion waits for it, then finds no one.
    query = select(Resident).where(Resident.firebase_uid == identity.uid).with_for_update()
    resident = db.session.scalar(query)
    if resident is None:
        resident = _adopt_placeholder(identity)
    if resident is None:
        # Two first sign-ins at once (a double tap, an app retry): one insert wins.
        try:
            with db.session.begin_nested():
                db.session.add(Resident(firebase_uid=identity.uid, created_at=now))
        except IntegrityError:
            pass
        resident = db.session.scalar(query)
    if resident.locked_at is not None:
        raise AccountLocked()
    resident.phone = identity.phone
    if identity.name:
        resident.display_name = nfc(identity.name)
    resident.last_login_at = now
    db.session.flush()
    return resident


def _adopt_placeholder(identity: VerifiedIdentity) -> Resident | None:
    """A first sign-in with a phone an operator filed reports for: the placeholder account
    of that phone becomes this person's (locked like the account itself), with its reports."""
    try:
        phone = phones.normalise(identity.phone or "")
    except phones.InvalidPhone:
        return None
    uid = phones.placeholder_uid(phone)
    placeholder = db.session.scalar(
        select(Resident).where(Resident.firebase_uid == uid).with_for_update()
    )
    if placeholder is not None:
        placeholder.firebase_uid = identity.uid
    return placeholder


class ReauthenticationRequired(Forbidden):
    code = "reauthentication_required"
    message = N_("Sign in again with this account's phone number to confirm.")


#: How recent the phone sign-in confirming an account deletion must be.
RECENT_SIGN_IN = timedelta(minutes=5)


def delete_resident(resident: Resident, identity: VerifiedIdentity, now: datetime) -> None:
    """Erase a resident's identity at their request, proven by a phone sign-in (an SMS
    code) of the same account within :data:`RECENT_SIGN_IN`.

    The account row stays as an anonymous placeholder, so the reports, ratings and
    timelines that name it keep their figures and stay public; its Firebase uid, phone
    and name are gone, every session and token ends, the push devices and inbox are
    deleted (``resident_deleted``), and a later sign-in with the same phone opens a new,
    empty account."""
    if identity.uid != resident.firebase_uid:
        raise ReauthenticationRequired()
    signed_in_ago = now.timestamp() - (identity.auth_time or 0)
    if signed_in_ago > RECENT_SIGN_IN.total_seconds():
        raise ReauthenticationRequired()
    resident_sessions.close_all(resident, now, SessionEnd.DELETED)
    resident_sessions.erase_user_agents(resident)
    resident.firebase_uid = f"deleted:{resident.id}:{secrets.token_hex(8)}"
    resident.phone = None
    resident.display_name = None
    resident.deleted_at = now
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.resident_id == resident.id))
    resident_deleted.send(resident, now=now)
    db.session.flush()


def staff_login(username: str, password: str) -> StaffUser:
    """The account of ``username`` if ``password`` is its password and it is active.

    Same answer, and one password verification, for an unknown user, a disabled account
    and a wrong password: no username oracle in the time taken. An older (werkzeug) hash
    or one of other argon2 parameters is made again on success (the caller commits)."""
    staff = db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    method = hash_method()
    if staff is None or not staff.active:
        passwords.dummy_verify(password, method)
        raise InvalidCredentials()
    if not staff.check_password(password):
        raise InvalidCredentials()
    if staff.password_needs_rehash(method):
        staff.set_password(password, method)  # the same password: nothing to revoke
        db.session.flush()
    return staff


def check_password_strength(password: str, username: str) -> None:
    """Refuse (422) a new password that is short, common or the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(
            params={"min": MIN_PASSWORD_LENGTH}, fields={"password": ["Too short."]}
        )
    folded = password.strip().casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) <= 2:
        raise PasswordTooCommon(fields={"password": ["Too common."]})
    if folded == username.strip().casefold():
        raise PasswordIsUsername(fields={"password": ["Same as the username."]})


def revoke_access(staff: StaffUser, now: datetime) -> int:
    """End every console session and API token of ``staff`` at once: what a password
    change, a deactivation (or reactivation) and a role or unit change must do. The one
    place accounts are revoked; returns the number of sessions ended."""
    return staff_sessions.close_all(staff, now)


def set_staff_password(staff: StaffUser, password: str, now: datetime) -> None:
    """A new password (checked for strength); the account's sessions and tokens end."""
    check_password_strength(password, staff.username)
    staff.set_password(password, hash_method())
    revoke_access(staff, now)
    db.session.flush()


def change_own_password(staff: StaffUser, current: str, new: str, now: datetime) -> None:
    """A person's own password change, proven by the current password."""
    if not staff.check_password(current):
        raise WrongCurrentPassword(fields={"current_password": ["Wrong password."]})
    set_staff_password(staff, new, now)
    audit.record(staff, audit.AuditAction.PASSWORD_RESET, now, target=staff, detail={"own": True})
