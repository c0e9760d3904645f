"""Bench data for the insights dashboards: five million interactions over ten years, written by
SQL (generate_series into the interaction log's own columns), with IT categories and referrals.
Every count table is filled up to one day ago (timed: `count_fill_s_5m`), so the insights probe
can time the refresh of the last day on its own."""

import datetime as dt
import sys
import time

from bench.steps import step

ROWS = 5_000_000


@step("insights_5m")
def insights_5m() -> None:
    from django.db import connection
    from django.utils import timezone

    from liaison.core import counts
    from liaison.desk.models import InteractionKind, TechCategory
    from liaison.places.models import ServicePoint

    points = list(ServicePoint.objects.values_list("pk", flat=True))
    kinds = list(InteractionKind.objects.values_list("pk", flat=True))
    categories = list(TechCategory.objects.values_list("pk", flat=True))
    if not points:
        raise SystemExit("insights_5m needs the foundation step's service points")
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO desk_interaction (client_id, service_point_id, kind_id, read_level, mode, note,
                tech_category_id, occurred_at, logged_at, source, content_fingerprint, weight)
            SELECT gen_random_uuid(),
                   (%(points)s::int[])[1 + (i %% array_length(%(points)s::int[], 1))],
                   (%(kinds)s::int[])[1 + ((i / 7) %% array_length(%(kinds)s::int[], 1))],
                   1 + (i %% 5) + (CASE WHEN i %% 23 = 0 THEN 1 ELSE 0 END),
                   (ARRAY['in_person','phone','chat','email'])[1 + ((i / 3) %% 4)],
                   '',
                   CASE WHEN i %% 3 = 0 THEN (%(cats)s::int[])[1 + ((i / 11) %% array_length(%(cats)s::int[], 1))] END,
                   t, t, 'bench', '', 1
            FROM (
                SELECT i, date_trunc('hour', now() - (i %% 3650) * interval '1 day')
                          - ((i / 3650) %% 12) * interval '1 hour' + (i %% 60) * interval '1 minute' AS t
                FROM generate_series(1, %(rows)s) AS i
            ) AS spread
            """,
            {"points": points, "kinds": kinds, "cats": categories, "rows": ROWS},
        )
    print(f"# inserted {ROWS:,} interactions in {time.monotonic() - started:.1f} s", file=sys.stderr)
    # Rows written by SQL, as a bulk import would, reach back before any fill: start the count
    # tables from nothing (the foundation step may have filled them over an empty log).
    from liaison.core.models import AggregateCount, AggregateFillState

    AggregateCount.objects.all().delete()
    AggregateFillState.objects.all().delete()
    started = time.monotonic()
    filled = counts.fill_all(now=timezone.now() - dt.timedelta(days=1))
    elapsed = time.monotonic() - started
    print(f"# filled every count table ({len(filled)} stats) up to a day ago in {elapsed:.1f} s", file=sys.stderr)
    print(f"count_fill_s_5m {elapsed:.1f} s")
