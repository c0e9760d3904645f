"""Django's Redis cache, keeping one client per connection pool, plus the few raw operations
the hottest request (a lab agent's heartbeat, ADR 0060) needs.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` around the pool on every
cache call. Building one costs about 0.1 ms on the bench machine, close to the round trip
itself, and a request that reads a token, counts a rate limit and writes a heartbeat paid it
three times (ADR 0060). A client only holds its pool and its settings, and Django already keeps
one backend instance per thread, so one client per pool is enough. Everything else is Django's.

`shared()` is the default cache when it is this backend (one Redis that every worker shares),
else None. Its raw side (`raw_get`, `raw_set`, `script`) works on the very bytes Django's
cache stores, under the very keys it makes: what one writes, the other reads."""

from __future__ import annotations

import os
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        django_client: Any = self  # Django's private members, which its type stubs do not declare
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django_client._get_connection_pool(write)
            client = self._clients[index] = django_client._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self):
        backend: Any = self
        return ReusingRedisCacheClient(backend._servers, **backend._options)

    @cached_property
    def _scripts(self) -> dict[str, Any]:
        return {}

    def raw_key(self, key: str) -> str:
        """The key as stored in Redis (prefix and version added, as every cache call does)."""
        return self.make_and_validate_key(key)

    def primary(self) -> Any:
        """The `redis.Redis` client of the server that takes writes (the first one)."""
        return self._cache.get_client(write=True)

    def dumps(self, value: Any) -> bytes | int:
        """The bytes `cache.set` would store for `value` (Django's serializer: ints plain, the rest pickled)."""
        client: Any = self._cache
        return client._serializer.dumps(value)

    def loads(self, raw: bytes) -> Any:
        client: Any = self._cache
        return client._serializer.loads(raw)

    def raw_get(self, key: str) -> bytes | None:
        """The stored bytes for `key`, unread: a caller may compare them later (a script can)."""
        return self._cache.get_client(key).get(self.raw_key(key))

    def raw_set(self, key: str, raw: bytes | int, timeout: int) -> None:
        """`cache.set(key, value, timeout)` for a value already serialized with `dumps`."""
        self.primary().set(self.raw_key(key), raw, ex=self.get_backend_timeout(timeout))

    def script(self, source: str) -> Any:
        """A Lua script registered with the primary (redis-py's `register_script`): calling it
        sends EVALSHA, and loads the script first if the server does not know it yet."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.primary().register_script(source)
        return script

    def run_script(self, source: str, keys: list[str], args: list[Any]) -> Any:
        """`script(source)(keys=keys, args=args)` in one round trip, with less of redis-py in the
        way: the EVALSHA is packed by redis-py's own packer and sent on a connection this
        backend keeps to the primary (one per thread and process, as backends are), skipping
        the per-call pool and retry layers (ADR 0060).
        A broken connection or a server that does not know the script yet falls back to
        redis-py's own call, which reconnects, retries and loads the script; any other error
        is raised as redis-py raises it."""
        import redis

        script = self.script(source)
        connection = self._script_connection()
        try:
            connection.send_packed_command(
                connection.pack_command("EVALSHA", script.sha, len(keys), *keys, *args), check_health=False
            )
            return connection.read_response()
        except (redis.exceptions.NoScriptError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            return script(keys=keys, args=args, client=self.primary())

    def _script_connection(self) -> Any:
        held = self.__dict__.get("_held_connection")
        if held is None or held[0] != os.getpid():  # never a connection inherited across a fork
            pool = self.primary().connection_pool
            held = self.__dict__["_held_connection"] = (os.getpid(), pool.make_connection())
        return held[1]


def shared() -> RedisCache | None:
    """The default cache if it is this Redis backend (shared by every worker), else None."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None
