"""What the labs app counts in the count tables (liaison/core/counts.py): failures (incidents
started) and repairs (incidents resolved) per day, by kind of device and problem, so the
insights dashboards read trends over terms or years from a few rows a day.

Both stats count incidents, never fault reports (a report that joins an open incident is not
another failure), and hold no person."""

from django.db.models import Count

from liaison.core import counts
from liaison.core.counts import DAY, Dimension
from liaison.labs.models import Incident, Kind, problem_label  # noqa: F401  (labels for readers)

KIND = Dimension("kind", "asset__kind", str)
PROBLEM = Dimension("problem", "problem", str)
KIND_LABELS = dict(Kind.choices)


def _incidents():
    return Incident.objects.all()


def _resolved():
    return Incident.objects.filter(resolved_at__isnull=False)


FAILURES = counts.register(
    counts.CountStat(
        property="labs.failures_daily",
        source=_incidents,
        time_field="started_at",
        dimensions=(KIND, PROBLEM),
        value=Count("id"),
        frequency=DAY,
        description="Incidents started per day, by kind of device and problem.",
    )
)
REPAIRS = counts.register(
    counts.CountStat(
        property="labs.repairs_daily",
        source=_resolved,
        time_field="resolved_at",
        dimensions=(KIND,),
        value=Count("id"),
        frequency=DAY,
        description="Incidents resolved per day, by kind of device.",
    )
)
ALL = (FAILURES, REPAIRS)
