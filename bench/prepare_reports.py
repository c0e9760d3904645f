"""Bench data for the desk reports: one million interactions over ten years, written by SQL
(the interaction log's columns, nothing faked), then every count table filled once from nothing."""

import sys
import time

from bench.steps import step

ROWS = 1_000_000


@step("reports_1m")
def reports_1m() -> None:
    from django.db import connection

    from liaison.core import counts
    from liaison.desk.models import InteractionKind
    from liaison.places.models import ServicePoint

    points = list(ServicePoint.objects.values_list("pk", flat=True)) or []
    kinds = list(InteractionKind.objects.values_list("pk", flat=True))
    if not points:
        raise SystemExit("reports_1m needs the foundation step's service points")
    started = time.monotonic()
    with connection.cursor() as cursor:
        # Ten years back from now, busier by day than by night (hours 8-20), spread over points,
        # kinds, READ levels and modes.
        cursor.execute(
            """
            INSERT INTO desk_interaction (client_id, service_point_id, kind_id, read_level, mode, note,
                occurred_at, logged_at, source, content_fingerprint)
            SELECT gen_random_uuid(),
                   (%(points)s::int[])[1 + (i %% array_length(%(points)s::int[], 1))],
                   (%(kinds)s::int[])[1 + ((i / 7) %% array_length(%(kinds)s::int[], 1))],
                   1 + (i %% 5) + (CASE WHEN i %% 23 = 0 THEN 1 ELSE 0 END),
                   (ARRAY['in_person','phone','chat','email'])[1 + ((i / 3) %% 4)],
                   '',
                   t, t, 'bench', ''
            FROM (
                SELECT i, date_trunc('day', now() - (i %% 3650) * interval '1 day')
                          + (8 + (i / 3650) %% 12) * interval '1 hour' + (i %% 60) * interval '1 minute' AS t
                FROM generate_series(1, %(rows)s) AS i
            ) AS spread
            """,
            {"points": points, "kinds": kinds, "rows": ROWS},
        )
    print(f"# inserted {ROWS:,} interactions in {time.monotonic() - started:.1f} s", file=sys.stderr)
    started = time.monotonic()
    filled = counts.fill_all()
    elapsed = time.monotonic() - started
    print(f"# filled every count table ({len(filled)} stats) in {elapsed:.1f} s", file=sys.stderr)
    print(f"count_fill_s_1m {elapsed:.1f} s")
