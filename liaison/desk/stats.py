"""What the desk counts in the count tables (liaison/core/counts.py).

One wide hourly stat answers anything (every dimension, any hour); narrow daily stats answer
the common report shapes over years from far fewer rows. `NARROWEST_FIRST` is the order in
which readers `counts.choose` among them; every write to the interaction log touches `ALL`.
Every stat sums `Interaction.weight` (1 for an entry at the desk, the count of an imported tally
row), so a report's total is the number of interactions, not of rows."""

from django.db.models import Sum

from liaison.core import counts
from liaison.core.counts import DAY, HOUR, Dimension
from liaison.desk.models import Interaction


def _interactions():
    return Interaction.objects.all()


SERVICE_POINT = Dimension("service_point", "service_point_id", int)
KIND = Dimension("kind", "kind_id", int)
READ_LEVEL = Dimension("read_level", "read_level", int)
MODE = Dimension("mode", "mode", str)
TECH_CATEGORY = Dimension("tech_category", "tech_category_id", int)
REFERRED_TO = Dimension("referred_to", "referred_to_id", int)


def _stat(property: str, frequency: str, *dimensions: Dimension, description: str) -> counts.CountStat:
    return counts.register(
        counts.CountStat(
            property=property,
            source=_interactions,
            time_field="occurred_at",
            dimensions=dimensions,
            value=Sum("weight"),  # a tally row counts as its weight
            frequency=frequency,
            description=description,
        )
    )


INTERACTIONS = _stat(
    "desk.interactions",
    HOUR,
    SERVICE_POINT,
    KIND,
    READ_LEVEL,
    MODE,
    TECH_CATEGORY,
    REFERRED_TO,
    description="Desk interactions per hour by every dimension: the day's tally and any report shape.",
)
BY_POINT_HOURLY = _stat(
    "desk.point_hourly", HOUR, SERVICE_POINT, description="Per hour and service point: traffic by hour and weekday."
)
BY_POINT_LEVEL = _stat("desk.point_level_daily", DAY, SERVICE_POINT, READ_LEVEL, description="Per day: READ levels.")
BY_POINT_KIND = _stat("desk.point_kind_daily", DAY, SERVICE_POINT, KIND, description="Per day: kinds.")
BY_POINT_MODE = _stat("desk.point_mode_daily", DAY, SERVICE_POINT, MODE, description="Per day: modes.")
BY_POINT_CATEGORY = _stat(
    "desk.point_category_daily", DAY, SERVICE_POINT, TECH_CATEGORY, description="Per day: IT categories."
)
BY_POINT_REFERRAL = _stat(
    "desk.point_referral_daily", DAY, SERVICE_POINT, REFERRED_TO, description="Per day: referral targets."
)
BY_POINT_KIND_LEVEL = _stat(
    "desk.point_kind_level_daily", DAY, SERVICE_POINT, KIND, READ_LEVEL, description="Per day: kind by READ level."
)
BY_POINT_CATEGORY_LEVEL = _stat(
    "desk.point_category_level_daily",
    DAY,
    SERVICE_POINT,
    TECH_CATEGORY,
    READ_LEVEL,
    description="Per day: IT category by READ level (how hard each kind of technology question is).",
)

NARROWEST_FIRST = (
    BY_POINT_LEVEL,
    BY_POINT_KIND,
    BY_POINT_MODE,
    BY_POINT_CATEGORY,
    BY_POINT_REFERRAL,
    BY_POINT_KIND_LEVEL,
    BY_POINT_CATEGORY_LEVEL,
    BY_POINT_HOURLY,
    INTERACTIONS,
)
ALL = NARROWEST_FIRST
