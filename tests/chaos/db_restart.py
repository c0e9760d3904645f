"""Rel3: a crash-style PostgreSQL restart under a desk write load loses no acknowledged entry.

    .venv/bin/python tests/chaos/db_restart.py      # exit 0 when every check holds

1. A private PostgreSQL cluster is made with initdb in a temporary directory and started on
   127.0.0.1:55432. The machine's own server is never touched.
2. Liaison is migrated onto it and served by gunicorn with 2 workers on 127.0.0.1:8001.
3. A client sends 500 desk entries through the API, each with its own client id. It retries
   anything that is not 2xx up to 8 times, with backoff (at most 5 s), using the same id.
4. After about 150 entries, `pg_ctl restart -m immediate` crashes and restarts the database.
5. Checks:
   - every acknowledged id is in the table;
   - no id is stored twice;
   - no response body holds a traceback;
   - failures during the outage were 503s;
   - the first 2xx after the restart came within 10 s.

Everything is bounded: 500 entries, 8 retries each, and a 180 s cap on the whole run.
Prints `name value unit` figures, then one line per failed check, and exits 1 on any failure.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def _free_port(preferred: int) -> int:
    """The preferred port if nothing listens there, else any free one (two suites may run at once)."""
    import socket

    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


PG_PORT = _free_port(55432)
APP_PORT = _free_port(8001)
ENTRIES = 500
RESTART_AFTER = 150
# Enough retries to ride out a restart on a busy 2-core machine (about 21 s of waiting in all),
# as the desk screen's own queue does (it retries until the server answers).
RETRIES = 8
DEADLINE_SECONDS = 180
TOKEN_FILE_NAME = "token.txt"

SETUP = """
import django; django.setup()
from liaison.accounts.models import Department, User
from liaison.accounts.services import api_token_create
from liaison.places.models import ServicePoint
library = Department.objects.create(name="Library", code="library", kind="library")
point = ServicePoint.objects.create(name="Research & IT Desk", slug="joint-desk")
point.departments.set([library])
user = User.objects.create_user("desk", role="library_staff", department=library)
_token, plain = api_token_create(actor=user, name="chaos client")
open({token_path!r}, "w").write(plain)
"""


def find_pg_bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class Cluster:
    """A throwaway PostgreSQL cluster. As root, its commands run as the postgres user."""

    def __init__(self, bin_dir: Path, base: Path):
        self.bin_dir = bin_dir
        self.data = base / "data"
        self.log = base / "postgres.log"
        self.socket_dir = base

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.socket_dir, user="postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    @property
    def options(self) -> str:
        return f"-c listen_addresses=127.0.0.1 -p {PG_PORT} -k {self.socket_dir} -c fsync=on"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self.options, "-w", "start")

    def crash_restart(self) -> None:
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", self.options, "-m", "immediate", "-w", "restart"
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)

    def query(self, sql: str) -> list[str]:
        result = subprocess.run(
            [str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-At", "-c", sql, "postgres"],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return [line for line in result.stdout.splitlines() if line]


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {seconds} s")


def post_entry(token: str, client_id: str) -> tuple[int, str]:
    body = json.dumps(
        {"client_id": client_id, "service_point": "joint-desk", "kind": "technology", "read_level": 2, "note": "chaos"}
    )
    connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=10)
    try:
        connection.request(
            "POST", "/api/v1/desk/interactions", body,
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )  # fmt: skip
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        return 0, f"connection error: {exc}"
    finally:
        connection.close()


def main() -> int:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        print("# no PostgreSQL server binaries (initdb) on this machine", file=sys.stderr)
        return 2
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="liaison-chaos-"))
    cluster = Cluster(bin_dir, base)
    server = None
    failures: list[str] = []
    try:
        cluster.init()
        cluster.start()
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres",
            "DJANGO_SECRET_KEY": "chaos-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DJANGO_DEBUG": "0",
            "LIAISON_HTTPS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "LIAISON_LOG_LEVEL": "ERROR",
            "DJANGO_STATIC_ROOT": str(base / "static"),
        }
        env.pop("REDIS_URL", None)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        token_path = base / TOKEN_FILE_NAME
        setup = SETUP.format(token_path=str(token_path))
        subprocess.run(
            [PYTHON, "-c", setup],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            check=True,
            timeout=120,
        )
        token = token_path.read_text().strip()
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{APP_PORT}", "--workers", "2",
             "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_for_port(APP_PORT, 30)

        acknowledged: set[str] = set()
        outage_statuses: list[int] = []
        traceback_bodies = 0
        restart_done_at: list[float] = []
        first_ok_after_restart: list[float] = []
        restart_thread = None
        for n in range(ENTRIES):
            if time.monotonic() - started > DEADLINE_SECONDS:
                failures.append(f"stopped at entry {n}: the run passed its {DEADLINE_SECONDS} s cap")
                break
            if n == RESTART_AFTER:

                def crash() -> None:
                    cluster.crash_restart()
                    restart_done_at.append(time.monotonic())

                restart_thread = threading.Thread(target=crash)
                restart_thread.start()
            client_id = str(uuid.uuid4())
            for attempt in range(RETRIES + 1):
                status, body = post_entry(token, client_id)
                if "Traceback" in body:
                    traceback_bodies += 1
                if status in (200, 201):
                    acknowledged.add(client_id)
                    if restart_done_at and not first_ok_after_restart:
                        first_ok_after_restart.append(time.monotonic())
                    break
                outage_statuses.append(status)
                time.sleep(min(5.0, 0.2 * 2**attempt))
        if restart_thread is not None:
            restart_thread.join(timeout=60)

        stored = cluster.query("SELECT client_id FROM desk_interaction")
        lost = acknowledged - set(stored)
        doubled = len(stored) - len(set(stored))
        recovery = (
            (first_ok_after_restart[0] - restart_done_at[0]) if first_ok_after_restart and restart_done_at else None
        )
        print(f"chaos_entries_acknowledged {len(acknowledged)} entries")
        print(f"chaos_entries_stored {len(set(stored))} entries")
        print(f"chaos_entries_lost {len(lost)} entries")
        print(f"chaos_entries_doubled {doubled} entries")
        print(f"chaos_failed_attempts {len(outage_statuses)} requests")
        print(f"chaos_recovery_seconds {recovery:.2f} s" if recovery is not None else "chaos_recovery_seconds none")
        if len(acknowledged) != ENTRIES:
            failures.append(f"{ENTRIES - len(acknowledged)} entries were never acknowledged after {RETRIES} retries")
        if lost:
            failures.append(f"{len(lost)} acknowledged entries are missing after the restart")
        if doubled:
            failures.append(f"{doubled} entries are stored twice")
        if traceback_bodies:
            failures.append(f"{traceback_bodies} responses carried a traceback")
        unexpected = sorted({s for s in outage_statuses if s not in (0, 503)})
        if unexpected:
            failures.append(f"failures during the outage were {unexpected}, not 503 or a refused connection")
        if not restart_done_at:
            failures.append("the database was never restarted")
        elif recovery is None or recovery > 10:
            failures.append(f"the first 2xx after the restart took {recovery} s (limit 10 s)")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
