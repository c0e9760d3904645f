#!/usr/bin/env python3
"""Liaison lab agent: tells Liaison whether this lab PC is in use. One file, standard library
only; runs on Windows, macOS and Linux (Python 3.9+).

Every minute it sends a heartbeat, and a sign-in or sign-out when someone signs in or out.
It never sends who: only that somebody is signed in. Events wait in a spool file while the
network is down and are sent, oldest first, when it is back; sessions are kept until the
server acknowledges them, heartbeats older than three minutes are dropped (they say nothing
any more).

    python liaison_agent.py --url https://liaison.college.edu --token lsn_… [--workstation LIB-PC-110-01]

The token is the lab's agent token (`manage.py labs_agent_token <room id>`); it may also come
from the LIAISON_AGENT_TOKEN environment variable. --once sends one round and exits (for a
scheduled task, or a test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ENDPOINT = "/api/v1/labs/agent/events"
MAX_SPOOL = 5000
MAX_BATCH = 500
STALE_HEARTBEAT = dt.timedelta(minutes=3)
TIMEOUT = 15


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def someone_signed_in() -> bool:
    """True when a person is signed in at this PC's console (never who)."""
    system = platform.system()
    try:
        if system == "Windows":
            out = subprocess.run(["query", "user"], capture_output=True, text=True, timeout=10).stdout  # noqa: S607 (the OS tool)
            return any("Active" in line for line in out.splitlines()[1:])
        if system == "Darwin":
            out = subprocess.run(["stat", "-f", "%Su", "/dev/console"], capture_output=True, text=True, timeout=10)  # noqa: S607
            return out.stdout.strip() not in ("", "root", "_mbsetupuser")
        out = subprocess.run(["who"], capture_output=True, text=True, timeout=10).stdout  # noqa: S607 (the OS tool)
        return any(line.strip() for line in out.splitlines())
    except (OSError, subprocess.SubprocessError):
        return False


class Spool:
    """Events not yet acknowledged, and the open session, in one JSON file written atomically."""

    def __init__(self, path: str):
        self.path = path
        self.events: list[dict] = []
        self.session: str | None = None
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            self.events, self.session = list(data.get("events", [])), data.get("session")
        except (OSError, ValueError):
            pass

    def add(self, event: dict) -> None:
        self.events.append(event)
        if len(self.events) > MAX_SPOOL:  # keep sessions; drop the oldest heartbeats first
            beats = [i for i, e in enumerate(self.events) if e["kind"] == "heartbeat"]
            drop = set(beats[: len(self.events) - MAX_SPOOL]) or {0}
            self.events = [e for i, e in enumerate(self.events) if i not in drop]

    def save(self) -> None:
        folder = os.path.dirname(os.path.abspath(self.path))
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".spool-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"events": self.events, "session": self.session}, out)
        os.replace(temporary, self.path)


class Agent:
    def __init__(self, *, url: str, token: str, workstation: str, spool: Spool, detect=someone_signed_in):
        if not url.startswith(("http://", "https://")):
            raise ValueError("The Liaison address starts with https:// (or http:// on a test machine).")
        self.url = url.rstrip("/") + ENDPOINT
        self.token = token
        self.workstation = workstation
        self.spool = spool
        self.detect = detect

    def event(self, kind: str, **extra) -> dict:
        return {"id": str(uuid.uuid4()), "kind": kind, "workstation": self.workstation, "at": now_iso(), **extra}

    def observe(self) -> None:
        """Queue what changed since last time, and a heartbeat."""
        signed_in = self.detect()
        if signed_in and not self.spool.session:
            event = self.event("sign_in")
            self.spool.session = event["id"]
            self.spool.add(event)
        elif not signed_in and self.spool.session:
            self.spool.add(self.event("sign_out", session=self.spool.session))
            self.spool.session = None
        self.spool.add(self.event("heartbeat"))
        self.spool.save()

    def shutdown(self) -> None:
        self.spool.add(self.event("shutdown"))
        self.spool.session = None
        self.spool.save()

    def flush(self) -> bool:
        """Send what waits, oldest first. True when the spool is empty afterwards."""
        cutoff = dt.datetime.now(dt.UTC) - STALE_HEARTBEAT
        self.spool.events = [
            e for e in self.spool.events
            if e["kind"] != "heartbeat" or dt.datetime.fromisoformat(e["at"]) >= cutoff
        ]  # fmt: skip
        while self.spool.events:
            batch = self.spool.events[:MAX_BATCH]
            answer = self._post({"events": batch})
            if answer is None:
                self.spool.save()
                return False
            done = set(answer.get("accepted", [])) | {r["id"] for r in answer.get("rejected", [])}
            for rejected in answer.get("rejected", []):
                log(f"refused {rejected['id']}: {rejected['field']}: {rejected['message']}")
            if not done:
                break
            self.spool.events = [e for e in self.spool.events if e["id"] not in done]
        self.spool.save()
        return not self.spool.events

    def _post(self, body: dict) -> dict | None:
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "User-Agent": "liaison-lab-agent/1",
        }
        request = urllib.request.Request(self.url, data=json.dumps(body).encode(), method="POST", headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (http(s) only, checked above)
                return json.loads(response.read().decode())
        except urllib.error.HTTPError as exc:
            log(f"server answered {exc.code}; keeping the events for later")
            if exc.code in (400, 401, 403):
                log(exc.read().decode(errors="replace")[:300])
            return None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log(f"offline ({exc}); keeping the events for later")
            return None


def log(message: str) -> None:
    print(f"{now_iso()} {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="Liaison's address, e.g. https://liaison.college.edu")
    parser.add_argument("--token", default=os.environ.get("LIAISON_AGENT_TOKEN", ""))
    parser.add_argument("--workstation", default=socket.gethostname().split(".")[0].upper(), help="The asset tag.")
    parser.add_argument("--spool", default=os.path.join(tempfile.gettempdir(), "liaison-agent-spool.json"))
    parser.add_argument("--interval", type=int, default=60, help="Seconds between heartbeats.")
    parser.add_argument("--once", action="store_true", help="One round, then exit.")
    parser.add_argument("--shutdown", action="store_true", help="Report that the PC is shutting down, then exit.")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give --token or set LIAISON_AGENT_TOKEN")
    agent = Agent(url=args.url, token=args.token, workstation=args.workstation, spool=Spool(args.spool))
    if args.shutdown:
        agent.shutdown()
        return 0 if agent.flush() else 1
    if args.once:
        agent.observe()
        return 0 if agent.flush() else 1
    stop = {"now": False}

    def on_signal(_signum, _frame):
        stop["now"] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop["now"]:
        agent.observe()
        agent.flush()
        for _ in range(max(1, args.interval)):
            if stop["now"]:
                break
            time.sleep(1)
    agent.shutdown()
    agent.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
