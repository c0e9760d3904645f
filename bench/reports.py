"""The desk report over one million interactions (ten years) on PostgreSQL.

`desk_report_ms_1m`: the server time of the month × service point × READ cross-table for the whole
ten years, read from the count table the reports page chooses for it (`counts.choose`), median
of 9 runs.
`desk_report_share_of_group_by`: that time divided by a plain SQL GROUP BY of the same figures
over the interaction rows in the same run (below 1 means faster than scanning the log).
`count_fill_s_1m` (printed by the data step): filling the count table from nothing."""

import statistics
import subprocess
import sys

from bench.harness import PYTHON, ROOT, Server, emit, note

PROBE = r"""
import os, statistics, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
import datetime as dt
from django.db import connection
from django.utils import timezone
from liaison.core import counts
from liaison.desk import reports, stats

period = reports.period_for("custom", first=timezone.localdate() - dt.timedelta(days=3660), last=timezone.localdate())
GROUP = ("month", "service_point", "read_level")
STAT = counts.choose(stats.NARROWEST_FIRST, names=GROUP)  # what the reports page reads
def report():
    return counts.read(STAT, start=period.start, end=period.end, group_by=GROUP)
def plain():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('month', occurred_at AT TIME ZONE %s), service_point_id, read_level, count(*) "
            "FROM desk_interaction WHERE occurred_at >= %s AND occurred_at < %s GROUP BY 1, 2, 3",
            [timezone.get_current_timezone_name(), period.start, period.end],
        )
        return cursor.fetchall()
def timed(fn):
    fn()
    runs = []
    for _ in range(9):
        started = time.perf_counter(); fn(); runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)
assert sum(report().values()) == sum(row[3] for row in plain()), "the report and the GROUP BY disagree"
print(timed(report), timed(plain))
"""


def run(server: Server, context: dict) -> dict:
    server.prepare("reports_1m")
    result = subprocess.run(
        [PYTHON, "-c", PROBE], cwd=ROOT, env={**server.env, "DJANGO_DEBUG": "0"}, capture_output=True, text=True
    )
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise RuntimeError("the report probe failed")
    report_ms, plain_ms = (float(x) for x in result.stdout.split())
    emit("desk_report_ms_1m", report_ms, "ms")
    emit("desk_report_share_of_group_by", report_ms / plain_ms, "ratio")
    note(f"plain GROUP BY over the log: {plain_ms:.0f} ms; median of {statistics.median([report_ms]):.0f} ms")
    return {}
