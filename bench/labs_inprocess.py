"""In-process cost of one heartbeat and of the floor, through Django's WSGI handler as gunicorn
calls it (no HTTP, no load generator on the same cores): the mean wall time and CPU time of the
Python process per request. Run after `python -m bench.run foundation labs`, on the database
and Redis that run used, so the lab agents' tokens exist:

    BENCH_DB=liaison_bench BENCH_REDIS_URL=redis://127.0.0.1:6379/15 python -m bench.labs_inprocess [requests]

The agents' limit of 600 requests a minute is lifted in this process (the count is still
taken on every request). `--profile` prints pyinstrument's tree of the heartbeat requests instead."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import time
import uuid

from bench.harness import BENCH_REDIS_URL, HOST, PG_ADMIN_URL
from bench.prepare_labs import LABS_TOKEN_FILE


def _environ(method: str, path: str, body: bytes, headers: dict[str, str]) -> dict:
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": HOST, "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": HOST, "HTTP_HOST": HOST, "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0), "CONTENT_LENGTH": str(len(body)),
    }  # fmt: skip
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def main(argv: list[str]) -> None:
    requests = int(next((a for a in argv if a.isdigit()), "1500"))
    os.environ.update({
        "DATABASE_URL": f"{PG_ADMIN_URL}/{os.environ.get('BENCH_DB', 'liaison_bench')}", "REDIS_URL": BENCH_REDIS_URL,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz", "DJANGO_DEBUG": "0",
        "LIAISON_HTTPS": "0", "DJANGO_ALLOWED_HOSTS": HOST, "LIAISON_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    })  # fmt: skip
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from liaison.labs import services

    services.AGENT_REQUESTS_PER_MINUTE = 10**9  # still counted on every request, never refused here
    agent = json.loads(LABS_TOKEN_FILE.read_text())[0]
    headers = {"Authorization": f"Bearer {agent['token']}", "Content-Type": "application/json"}

    def heartbeat(i: int) -> tuple:
        event = {"id": str(uuid.uuid4()), "kind": "heartbeat", "workstation": agent["tags"][i % len(agent["tags"])],
                 "at": dt.datetime.now(dt.UTC).isoformat()}  # fmt: skip
        return "POST", "/api/v1/labs/agent/events", json.dumps({"events": [event]}).encode(), headers

    def floor(i: int) -> tuple:
        return "GET", "/healthz", b"", {}

    def call(method: str, path: str, body: bytes, request_headers: dict) -> str:
        answer: list[str] = []
        chunks = application(_environ(method, path, body, request_headers), lambda s, h, e=None: answer.append(s))
        b"".join(chunks)
        chunks.close()
        return answer[0]

    def measure(make) -> tuple[float, float]:
        for i in range(50):  # warm: connections, the token and the lab known
            status = call(*make(i))
            assert status.startswith("200"), status
        calls = [make(i) for i in range(requests)]
        wall, cpu = time.perf_counter(), time.process_time()
        for request in calls:
            call(*request)
        return (time.perf_counter() - wall) / requests * 1000, (time.process_time() - cpu) / requests * 1000

    if "--cprofile" in argv:  # deterministic, for CPU shares by function
        import cProfile
        import pstats

        measure(heartbeat)
        profile = cProfile.Profile()
        profile.runcall(measure, heartbeat if "--floor" not in argv else floor)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
        return
    if "--profile" in argv:
        from pyinstrument import Profiler

        measure(heartbeat)
        profiler = Profiler(interval=0.0001)
        with profiler:
            measure(heartbeat)
        print(profiler.output_text(unicode=True, color=False, show_all="--all" in argv))
        return
    load = os.getloadavg()[0]
    for name, make in (("floor", floor), ("heartbeat", heartbeat), ("floor", floor), ("heartbeat", heartbeat)):
        wall, cpu = measure(make)
        print(f"{name:10} wall {wall:.3f} ms   cpu {cpu:.3f} ms   ({requests} requests)", flush=True)
    print(f"load average (1 min) {load:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main(sys.argv[1:])
