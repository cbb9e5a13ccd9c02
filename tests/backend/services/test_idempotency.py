"""The idempotency store: claim, replay, refuse, take over, expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend.db import commit, db
from backend.models import IdempotencyKey
from backend.services import idempotency
from backend.services.idempotency import Claim, Replay
from tests import factories

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
KEY = idempotency.explicit_key("k-1")


@pytest.fixture
def alice(city):
    return factories.new_resident("idem-alice", "+84901000001")


@pytest.fixture
def binh(city):
    return factories.new_resident("idem-binh", "+84901000002")


def _fp(body: bytes = b"{}") -> str:
    return idempotency.fingerprint("POST", "/mobile/v1/reports/X/follow", [("body", body)])


def _done(resident, key=KEY, at=NOW, body: bytes = b"{}") -> Claim:
    claim = idempotency.claim(resident, key, _fp(body), at)
    assert isinstance(claim, Claim)
    commit()
    idempotency.complete(claim, 201, '{"code":"CT-1"}\n', at)
    commit()
    return claim


@pytest.mark.parametrize("raw", ["a", "~" * 128, "550e8400-e29b-41d4-a716-446655440000", "a b"])
def test_printable_ascii_keys_of_1_to_128_characters_are_accepted(raw):
    assert idempotency.explicit_key(raw) == "key:" + raw


@pytest.mark.parametrize("raw", ["", "x" * 129, "khóa", "tab\t", "\x7f", "line\n"])
def test_other_keys_are_refused(raw):
    with pytest.raises(idempotency.InvalidIdempotencyKey):
        idempotency.explicit_key(raw)


def test_the_fingerprint_tells_method_path_and_body_apart():
    base = idempotency.fingerprint("POST", "/a", [("body", b"x")])
    assert base == idempotency.fingerprint("post", "/a", [("body", b"x")])
    assert base != idempotency.fingerprint("PUT", "/a", [("body", b"x")])
    assert base != idempotency.fingerprint("POST", "/b", [("body", b"x")])
    assert base != idempotency.fingerprint("POST", "/a", [("body", b"y")])
    # Parts are length-prefixed: moving a byte from one part to the next changes it.
    assert idempotency.fingerprint("POST", "/a", [("a", b"bc")]) != idempotency.fingerprint(
        "POST", "/a", [("ab", b"c")]
    )


def test_a_completed_key_replays_its_answer(alice):
    _done(alice)
    again = idempotency.claim(alice, KEY, _fp(), NOW + timedelta(hours=23))
    assert again == Replay(201, '{"code":"CT-1"}\n')


def test_a_running_claim_is_in_progress_until_its_lease_ends(alice):
    first = idempotency.claim(alice, KEY, _fp(), NOW)
    commit()
    with pytest.raises(idempotency.IdempotencyInProgress):
        idempotency.claim(alice, KEY, _fp(), NOW + timedelta(seconds=5))
    db.session.rollback()
    # Its worker died: the next request takes the key over; the dead one's answer is refused.
    taken = idempotency.claim(alice, KEY, _fp(), NOW + idempotency.LEASE)
    assert isinstance(taken, Claim) and taken.token != first.token
    commit()
    with pytest.raises(idempotency.ClaimLost):
        idempotency.complete(first, 201, "{}", NOW + idempotency.LEASE)


def test_the_key_with_another_body_is_reused(alice):
    _done(alice)
    with pytest.raises(idempotency.IdempotencyKeyReused):
        idempotency.claim(alice, KEY, _fp(b'{"other": 1}'), NOW)


def test_keys_are_per_resident(alice, binh):
    _done(alice)
    assert isinstance(idempotency.claim(binh, KEY, _fp(), NOW), Claim)


def test_a_key_expires_after_a_day_and_may_be_used_again(alice):
    _done(alice)
    later = NOW + idempotency.KEY_TTL
    assert isinstance(idempotency.claim(alice, KEY, _fp(b"new"), later), Claim)


def test_a_released_claim_frees_the_key(alice):
    claim = idempotency.claim(alice, KEY, _fp(), NOW)
    commit()
    idempotency.release(claim)
    commit()
    assert isinstance(idempotency.claim(alice, KEY, _fp(b"corrected"), NOW), Claim)


def test_purge_deletes_only_expired_keys(alice):
    _done(alice, key=idempotency.explicit_key("old"), at=NOW - timedelta(hours=25))
    _done(alice, key=idempotency.explicit_key("new"), at=NOW)
    assert idempotency.purge_expired(NOW) == 1
    commit()
    keys = db.session.scalars(select(IdempotencyKey.key)).all()
    assert keys == [idempotency.explicit_key("new")]
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_the_periodic_job_purges_expired_keys(alice):
    from backend import tasks

    _done(alice, at=NOW - timedelta(days=2))
    assert tasks.purge_idempotency_keys(NOW) == 1
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
