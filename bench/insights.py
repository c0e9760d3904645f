"""The insights desk dashboard over five million interactions (ten years) on PostgreSQL.

`dashboard_ms_5m`: server time to build the desk dashboard (heatmap per service point × weekday ×
hour, READ by kind, IT category by READ, modes, referrals, questions per staffed half-hour and the
comparison with the period before) for the whole ten years, from the count tables; median of 7.
`raw_groupby_ms_5m`: a plain SQL GROUP BY of the heatmap alone (service point × weekday × local
hour) over the same interaction rows, median of 7. Target: the dashboard is no slower.
`counts_refresh_s_day`: filling every count table for the last day of new data (the prepare step
filled up to a day ago)."""

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
from liaison.insights import periods, selectors

today = timezone.localdate()
span = periods.resolve("custom", first=today - dt.timedelta(days=3660), last=today)
started = time.perf_counter()
counts.fill_all()
refresh = time.perf_counter() - started
def dashboard():
    return selectors.desk_dashboard(span)
def plain():
    with connection.cursor() as cursor:
        zone = timezone.get_current_timezone_name()
        cursor.execute(
            "SELECT service_point_id, extract(isodow FROM occurred_at AT TIME ZONE %s), "
            "extract(hour FROM occurred_at AT TIME ZONE %s), sum(weight) FROM desk_interaction "
            "WHERE occurred_at >= %s AND occurred_at < %s GROUP BY 1, 2, 3",
            [zone, zone, span.period.start, span.period.end],
        )
        return cursor.fetchall()
def timed(fn):
    fn()
    runs = []
    for _ in range(7):
        started = time.perf_counter(); fn(); runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)
heat = dashboard().chart("heatmap")
assert sum(r[-1] for r in heat.rows) == sum(row[3] for row in plain()), "the dashboard and the GROUP BY disagree"
print(timed(dashboard), timed(plain), refresh)
"""


def run(server: Server, context: dict) -> dict:
    server.prepare("insights_5m")
    result = subprocess.run(
        [PYTHON, "-c", PROBE], cwd=ROOT, env={**server.env, "DJANGO_DEBUG": "0"}, capture_output=True, text=True
    )
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        raise RuntimeError("the insights probe failed")
    dashboard_ms, plain_ms, refresh_s = (float(x) for x in result.stdout.split())
    emit("dashboard_ms_5m", dashboard_ms, "ms")
    emit("raw_groupby_ms_5m", plain_ms, "ms")
    emit("counts_refresh_s_day", refresh_s, "s")
    note(f"dashboard / GROUP BY = {dashboard_ms / plain_ms:.2f}")
    return {}
