"""What a lab's agent needs on every heartbeat, kept in the shared cache (ADR 0060): the agent
account's lab and that lab's in-service workstations by tag, plus this minute's request count.

`read` fetches the entry, the workstations' generation and the rate-limit count in one cache
round trip (one Redis pipeline where the cache is Redis). An entry is trusted only if it was
built in the current generation; `forget` moves the generation on after commit whenever an
asset or an agent account is saved or deleted (signals.py, so the admin's saves count too),
so a retagged, moved, retired or new workstation is seen on the agent's next request. The
entry also expires after ENTRY_SECONDS as a backstop.

Only where the cache is shared (Redis): a per-process cache could not be cleared by the other
workers (the same rule as the API token cache, ADR 0010).

Each process also keeps the entries it read (`recall`), with the generation they were built
in. They are trusted only through `heartbeats_store`: one Redis script that checks the agent's
token (its cached entry unchanged, `core.api_access.TokenClaim`), checks that the generation is
still the entry's, counts the minute's request and writes the beats, all in one round trip. If
the token or the generation fails, it writes and counts nothing, and the caller takes the
ordinary path. A remembered entry is also dropped after ENTRY_SECONDS, as the shared one is."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from liaison.core import redis_cache

GENERATION_KEY = "labs:agentlab:generation"
ENTRY_SECONDS = 120


@dataclass(frozen=True)
class AgentLab:
    """An agent account's lab: its room and its in-service workstations (tag → asset id)."""

    room_id: int
    workstations: dict[str, int]


def _entry_key(user_id: int) -> str:
    return f"labs:agentlab:v1:{user_id}"  # plain values (no class is pickled): a deploy cannot break them


def _redis_backend() -> RedisCache | None:
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None


def read(*, user_id: int, rate_key: str, rate_seconds: int) -> tuple[AgentLab | None, int, int]:
    """The agent's cached lab (None if not cached or stale), the generation it was read in (to
    store a rebuilt entry with), and this request's number in the rate window `rate_key`
    (counted here: one more each call). One round trip with Redis."""
    backend = _redis_backend()
    entry_key = _entry_key(user_id)
    if backend is not None:
        keys = [backend.make_and_validate_key(k) for k in (entry_key, GENERATION_KEY, rate_key)]
        django_client: Any = backend._cache  # its client and serializer: private, undeclared in the stubs
        client = django_client.get_client(keys[0], write=True)
        pipe = client.pipeline(transaction=False)  # Django's cache API has no pipeline
        pipe.get(keys[0])
        pipe.get(keys[1])
        pipe.incr(keys[2])
        pipe.expire(keys[2], rate_seconds)
        raw_entry, raw_generation, count, _ = pipe.execute()
        serializer = django_client._serializer
        entry = serializer.loads(raw_entry) if raw_entry is not None else None
        generation = serializer.loads(raw_generation) if raw_generation is not None else 0
    else:
        found = cache.get_many([entry_key, GENERATION_KEY])
        entry, generation = found.get(entry_key), found.get(GENERATION_KEY, 0)
        cache.add(rate_key, 0, timeout=rate_seconds)
        try:
            count = cache.incr(rate_key)
        except ValueError:  # expired between add and incr
            cache.set(rate_key, 1, timeout=rate_seconds)
            count = 1
    if entry is None or entry[0] != generation:
        return None, generation, int(count)
    lab = AgentLab(room_id=entry[1], workstations=entry[2])
    _remember(user_id, generation, lab)  # kept only where the script can check it (Redis)
    return lab, generation, int(count)


def store(*, user_id: int, built_in: int, lab: AgentLab) -> None:
    """Keep `lab`, built from rows read after `built_in` (the generation `read` returned) was
    read: if anything changed since, the generation has moved on and the entry is never used."""
    cache.set(_entry_key(user_id), (built_in, lab.room_id, lab.workstations), ENTRY_SECONDS)
    _remember(user_id, built_in, lab)


# --- This process's copies, checked by the script below. -------------------------------------

_MEMORY_LIMIT = 10_000  # agents per process; past it the memory starts again
# (the cache's key prefix, user id) → (kept until, generation, lab)
_memory: dict[tuple[str, int], tuple[float, int, AgentLab]] = {}


def _remember(user_id: int, generation: int, lab: AgentLab) -> None:
    shared = redis_cache.shared()
    if shared is None:
        return
    if len(_memory) >= _MEMORY_LIMIT:
        _memory.clear()
    _memory[(shared.key_prefix, user_id)] = (time.monotonic() + ENTRY_SECONDS, generation, lab)


def recall(user_id: int) -> tuple[int, AgentLab] | None:
    """The agent's lab as this process last read it and the generation it was built in, to be
    trusted only if `heartbeats_store` finds that generation still current. No round trip.
    Only with Redis (`redis_cache.shared()`), where the script runs."""
    shared = redis_cache.shared()
    found = _memory.get((shared.key_prefix, user_id)) if shared is not None else None
    if found is None or found[0] < time.monotonic():
        return None
    return found[1], found[2]


# KEYS: the token's cached entry, the generation, the minute's count, then one key per beat.
# ARGV: the token entry's bytes, the generation, the count's lifetime, the limit, the beats'
#       lifetime, then one value per beat. Answers {0, count} stored; {1, 0} the token's entry
#       changed or went; {2, 0} the generation moved on; {3, count} over the limit, nothing stored.
_HEARTBEATS_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {1, 0} end
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then return {2, 0} end
local count = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
if count > tonumber(ARGV[4]) then return {3, count} end
for i = 4, #KEYS do
  redis.call('SET', KEYS[i], ARGV[i + 2], 'EX', ARGV[5])
end
return {0, count}
"""
STORED, TOKEN_CHANGED, GENERATION_MOVED, OVER_LIMIT = 0, 1, 2, 3


def heartbeats_store(*, token_key: str, token_cached: bytes, generation: int, rate_key: str, rate_seconds: int,
                     limit: int, beats: dict[str, Any], beat_seconds: int) -> int:  # fmt: skip
    """Confirm the token, check the generation, count the request and store `beats` (cache
    key → value, as `cache.set_many` would store them) in one Redis round trip; returns STORED,
    TOKEN_CHANGED, GENERATION_MOVED or OVER_LIMIT. `token_key` is the raw Redis key of the token's
    cached entry. Only with Redis (`redis_cache.shared()`)."""
    shared = redis_cache.shared()
    if shared is None:
        raise RuntimeError("heartbeats_store needs the Redis cache")
    keys = [token_key, shared.raw_key(GENERATION_KEY), shared.raw_key(rate_key)]
    args: list[Any] = [token_cached, str(generation), rate_seconds, limit, beat_seconds]
    for key, value in beats.items():
        keys.append(shared.raw_key(key))
        args.append(shared.dumps(value))
    outcome, _count = shared.run_script(_HEARTBEATS_SCRIPT, keys, args)
    return int(outcome)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def forget() -> None:
    """Every agent's entry is stale: now, and again once the change commits (a request that
    read the old rows before the commit cannot keep them)."""
    _bump()
    transaction.on_commit(_bump)
