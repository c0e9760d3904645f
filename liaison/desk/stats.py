"""What the desk counts in the count tables (liaison/core/counts.py): interactions per hour
by service point, kind, READ level, mode, IT category and referral target. The day's tally,
the home panel and the desk reports read this stat instead of scanning the interaction log."""

from django.db.models import Count

from liaison.core import counts
from liaison.core.counts import Dimension
from liaison.desk.models import Interaction


def _interactions():
    return Interaction.objects.all()


INTERACTIONS = counts.register(
    counts.CountStat(
        property="desk.interactions",
        source=_interactions,
        time_field="occurred_at",
        dimensions=(
            Dimension("service_point", "service_point_id", int),
            Dimension("kind", "kind_id", int),
            Dimension("read_level", "read_level", int),
            Dimension("mode", "mode", str),
            Dimension("tech_category", "tech_category_id", int),
            Dimension("referred_to", "referred_to_id", int),
        ),
        value=Count("id"),
        description="Desk interactions per hour, by service point, kind, READ level, mode, IT category and referral.",
    )
)
