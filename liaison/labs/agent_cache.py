"""What a lab's agent needs on every heartbeat, kept in the shared cache (ADR 0060): the agent
account's lab and that lab's in-service workstations by tag, plus this minute's request count.

`read` fetches the entry, the workstations' generation and the rate-limit count in one cache
round trip (one Redis pipeline where the cache is Redis). An entry is trusted only if it was
built in the current generation; `forget` moves the generation on after commit whenever an
asset or an agent account is saved or deleted (signals.py, so the admin's saves count too),
so a retagged, moved, retired or new workstation is seen on the agent's next request. The
entry also expires after ENTRY_SECONDS as a backstop.

Only where the cache is shared (Redis): a per-process cache could not be cleared by the other
workers (the same rule as the API token cache, ADR 0010)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

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
    return AgentLab(room_id=entry[1], workstations=entry[2]), generation, int(count)


def store(*, user_id: int, built_in: int, lab: AgentLab) -> None:
    """Keep `lab`, built from rows read after `built_in` (the generation `read` returned) was
    read: if anything changed since, the generation has moved on and the entry is never used."""
    cache.set(_entry_key(user_id), (built_in, lab.room_id, lab.workstations), ENTRY_SECONDS)


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
