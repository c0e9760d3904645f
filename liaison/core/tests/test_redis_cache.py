"""The Redis cache backend (core/redis_cache.py): Django's, keeping one client per pool."""

import os
import uuid

import pytest

REDIS_URL = os.environ.get("LIAISON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_backend():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Redis at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    from liaison.core.redis_cache import RedisCache

    prefix = f"core-test-{uuid.uuid4().hex[:8]}"
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    yield backend
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):  # only this test's keys: the database may be shared
        client.delete(key)


def test_the_cache_works_as_djangos_and_builds_one_client(redis_backend):
    redis_backend.set("a", {"x": 1}, 30)
    assert redis_backend.add("n", 0, 30) and not redis_backend.add("n", 5, 30)
    assert redis_backend.incr("n") == 1 and redis_backend.get_many(["a", "n", "missing"]) == {"a": {"x": 1}, "n": 1}
    redis_backend.delete_many(["a", "n"])
    assert redis_backend.get("a") is None and redis_backend.get("n", "gone") == "gone"
    client = redis_backend._cache.get_client("a")
    assert redis_backend._cache.get_client("b", write=True) is client  # one server: one pool, one client


def test_a_script_runs_in_one_round_trip_and_survives_a_new_server_and_a_dead_connection(redis_backend):
    source = (
        f"-- {uuid.uuid4().hex} (a script this server has never seen)\nreturn {{redis.call('INCR', KEYS[1]), ARGV[1]}}"
    )
    key = redis_backend.raw_key("counted")
    assert redis_backend.run_script(source, [key], [b"\x00bytes"]) == [1, b"\x00bytes"]  # loaded, then run
    assert redis_backend.run_script(source, [key], ["text"]) == [2, b"text"]
    redis_backend._script_connection()._sock.close()  # the server went away under the held connection
    assert redis_backend.run_script(source, [key], [7]) == [3, b"7"]
    assert redis_backend.get("counted") == 3  # the very key Django's cache reads
