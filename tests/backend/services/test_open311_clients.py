"""Open311 API keys (backend.services.open311_clients): a key is shown once and only its
hash is kept; a revoked, wrong or missing key finds nothing; administrators only, a
province's administrator in their province; issuing and revoking are on the audit log."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from backend.db import commit, db, utcnow
from backend.domain.roles import Role
from backend.errors import Forbidden, ValidationFailed
from backend.models import AuditEntry, Open311Client, StaffUser
from backend.models.audit import AuditAction
from backend.services import open311_clients, policy
from backend.services.open311_clients import Open311ClientNotFound, UnknownProvince
from tests.backend.services.two_provinces import staff as province_staff
from tests.backend.services.two_provinces import two_provinces


def _staff(username: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).filter_by(username=username))


def _entries(action: AuditAction) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_an_issued_key_finds_its_client_and_only_its_hash_is_stored(city):
    admin, now = _staff("national.admin"), utcnow()
    client, raw = open311_clients.issue(admin, "  Cổng DVC quốc gia ", now, contact="dvc@gov.vn")
    commit()
    assert raw.startswith("o311_") and len(raw) >= 5 + 43
    assert client.name == "Cổng DVC quốc gia" and client.contact == "dvc@gov.vn"
    assert client.key_prefix == raw[:12] and client.province is None
    assert client.created_by_id == admin.id and client.created_at == now
    assert open311_clients.by_key(raw).id == client.id
    stored = db.session.execute(
        text("SELECT key_prefix, key_hash FROM open311_clients WHERE id = :id"), {"id": client.id}
    ).one()
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    row = " ".join(
        str(v)
        for v in db.session.execute(
            text("SELECT * FROM open311_clients WHERE id = :id"), {"id": client.id}
        ).one()
    )
    assert raw not in row and raw[12:] not in row


def test_two_keys_differ(city):
    admin = _staff("national.admin")
    _, one = open311_clients.issue(admin, "App A", utcnow())
    _, two = open311_clients.issue(admin, "App B", utcnow())
    assert one != two


@pytest.mark.parametrize("raw", [None, "", "o311_", "o311_not-a-key", "x" * 5000, 42])
def test_a_wrong_or_missing_key_finds_nothing(city, raw):
    open311_clients.issue(_staff("national.admin"), "App", utcnow())
    assert open311_clients.by_key(raw) is None


def test_a_key_differing_by_one_character_finds_nothing(city):
    _, raw = open311_clients.issue(_staff("national.admin"), "App", utcnow())
    flipped = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert open311_clients.by_key(flipped) is None
    assert open311_clients.by_key(raw.upper() if raw.upper() != raw else raw + "x") is None


def test_a_revoked_key_finds_nothing_and_revoking_twice_keeps_the_first(city):
    admin, now = _staff("national.admin"), utcnow()
    client, raw = open311_clients.issue(admin, "App", now)
    commit()
    revoked = open311_clients.revoke(admin, client.id, now + timedelta(hours=1))
    commit()
    assert revoked.revoked_at == now + timedelta(hours=1) and revoked.revoked_by_id == admin.id
    assert open311_clients.by_key(raw) is None
    again = open311_clients.revoke(admin, client.id, now + timedelta(hours=2))
    assert again.revoked_at == now + timedelta(hours=1)
    assert len(_entries(AuditAction.OPEN311_KEY_REVOKED)) == 1


def test_an_unknown_id_is_not_found(city):
    with pytest.raises(Open311ClientNotFound) as caught:
        open311_clients.revoke(_staff("national.admin"), 987654, utcnow())
    assert caught.value.status == 404 and caught.value.code == "open311_client_not_found"


@pytest.mark.parametrize(
    ("name", "contact", "fields"),
    [
        ("", None, {"name"}),
        ("   ", None, {"name"}),
        ("x" * 201, None, {"name"}),
        ("App", "c" * 501, {"contact"}),
        ("", "c" * 501, {"name", "contact"}),
    ],
)
def test_the_name_and_contact_are_checked(city, name, contact, fields):
    with pytest.raises(ValidationFailed) as caught:
        open311_clients.issue(_staff("national.admin"), name, utcnow(), contact=contact)
    assert set(caught.value.fields) == fields
    assert db.session.scalar(select(Open311Client)) is None


def test_a_name_of_200_characters_is_kept(city):
    client, _ = open311_clients.issue(_staff("national.admin"), "ổ" * 200, utcnow())
    assert client.name == "ổ" * 200


def test_a_key_limited_to_a_hosted_province(city):
    both = two_provinces()
    admin = _staff("national.admin")
    by_slug, _ = open311_clients.issue(admin, "App", utcnow(), province="vinh-long")
    by_code, _ = open311_clients.issue(admin, "App", utcnow(), province=both.can_tho.code)
    assert by_slug.province_id == both.vinh_long.id and by_code.province_id == both.can_tho.id
    for ref in ("atlantis", "01" * 40):
        with pytest.raises(UnknownProvince) as caught:
            open311_clients.issue(admin, "App", utcnow(), province=ref)
        assert caught.value.code == "unknown_province" and "province" in caught.value.fields


def test_a_province_not_hosted_is_refused(city):
    both = two_provinces()
    both.vinh_long.hosted = False
    commit()
    with pytest.raises(UnknownProvince):
        open311_clients.issue(_staff("national.admin"), "App", utcnow(), province="vinh-long")


@pytest.mark.parametrize("username", ["coordinator", "moderator", "so-xd.head", "so-xd.officer"])
def test_only_administrators_manage_keys(city, username):
    other = _staff(username)
    assert not policy.may_manage_open311_keys(other)
    client, _ = open311_clients.issue(_staff("national.admin"), "App", utcnow())
    for call in (
        lambda: open311_clients.issue(other, "App", utcnow()),
        lambda: open311_clients.revoke(other, client.id, utcnow()),
        lambda: open311_clients.listing(other),
    ):
        with pytest.raises(Forbidden):
            call()
    assert client.revoked_at is None


def test_a_deactivated_administrator_manages_nothing(city):
    admin = _staff("national.admin")
    assert policy.may_manage_open311_keys(admin)
    admin.active = False
    assert not policy.may_manage_open311_keys(admin)
    with pytest.raises(Forbidden):
        open311_clients.issue(admin, "App", utcnow())


def test_a_province_administrator_manages_their_province_keys_only(city):
    both = two_provinces()
    national = _staff("national.admin")
    vl_admin = province_staff("vl.admin", Role.ADMIN, both.vinh_long)
    everywhere, _ = open311_clients.issue(national, "National app", utcnow())
    can_tho, _ = open311_clients.issue(national, "Cần Thơ app", utcnow(), province="can-tho")
    own, _ = open311_clients.issue(vl_admin, "Vĩnh Long app", utcnow())
    assert own.province_id == both.vinh_long.id  # their province without naming it
    with pytest.raises(Forbidden):
        open311_clients.issue(vl_admin, "App", utcnow(), province="can-tho")
    assert [c.id for c in open311_clients.listing(vl_admin)] == [own.id]
    assert {c.id for c in open311_clients.listing(national)} == {everywhere.id, can_tho.id, own.id}
    for other in (everywhere, can_tho):
        with pytest.raises(Open311ClientNotFound):
            open311_clients.revoke(vl_admin, other.id, utcnow())
        assert other.revoked_at is None
    assert open311_clients.revoke(vl_admin, own.id, utcnow()).revoked_at is not None
    assert open311_clients.revoke(national, can_tho.id, utcnow()).revoked_at is not None


def test_issuing_and_revoking_are_audited_without_the_key(city):
    admin, now = _staff("national.admin"), utcnow()
    client, raw = open311_clients.issue(admin, "App", now)
    open311_clients.revoke(admin, client.id, now)
    commit()
    (issued,) = _entries(AuditAction.OPEN311_KEY_ISSUED)
    (revoked,) = _entries(AuditAction.OPEN311_KEY_REVOKED)
    for entry in (issued, revoked):
        assert entry.staff_id == admin.id
        assert entry.detail == {
            "client": client.id,
            "name": "App",
            "prefix": client.key_prefix,
            "province": None,
        }
        assert raw not in str(entry.detail) and client.key_hash not in str(entry.detail)


def test_the_command_line_issues_without_an_actor_and_without_an_entry(city):
    client, _ = open311_clients.issue(None, "App", utcnow())
    open311_clients.revoke(None, client.id, utcnow())
    commit()
    assert client.created_by_id is None and client.revoked_by_id is None
    assert _entries(AuditAction.OPEN311_KEY_ISSUED) == []
    assert client in open311_clients.listing()


def test_touch_writes_at_most_once_a_minute(city):
    client, _ = open311_clients.issue(_staff("national.admin"), "App", utcnow())
    start = utcnow()
    open311_clients.touch(client, start)
    assert client.last_used_at == start
    open311_clients.touch(client, start + timedelta(seconds=59))
    assert client.last_used_at == start
    open311_clients.touch(client, start + timedelta(seconds=60))
    assert client.last_used_at == start + timedelta(seconds=60)


def test_the_listing_is_newest_first_with_revoked_keys(city):
    admin, now = _staff("national.admin"), utcnow()
    old, _ = open311_clients.issue(admin, "Old", now - timedelta(days=2))
    open311_clients.issue(admin, "New", now)
    open311_clients.revoke(admin, old.id, now)
    assert [c.name for c in open311_clients.listing(admin)] == ["New", "Old"]
