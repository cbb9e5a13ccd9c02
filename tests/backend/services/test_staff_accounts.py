"""Staff accounts: argon2 hashes and their upgrade, one verification for every failed
sign-in, password strength, revocation on every account change, admin management."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend import passwords
from backend.db import db, utcnow
from backend.domain.roles import Role
from backend.errors import Forbidden, ValidationFailed
from backend.models import StaffSession, StaffUser
from backend.services import accounts, staff_admin, staff_sessions

LIFETIMES = staff_sessions.Lifetimes(absolute=timedelta(hours=12), idle=timedelta(hours=1))
GOOD = "Cau-Rong-Can-Tho-2026"


def _account(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).filter_by(username=username))


def _live(staff: StaffUser) -> int:
    return len(staff_sessions.live_sessions(staff, utcnow()))


@pytest.fixture
def verifications(monkeypatch):
    """The number of password verifications made (real ones and the dummy)."""
    calls = []
    real = passwords.verify

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify", counting)
    return calls


# ---- hashes --------------------------------------------------------------------------------


def test_new_passwords_are_argon2id(city):
    officer = _account("so-xd.officer")
    accounts.set_staff_password(officer, GOOD, utcnow())
    assert officer.password_hash.startswith("$argon2id$")
    assert accounts.staff_login("so-xd.officer", GOOD) is officer


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:1000"])
def test_an_old_werkzeug_hash_verifies_and_is_upgraded_at_the_next_login(city, method):
    officer = _account("so-xd.officer")
    officer.set_password("an old password", method)
    old = officer.password_hash
    assert not old.startswith("$argon2")
    with pytest.raises(accounts.InvalidCredentials):
        accounts.staff_login("so-xd.officer", "wrong password")
    assert officer.password_hash == old  # no upgrade without the password
    version = officer.token_version
    assert accounts.staff_login("so-xd.officer", "an old password") is officer
    assert officer.password_hash.startswith("$argon2id$")
    assert officer.token_version == version  # the same password: nothing revoked
    assert accounts.staff_login("so-xd.officer", "an old password") is officer


def test_production_parameters_are_the_rfc_9106_profile():
    stored = passwords.hash_password("x", "argon2")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.needs_rehash(passwords.hash_password("x", "argon2-fast"), "argon2")
    assert not passwords.needs_rehash(stored, "argon2")


# ---- one verification whoever fails --------------------------------------------------------


@pytest.mark.parametrize("case", ["unknown", "inactive", "wrong password"])
def test_every_failed_login_performs_one_password_verification(city, verifications, case):
    username, password = "so-xd.officer", "wrong password"
    if case == "unknown":
        username = "nobody.here"
    elif case == "inactive":
        _account(username).active = False
        password = "demo"
    with pytest.raises(accounts.InvalidCredentials):
        accounts.staff_login(username, password)
    assert len(verifications) == 1
    assert verifications[0].startswith("$argon2id$")  # as costly as a real account's


# ---- strength ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-pw1", "password_too_short"),
        ("1234567890", "password_too_common"),
        ("Password123", "password_too_common"),
        ("aaaaaaaaaaaa", "password_too_common"),
        ("SO-XD.officer", "password_is_username"),
    ],
)
def test_a_weak_new_password_is_refused(city, password, code):
    officer = _account("so-xd.officer")
    old, version = officer.password_hash, officer.token_version
    with pytest.raises(ValidationFailed) as refused:
        accounts.set_staff_password(officer, password, utcnow())
    assert refused.value.code == code and refused.value.status == 422
    assert refused.value.message_vi != refused.value.message_en  # translated
    assert officer.password_hash == old and officer.token_version == version


def test_the_too_short_message_names_the_minimum(city):
    with pytest.raises(accounts.PasswordTooShort) as refused:
        accounts.check_password_strength("abc", "x")
    assert "10" in refused.value.message_en and "10" in refused.value.message_vi


# ---- revocation ----------------------------------------------------------------------------


def test_a_password_change_ends_every_session_and_token(city):
    officer = _account("so-xd.officer")
    staff_sessions.open_session(officer, utcnow(), LIFETIMES)
    staff_sessions.open_session(officer, utcnow(), LIFETIMES)
    version = officer.token_version
    accounts.change_own_password(officer, "demo", GOOD, utcnow())
    assert _live(officer) == 0 and officer.token_version == version + 1
    with pytest.raises(accounts.WrongCurrentPassword):
        accounts.change_own_password(officer, "demo", GOOD + "x", utcnow())


@pytest.mark.parametrize(
    "changes",
    [{"active": False}, {"role": "department_head"}, {"unit": "so-nnmt"}],
    ids=["deactivation", "role", "unit"],
)
def test_an_account_change_ends_every_session_and_token(city, changes):
    officer = _account("so-xd.officer")
    staff_sessions.open_session(officer, utcnow(), LIFETIMES)
    version = officer.token_version
    staff_admin.update_staff(_account("admin"), "so-xd.officer", changes, utcnow())
    assert _live(officer) == 0 and officer.token_version == version + 1


def test_a_new_full_name_ends_nothing(city):
    officer = _account("so-xd.officer")
    staff_sessions.open_session(officer, utcnow(), LIFETIMES)
    version = officer.token_version
    staff_admin.update_staff(
        _account("admin"), "so-xd.officer", {"full_name": "Lê Văn B"}, now=utcnow()
    )
    assert _live(officer) == 1 and officer.token_version == version
    assert officer.full_name == "Lê Văn B"


def test_a_reset_by_an_admin_ends_every_session(city):
    officer = _account("so-xd.officer")
    staff_sessions.open_session(officer, utcnow(), LIFETIMES)
    staff_admin.reset_password(_account("admin"), "so-xd.officer", GOOD, utcnow())
    assert _live(officer) == 0
    assert accounts.staff_login("so-xd.officer", GOOD) is officer
    assert db.session.scalar(select(StaffSession).filter_by(staff_id=officer.id)).revoked_at


# ---- management rules ----------------------------------------------------------------------


def test_department_roles_need_a_unit_and_the_others_none(city):
    admin = _account("admin")
    base = {"username": "new.one", "full_name": "Nguyễn Văn C", "password": GOOD}
    with pytest.raises(staff_admin.UnitRequired):
        staff_admin.create_staff(admin, {**base, "role": "department_officer"}, utcnow())
    with pytest.raises(staff_admin.UnitNotAllowed):
        staff_admin.create_staff(admin, {**base, "role": "moderator", "unit": "so-xd"}, utcnow())
    with pytest.raises(staff_admin.UnknownUnit):
        staff_admin.create_staff(
            admin, {**base, "role": "department_officer", "unit": "nowhere"}, utcnow()
        )
    made = staff_admin.create_staff(
        admin, {**base, "role": "department_officer", "unit": "so-xd"}, utcnow()
    )
    assert made.department.code == "so-xd" and made.password_hash.startswith("$argon2id$")
    with pytest.raises(staff_admin.UsernameTaken):
        staff_admin.create_staff(admin, {**base, "role": "moderator"}, utcnow())
    # Made coordinator, the officer leaves the unit.
    moved = staff_admin.update_staff(admin, "new.one", {"role": "coordinator"}, utcnow())
    assert moved.department is None


def test_the_last_active_admin_stays(city):
    admin = _account("admin")
    with pytest.raises(staff_admin.LastAdmin):
        staff_admin.update_staff(admin, "admin", {"active": False}, utcnow())
    with pytest.raises(staff_admin.LastAdmin):
        staff_admin.update_staff(admin, "admin", {"role": "coordinator"}, utcnow())
    assert admin.active and admin.role == Role.ADMIN
    staff_admin.update_staff(admin, "coordinator", {"role": "admin"}, utcnow())
    staff_admin.update_staff(admin, "admin", {"active": False}, utcnow())  # another remains
    assert not admin.active


def test_only_an_admin_manages_staff(city):
    with pytest.raises(Forbidden):
        staff_admin.list_staff(_account("coordinator"))
    with pytest.raises(Forbidden):
        staff_admin.update_staff(_account("coordinator"), "moderator", {"active": False}, utcnow())


def test_the_list_filters_by_unit_role_and_active(city):
    admin = _account("admin")
    _account("so-xd.officer").active = False
    unit = staff_admin.list_staff(admin, unit="so-xd")
    assert unit and {s.department.code for s in unit} == {"so-xd"}
    heads = staff_admin.list_staff(admin, role="department_head", active=True)
    assert heads and all(s.role == "department_head" and s.active for s in heads)
    inactive = staff_admin.list_staff(admin, active=False)
    assert [s.username for s in inactive] == ["so-xd.officer"]
