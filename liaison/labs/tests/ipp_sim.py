"""A real IPP printer for tests: CUPS's ippeveprinter on a free port (see test_printer_poller)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

IPPEVEPRINTER = shutil.which("ippeveprinter") or "/usr/sbin/ippeveprinter"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"Nothing listens on port {port} after {timeout:.0f} s.")


class SimulatedPrinter:
    """ippeveprinter on a free port. It insists on DNS-SD (Avahi over D-Bus) even with `-r off`,
    so a private D-Bus is started for it: nothing is advertised, the host's buses are untouched."""

    def __init__(self):
        self.port = free_port()
        self.spool = tempfile.mkdtemp(prefix="ippeve-")
        self.bus = subprocess.Popen(
            [shutil.which("dbus-daemon") or "/usr/bin/dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        address = self.bus.stdout.readline().strip()
        env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": address}
        self.process = subprocess.Popen(
            [IPPEVEPRINTER, "-r", "off", "-p", str(self.port), "-d", self.spool, "-M", "HP", "-m", "LaserJet M607",
             "Liaison test printer"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    @property
    def address(self) -> str:
        return f"ipp://127.0.0.1:{self.port}/ipp/print"

    def trays(self, main: int, bypass: int) -> None:
        """Set the sheets in the main tray and the by-pass tray, through the printer's own web
        form (its "media" page), as the person refilling it would."""
        query = (
            f"size1=na_letter_8.5x11in&type1=stationery&level1={main}"
            f"&size3=na_letter_8.5x11in&type3=stationery&level3={bypass}"
        )
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/media?{query}", timeout=5) as answer:
            assert answer.status == 200

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)

    def stop(self) -> None:
        self.kill()
        if self.bus.poll() is None:
            self.bus.terminate()
            self.bus.wait(timeout=5)
        shutil.rmtree(self.spool, ignore_errors=True)


@pytest.fixture
def ipp_printer():
    if not (shutil.which("ippeveprinter") or os.path.exists(IPPEVEPRINTER)) or not shutil.which("dbus-daemon"):
        if os.environ.get("LIAISON_REQUIRE_IPP"):
            pytest.fail("The printer tests need ippeveprinter and dbus-daemon (apt-get install cups-ipp-utils).")
        pytest.skip("no ippeveprinter: install Debian's cups-ipp-utils to run the IPP printer tests")
    printer = SimulatedPrinter()
    try:
        printer.trays(main=250, bypass=25)
        yield printer
    finally:
        printer.stop()
