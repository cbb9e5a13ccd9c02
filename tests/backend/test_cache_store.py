"""The cache's stores (backend.cache_store), in memory and in Redis, answer alike: fresh for
the version kept, the previous bucket's answer to all but one rebuilder, never an answer
across a replaced generation."""

from __future__ import annotations

import uuid

import pytest

from backend.cache_store import MemoryStore, RedisStore, State
from backend.jobs import redis_connection


@pytest.fixture(params=["memory", "redis"])
def store(request, app):
    if request.param == "memory":
        yield MemoryStore(10)
        return
    conn = redis_connection()
    if conn is None:
        pytest.skip("REDIS_URL is not set")
    prefix = f"pa:pc:test-store-{uuid.uuid4().hex}:"
    yield RedisStore(conn, prefix)
    keys = list(conn.scan_iter(prefix + "*"))
    if keys:
        conn.delete(*keys)


NAMES = ["report:1", "epoch"]


def test_a_kept_answer_is_fresh_for_its_version_only(store):
    first = store.lookup("slot", NAMES, 100, True)
    assert first.state == State.MISS and first.body is None
    store.keep("slot", first.version, b"text/html\nbody", 60)
    again = store.lookup("slot", NAMES, 100, True)
    assert again == (State.FRESH, first.version, b"text/html\nbody")
    assert store.lookup("other", NAMES, 100, True).state == State.MISS


def test_the_next_bucket_one_rebuilds_and_the_others_get_the_previous_answer(store):
    old = store.lookup("slot", NAMES, 100, True)
    store.keep("slot", old.version, b"old", 60)
    rebuild = store.lookup("slot", NAMES, 101, True)
    assert rebuild.state == State.BUILD and rebuild.version != old.version
    for _ in range(3):
        assert store.lookup("slot", NAMES, 101, True) == (State.STALE, old.version, b"old")
    store.keep("slot", rebuild.version, b"new", 60)  # releases the lock
    assert store.lookup("slot", NAMES, 101, True) == (State.FRESH, rebuild.version, b"new")


def test_a_released_rebuild_lets_the_next_request_rebuild(store):
    old = store.lookup("slot", NAMES, 100, True)
    store.keep("slot", old.version, b"old", 60)
    assert store.lookup("slot", NAMES, 101, True).state == State.BUILD
    store.release("slot")  # the build failed
    assert store.lookup("slot", NAMES, 101, True).state == State.BUILD


def test_never_stale_across_a_replaced_generation_or_when_told_not_to(store):
    old = store.lookup("slot", NAMES, 100, True)
    store.keep("slot", old.version, b"old", 60)
    assert store.lookup("slot", NAMES, 101, False).state == State.MISS  # stale off
    store.replace(["report:1"])
    assert store.lookup("slot", NAMES, 100, True).state == State.MISS
    assert store.lookup("slot", NAMES, 101, True).state == State.MISS
    assert store.lookup("slot", NAMES, 102, True).state == State.MISS  # two buckets on


def test_generations_are_shared_between_lookups_and_readers(store):
    found = store.lookup("slot", NAMES, 100, True)
    tokens = store.generations(NAMES)
    assert found.version == f"100|{','.join(tokens)}"
    store.replace(["epoch"])
    assert store.generations(NAMES)[0] == tokens[0]
    assert store.generations(NAMES)[1] != tokens[1]
