"""Security reference Rel3, run as part of the suite: a crash-style PostgreSQL restart in the
middle of a desk write load loses no acknowledged entry and doubles none (the script is
tests/chaos/db_restart.py; it makes its own throwaway cluster, never touching the server the
rest of the suite uses)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "tests" / "chaos" / "db_restart.py"


def _has_postgres_server_binaries() -> bool:
    spec = importlib.util.spec_from_file_location("db_restart", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.find_pg_bin() is not None


@pytest.mark.chaos
def test_a_crash_restart_of_the_database_loses_no_acknowledged_desk_entry():
    if not _has_postgres_server_binaries():
        if os.environ.get("LIAISON_REQUIRE_CHAOS") == "1":
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are needed for the restart test")
        pytest.skip("no PostgreSQL server binaries here")
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=400)
    figures = dict(line.split(" ", 1) for line in result.stdout.splitlines() if line.startswith("chaos_"))
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert figures["chaos_entries_lost"] == "0 entries"
    assert figures["chaos_entries_doubled"] == "0 entries"
    assert figures["chaos_entries_acknowledged"] == "500 entries"
