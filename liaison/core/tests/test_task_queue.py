"""The one task API: huey runs tasks in-process when there is no Redis, and through a Redis
queue that `manage.py run_huey` workers drain when REDIS_URL is set."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

REDIS_URL = os.environ.get("LIAISON_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Redis at {REDIS_URL}")
        pytest.skip(f"no Redis at {REDIS_URL}")


def _settings_in_subprocess(**env) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "LIAISON_TASKS"))}
    code = "import django; django.setup(); from huey.contrib.djhuey import HUEY; print(type(HUEY).__name__, HUEY.immediate)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_without_redis_tasks_run_in_the_web_process():
    assert _settings_in_subprocess() == "MemoryHuey True"


def test_with_redis_tasks_go_to_a_queue_for_workers():
    assert _settings_in_subprocess(REDIS_URL=REDIS_URL) == "RedisHuey False"


def test_a_task_queued_in_redis_is_run_by_a_worker():
    _redis_or_skip()
    from huey import RedisHuey

    huey = RedisHuey(name=f"liaison-test-{uuid.uuid4().hex[:8]}", url=REDIS_URL, results=True)

    @huey.task()
    def add(a, b):
        return a + b

    try:
        result = add(2, 3)
        assert huey.pending_count() == 1  # queued, not run: a worker's job
        task = huey.dequeue()
        huey.execute(task)  # what a `run_huey` worker does with each task
        assert result.get() == 5
        assert huey.pending_count() == 0
    finally:
        huey.storage.flush_all()
