"""Where the public response cache keeps answers and generations (:mod:`backend.cache`):
Redis (shared by every process) or a bounded in-process LRU (the embedded default).

One *slot* per cacheable request (endpoint, path, arguments, language) holds the latest
answer built for it and the *version* it was built under: the time bucket and the tokens of
the generations it depends on (``"<bucket>|<token>,<token>"``). A lookup is one step (in
Redis one round trip: a script evaluated server-side): read the generations (a missing one
gets the caller's new token), compare with the slot's version, and answer

- ``FRESH``: the slot's answer is this version's;
- ``STALE``: the slot holds the previous time bucket's answer under the same generations and
  another request is rebuilding it (a short lock, ``SET NX PX``): serve that one;
- ``BUILD``: as ``STALE``, but this request took the lock: build, then :meth:`keep`
  (which releases it) or :meth:`release`;
- ``MISS``: nothing usable (never stale across a changed generation: a change is seen at
  once); :meth:`claim` takes the same lock, so that one request builds it while others
  wait (the figures: :func:`backend.api.caching._one_builder`).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from enum import IntEnum
from typing import NamedTuple, Protocol

#: The longest a rebuild holds a slot's lock: past it (the builder died, or is that slow)
#: the next request rebuilds, and until then the previous answer is served. The app's
#: stores hold it longer when a request may (``backend.cache.store``: the time budget):
#: a country's figures take longer than 10 s to count on a cold database.
REBUILD_LOCK_MS = 10_000


class State(IntEnum):
    MISS = 0
    FRESH = 1
    STALE = 2
    BUILD = 3


class Found(NamedTuple):
    state: State
    version: str  # the answer's version (STALE: the stale one's; else the current one)
    body: bytes | None  # FRESH or STALE


def previous(version: str) -> str:
    """The version of the same generations one time bucket earlier."""
    bucket, _, tokens = version.partition("|")
    return f"{int(bucket) - 1}|{tokens}"


class Store(Protocol):
    lock_ms: int

    def lookup(self, slot: str, names: list[str], bucket: int, stale: bool) -> Found: ...
    def keep(self, slot: str, version: str, value: bytes, ttl: int) -> None: ...
    def claim(self, slot: str) -> bool: ...
    def release(self, slot: str) -> None: ...
    def generations(self, names: list[str]) -> list[str]: ...
    def replace(self, names: Iterable[str]) -> None: ...


class MemoryStore:
    """A bounded LRU of slots, the rebuild locks and a dict of generations, for one process."""

    def __init__(self, entries: int, lock_ms: int = REBUILD_LOCK_MS):
        self.entries, self.lock_ms = entries, lock_ms
        self._slots: OrderedDict[str, tuple[float, str, bytes]] = OrderedDict()
        self._locks: dict[str, float] = {}
        self._generations: dict[str, str] = {}
        self._lock = threading.Lock()

    def _tokens(self, names: list[str]) -> list[str]:
        return [self._generations.setdefault(n, secrets.token_hex(8)) for n in names]

    def lookup(self, slot: str, names: list[str], bucket: int, stale: bool) -> Found:
        now = time.monotonic()
        with self._lock:
            version = f"{bucket}|{','.join(self._tokens(names))}"
            found = self._slots.get(slot)
            if found is not None and found[0] < now:
                del self._slots[slot]
                found = None
            if found is None:
                return Found(State.MISS, version, None)
            self._slots.move_to_end(slot)
            if found[1] == version:
                return Found(State.FRESH, version, found[2])
            if not stale or found[1] != previous(version):
                return Found(State.MISS, version, None)
            if self._locks.get(slot, 0.0) > now:
                return Found(State.STALE, found[1], found[2])
            self._locks[slot] = now + self.lock_ms / 1000
            return Found(State.BUILD, version, None)

    def keep(self, slot: str, version: str, value: bytes, ttl: int) -> None:
        with self._lock:
            self._slots[slot] = (time.monotonic() + ttl, version, value)
            self._slots.move_to_end(slot)
            self._locks.pop(slot, None)
            while len(self._slots) > self.entries:
                dropped, _ = self._slots.popitem(last=False)
                self._locks.pop(dropped, None)

    def claim(self, slot: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._locks.get(slot, 0.0) > now:
                return False
            self._locks[slot] = now + self.lock_ms / 1000
            return True

    def release(self, slot: str) -> None:
        with self._lock:
            self._locks.pop(slot, None)

    def generations(self, names: list[str]) -> list[str]:
        with self._lock:
            return self._tokens(names)

    def replace(self, names: Iterable[str]) -> None:
        with self._lock:
            for name in names:
                self._generations[name] = secrets.token_hex(8)


#: KEYS: the slot, its lock, the generations. ARGV: the time bucket, the generations' TTL,
#: the lock's PX (0: never stale), a new token per generation (set where one is missing).
LOOKUP = """
local tokens = {}
for i = 3, #KEYS do
  local token = redis.call('GET', KEYS[i])
  if not token then
    token = ARGV[i + 1]
    redis.call('SET', KEYS[i], token, 'EX', ARGV[2])
  end
  tokens[#tokens + 1] = token
end
local generations = table.concat(tokens, ',')
local version = ARGV[1] .. '|' .. generations
local stored = redis.call('HGET', KEYS[1], 'v')
if not stored then
  return {0, version}
end
if stored == version then
  return {1, version, redis.call('HGET', KEYS[1], 'b')}
end
if ARGV[3] == '0' or stored ~= (tonumber(ARGV[1]) - 1) .. '|' .. generations then
  return {0, version}
end
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[3]) then
  return {3, version}
