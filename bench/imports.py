"""Importing ten years of a busy desk: one million rows of a custom CSV into PostgreSQL.

`import_rows_per_s_1m`: rows per second for the whole import (parse, map, check every row,
work out identities, write all or nothing) of a one-million-row CSV, as `manage.py
import_interactions` does it.
`import_share_of_copy`: that speed divided by PostgreSQL's own `COPY` of the same rows into the
same table (`desk_interaction`, its indexes and constraints), in the same run: the rows the
import wrote are copied out, the table emptied, and copied back in, timed (target: 0.3).
`import_rejects_slowdown`: the check of a 100,000-row file where a quarter of the rows name
an unknown service point, kind or mode, divided by the check of the same file clean (target:
at most 1.2).

`BENCH_IMPORT_ROWS` and `BENCH_IMPORT_REJECT_ROWS` change the two sizes for a quicker run."""

import os
import subprocess
import sys

from bench.harness import PYTHON, ROOT, Server, emit, note

# The sizes the figures are defined at; BENCH_IMPORT_ROWS / BENCH_IMPORT_REJECT_ROWS make a
# smaller run while working on the importer (say which size a reported figure was taken at).
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 1_000_000))
REJECT_ROWS = int(os.environ.get("BENCH_IMPORT_REJECT_ROWS", 100_000))

PROBE = r"""
import csv, io, os, random, sys, tempfile, time, datetime as dt, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.conf import settings
from django.db import connection
from bench.imports import write_file, MAPPING
from liaison.imports import services
from liaison.imports.mapping import Mapping

rows, reject_rows = int(sys.argv[1]), int(sys.argv[2])
settings.IMPORT_MAX_BYTES = 1 << 31
settings.IMPORT_MAX_ROWS = rows
mapping = Mapping.from_json(MAPPING)

def timed_import(content, dry_run):
    started = time.perf_counter()
    run, result = services.import_file_as_system(
        importer_key="desk_interactions", file_name="desk-log.csv", content=content, mapping=mapping, dry_run=dry_run
    )
    return time.perf_counter() - started, run, result

# Rejects: a clean file and the same file with a quarter of its rows naming unknown values.
clean = write_file(reject_rows, seed=2)
bad = write_file(reject_rows, seed=2, unknown_every=4)
timed_import(clean, True)  # warm the caches
clean_s = min(timed_import(clean, True)[0] for _ in range(2))
bad_runs = [timed_import(bad, True) for _ in range(2)]
bad_s = min(r[0] for r in bad_runs)
assert bad_runs[0][2].rows_rejected == reject_rows // 4, bad_runs[0][2].rows_rejected
print(f"# check of {reject_rows} rows: clean {clean_s:.1f} s, a quarter unknown {bad_s:.1f} s", file=sys.stderr)

content = write_file(rows, seed=1)
print(f"# {rows} rows, {len(content) / 1e6:.0f} MB", file=sys.stderr)
import_s, run, result = timed_import(content, False)
assert run.status == "committed" and run.rows_created == rows, (run.status, run.rows_created, result.rejections[:3])
print(f"# import: {import_s:.1f} s", file=sys.stderr)

columns = [f.name for f in connection.introspection.get_table_description(connection.cursor(), "desk_interaction")]
names = ", ".join(columns)
buffer = io.BytesIO()
with connection.cursor() as cursor:
    with cursor.copy(f"COPY (SELECT {names} FROM desk_interaction WHERE source = 'import:csv') TO STDOUT") as copy:
        for data in copy:
            buffer.write(data)
    cursor.execute("DELETE FROM desk_interaction WHERE source = 'import:csv'")
connection.commit() if not connection.get_autocommit() else None
buffer.seek(0)
started = time.perf_counter()
with connection.cursor() as cursor:
    with cursor.copy(f"COPY desk_interaction ({names}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
copy_s = time.perf_counter() - started
print(f"# COPY of the same rows into the same table: {copy_s:.1f} s", file=sys.stderr)
print(rows / import_s, (rows / import_s) / (rows / copy_s), bad_s / clean_s)
"""

MAPPING = {
    "columns": {
        "occurred_at": ["Date", "Time"],
        "service_point": ["Desk"],
        "kind": ["Category"],
        "read_level": ["READ"],
        "mode": ["Mode"],
        "duration_minutes": ["Minutes"],
        "note": ["Note"],
    },
    "value_maps": {"mode": {"walk-in": "in_person", "phone call": "phone"}},
    "date_format": "mdy",
}


def write_file(rows: int, *, seed: int, unknown_every: int = 0) -> bytes:
    """A desk log as a home-made spreadsheet keeps it: ten years, one row per question."""
    import csv
    import datetime as dt
    import io
    import random

    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Time", "Desk", "Category", "READ", "Mode", "Minutes", "Note", "Patron type"])
    start = dt.datetime(2015, 1, 1, 8, 0)
    step = dt.timedelta(seconds=max(1, int(10 * 365 * 86400 / max(rows, 1)) - 1))
    moment = start
    desks = ["joint-desk", "it-help-desk"]
    kinds = ["research", "technology", "directional", "equipment-printing", "account-access", "other"]
    modes = ["walk-in", "phone call", "chat", "email"]
    notes = ["", "", "", "printing from a laptop", "citation help", "wifi on a phone", "where is the quiet floor"]
    for i in range(rows):
        moment += step
        desk, kind, mode = rng.choice(desks), rng.choice(kinds), rng.choice(modes)
        if unknown_every and i % unknown_every == 0:
            desk, kind, mode = (
                [f"Old desk {i % 7}", desk, mode],
                [desk, f"Old category {i % 5}", mode],
                [desk, kind, f"Fax {i % 3}"],
            )[i % 3]
        writer.writerow(
            [
                f"{moment.month}/{moment.day}/{moment.year}",
                moment.strftime("%H:%M:%S"),
                desk,
                kind,
                rng.randint(1, 4),
                mode,
                rng.choice(["", "2", "5", "10", "0:15:00", "5-10 min"]),
                rng.choice(notes),
                rng.choice(["Undergraduate", "Faculty", "Staff", "Visitor"]),
            ]
        )
    return out.getvalue().encode()


def run(server: Server, context: dict) -> dict:
    note(f"importing {ROWS:,} rows (and checking {REJECT_ROWS:,} twice)")
    result = subprocess.run(
        [PYTHON, "-c", PROBE, str(ROWS), str(REJECT_ROWS)],
        cwd=ROOT,
        env={**server.env, "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
    )
    print(result.stderr, file=sys.stderr, end="")
    if result.returncode != 0:
        raise RuntimeError("the import probe failed")
    rows_per_s, share, slowdown = (float(x) for x in result.stdout.split())
    emit("import_rows_per_s_1m", rows_per_s, "rows/s")
    emit("import_share_of_copy", share, "ratio")
    emit("import_rejects_slowdown", slowdown, "ratio")
    return {}
