"""A small, bounded benchmark harness: a fresh PostgreSQL database, Liaison under gunicorn
(2 workers on 127.0.0.1), and a load generator that sends a fixed number of requests over
keep-alive connections from a few processes. Figures are printed as `name value unit`.

Only loopback addresses are ever contacted, and every run stops by itself (a request count
and a time cap)."""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
MAX_SECONDS_PER_RUN = 60
DESK_TOKEN_FILE = ROOT / "var" / "bench-desk-token.txt"
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
# BENCH_REUSE_DB=1 measures again on the database a finished run left behind (same name),
# skipping the drop, the data set-up and the vacuum: minutes saved when repeating a run.
REUSE_DB = os.environ.get("BENCH_REUSE_DB") == "1"
# Mail is rendered by the task worker and then dropped: a benchmark has no mail server.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def redis_ready(url: str) -> bool:
    """Whether Redis answers at `url`; empties that database for a clean run."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
        return True
    except Exception:  # any failure means: run without it
        return False


def emit(name: str, value: float, unit: str) -> None:
    print(f"{name} {value:.3f} {unit}" if isinstance(value, float) else f"{name} {value} {unit}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", file=sys.stderr, flush=True)


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    # Around the whole pool, forking and joining included: the clock before 2026-11-30, kept
    # so that a run can show what the change of clock alone moves.
    pool_seconds: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def rps_by_pool_clock(self) -> float:
        return self.requests / self.pool_seconds if self.pool_seconds else 0.0

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


class Server:
    """Liaison on a fresh PostgreSQL database under gunicorn, for the length of a `with`."""

    def __init__(self, db_name: str = "liaison_bench", port: int = 8765, workers: int = 2):
        self.db_name = db_name
        self.port = port
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{PG_ADMIN_URL}/{db_name}",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DJANGO_DEBUG": "0",
            "LIAISON_HTTPS": "0",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "LIAISON_LOG_LEVEL": "WARNING",
            "LIAISON_SIGN_IN_MAX_FAILURES": "1000",
            "DJANGO_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        }
        # The production shape for several workers: PostgreSQL plus a shared Redis cache (a
        # database number of its own, emptied first), and background work (mail) queued in
        # Redis for a task worker that start() runs beside gunicorn, never done in the request.
        self.env.pop("REDIS_URL", None)
        self.worker: subprocess.Popen | None = None
        if redis_ready(BENCH_REDIS_URL):
            self.env.update(
                {"REDIS_URL": BENCH_REDIS_URL, "LIAISON_TASKS_IMMEDIATE": "0", "DJANGO_EMAIL_BACKEND": EMAIL_BACKEND}
            )
        else:
            note(f"no Redis at {BENCH_REDIS_URL}: each worker gets its own cache")

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def manage(self, *args: str, debug: bool = False) -> str:
        env = {**self.env, "DJANGO_DEBUG": "1" if debug else "0"}
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def prepare(self, *steps: str) -> None:
        """Run bench.prepare steps (data set-up) in a Django process against the bench database."""
        if REUSE_DB:
            note(f"BENCH_REUSE_DB=1: {self.db_name} as the last run left it (no set-up)")
            return
        result = subprocess.run(
            [PYTHON, "-m", "bench.prepare", *steps], cwd=ROOT, env={**self.env, "DJANGO_DEBUG": "1"}, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"bench.prepare {steps} failed")
        # Settle the database before measuring: after 100,000 inserts, autovacuum and the
        # checkpointer would otherwise wake up in the middle of a run and take a core.
        note("vacuum, analyze and checkpoint")
        self.psql("VACUUM (ANALYZE)", self.db_name)
        self.psql("CHECKPOINT", self.db_name)

    def psql(self, sql: str, database: str = "postgres") -> None:
        admin = urllib.parse.urlparse(PG_ADMIN_URL)
        command = [
            "psql",
            "-h",
            admin.hostname or HOST,
            "-p",
            str(admin.port or 5432),
            "-U",
            admin.username or "postgres",
        ]
        subprocess.run([*command, "-q", "-c", sql, database], check=True)

    def __enter__(self) -> Server:
        if not REUSE_DB:
            self.psql(f"DROP DATABASE IF EXISTS {self.db_name}")
            self.psql(f"CREATE DATABASE {self.db_name}")
        note(f"migrating {self.db_name}")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        return self

    def start(self) -> None:
        if self.env.get("LIAISON_TASKS_IMMEDIATE") == "0":
            # One task worker (two threads), as a small production install runs it.
            self.worker = subprocess.Popen(
                [PYTHON, "manage.py", "run_huey", "--workers", "2", "--worker-type", "thread"],
                cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        self.process = subprocess.Popen(
            [
                PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"{HOST}:{self.port}",
                "--workers", str(self.workers), "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status, _, _ = request("GET", self.base + "/healthz")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def stop(self) -> None:
        for process in (self.process, self.worker):
            if process:
                process.terminate()
                process.wait(timeout=20)
        self.process = self.worker = None

    def __exit__(self, *exc) -> None:
        self.stop()

    def sign_in(self, username: str, password: str) -> dict[str, str]:
        """Sign in through the real form; returns headers (Cookie, X-CSRFToken) for later requests."""
        status, headers, body = request("GET", self.base + "/accounts/sign-in/")
        cookies = parse_cookies(headers)
        token = body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        form = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
        status, headers, _ = request(
            "POST", self.base + "/accounts/sign-in/", body=form.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(cookies),
                     "Referer": self.base + "/accounts/sign-in/"},
        )  # fmt: skip
        if status != 302:
            raise RuntimeError(f"sign-in as {username} failed with {status}")
        cookies.update(parse_cookies(headers))
        return {"Cookie": cookie_header(cookies), "X-CSRFToken": cookies.get("csrftoken", "")}


def parse_cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    cookies = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def request(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    parts = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body, headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


BodyFactory = Callable[[int, int], bytes]


def _worker(args) -> tuple[list[float], int, float, float]:
    base, method, path, headers, count, worker_index, body_factory, expect = args
    parts = urllib.parse.urlparse(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    latencies: list[float] = []
    errors = 0
    # Bodies are written before the clock starts: building them (ids, times, JSON) is the load
    # generator's work, and on a two-core machine it would take CPU from the server it measures.
    bodies = [body_factory(worker_index, i) for i in range(count)] if body_factory else [None] * count
    deadline = time.monotonic() + MAX_SECONDS_PER_RUN
    started = time.perf_counter()
    for body in bodies:
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            response.read()
            ok = response.status in expect
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            ok = False
        latencies.append((time.perf_counter() - start) * 1000)
        errors += 0 if ok else 1
    finished = time.perf_counter()
    connection.close()
    return latencies, errors, started, finished


def load(
    server: Server,
    path: str,
    *,
    requests: int = 2000,
    concurrency: int = 4,
    method: str = "GET",
    headers: dict | None = None,
    body_factory: BodyFactory | None = None,
    expect: tuple[int, ...] = (200,),
    warmup: int = 50,
) -> LoadResult:
    """Send `requests` requests from `concurrency` processes; bounded by count and time."""
    headers = {"Connection": "keep-alive", **(headers or {})}
    if warmup:
        _worker((server.base, method, path, headers, warmup, 999, body_factory, expect))
    per_worker = max(1, requests // concurrency)
    jobs = [(server.base, method, path, headers, per_worker, w, body_factory, expect) for w in range(concurrency)]
    pool_start = time.perf_counter()
    with mp.get_context("fork").Pool(concurrency) as pool:
        results = pool.map(_worker, jobs)
    pool_seconds = time.perf_counter() - pool_start
    # The rate's clock runs from the first request sent to the last answer read, in any worker
    # (perf_counter is one system-wide monotonic clock on Linux, so forked workers share it).
    # Timing around the pool instead also counted forking and joining the workers: a fixed
    # cost that weighed about 4x more on a 500-request run than on a 2,000-request floor run.
    seconds = max(r[3] for r in results) - min(r[2] for r in results)
    latencies = [ms for lat, *_ in results for ms in lat]
    errors = sum(r[1] for r in results)
    result = LoadResult(len(latencies), errors, seconds, latencies, pool_seconds)
    if errors:
        note(f"{method} {path}: {errors} of {len(latencies)} responses were not {expect}")
    return result


def json_body(payload: dict) -> bytes:
    return json.dumps(payload).encode()