end
return {2, stored, redis.call('HGET', KEYS[1], 'b')}
"""


class RedisStore:
    """Slots, locks and generations in Redis, under the configured prefix."""

    #: A generation nobody replaced for this long is dropped (a new token then).
    GENERATION_TTL = 7 * 86400

    def __init__(self, conn, prefix: str, lock_ms: int = REBUILD_LOCK_MS):
        self.conn, self.prefix, self.lock_ms = conn, prefix, lock_ms
        self._lookup = conn.register_script(LOOKUP)

    def lookup(self, slot: str, names: list[str], bucket: int, stale: bool) -> Found:
        keys = [self.prefix + "a:" + slot, self.prefix + "l:" + slot]
        keys += [self.prefix + "g:" + n for n in names]
        args = [bucket, self.GENERATION_TTL, self.lock_ms if stale else 0]
        args += [secrets.token_hex(8) for _ in names]
        state, version, *body = self._lookup(keys=keys, args=args)
        version = version.decode() if isinstance(version, bytes) else str(version)
        return Found(State(int(state)), version, body[0] if body else None)

    def keep(self, slot: str, version: str, value: bytes, ttl: int) -> None:
        pipe = self.conn.pipeline(transaction=True)
        pipe.hset(self.prefix + "a:" + slot, mapping={"v": version, "b": value})
        pipe.expire(self.prefix + "a:" + slot, ttl)
        pipe.delete(self.prefix + "l:" + slot)
        pipe.execute()

    def claim(self, slot: str) -> bool:
        return bool(self.conn.set(self.prefix + "l:" + slot, "1", nx=True, px=self.lock_ms))

    def release(self, slot: str) -> None:
        self.conn.delete(self.prefix + "l:" + slot)

    def generations(self, names: list[str]) -> list[str]:
        keys = [self.prefix + "g:" + n for n in names]
        found = self.conn.mget(keys)
        missing = [i for i, value in enumerate(found) if value is None]
        if missing:
            pipe = self.conn.pipeline()
            for i in missing:
                pipe.set(keys[i], secrets.token_hex(8), nx=True, ex=self.GENERATION_TTL)
            pipe.execute()
            found = self.conn.mget(keys)
        return [v.decode() if isinstance(v, bytes) else str(v) for v in found]

    def replace(self, names: Iterable[str]) -> None:
        pipe = self.conn.pipeline(transaction=False)
        for name in names:
            pipe.set(self.prefix + "g:" + name, secrets.token_hex(8), ex=self.GENERATION_TTL)
        pipe.execute()
