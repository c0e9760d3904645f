"""Aggregate history (a figure per place per period) and READ calibration (monthly re-rating of
past desk questions). No row holds a patron's identity; a rating names its rater (staff)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Measure(models.TextChoices):
    VISITS = "visits", "Visits"
    ENQUIRIES = "enquiries", "Enquiries"
    COMPUTER_SESSIONS = "computer_sessions", "Computer sessions"
    COMPUTER_USE = "computer_use_percent", "Computer use (% of time)"
    WIFI_USERS = "wifi_users", "Wi-Fi users"
    WIFI_SESSIONS = "wifi_sessions", "Wi-Fi sessions"
    BANDWIDTH = "bandwidth_gb", "Bandwidth (GB)"
    PRINTER_PAGES = "printer_pages", "Printer pages"
    HEADCOUNT = "headcount", "Seat occupancy (people counted)"


# Figures that add up over a month (a month's visits are its days' visits); the others are
# levels (a headcount, a percentage), whose month is their peak or mean.
SUMMED = {
    Measure.VISITS,
    Measure.ENQUIRIES,
    Measure.COMPUTER_SESSIONS,
    Measure.WIFI_USERS,
    Measure.WIFI_SESSIONS,
    Measure.BANDWIDTH,
    Measure.PRINTER_PAGES,
}


class Series(models.Model):
    """One measure at one place: a Liaison service point or lab, or a branch kept by its name."""

    measure = models.CharField(max_length=32, choices=Measure.choices)
    place_name = models.CharField(
        max_length=120, help_text="The place as shown: the service point's, lab's or file's name."
    )
    place_key = models.CharField(max_length=120, editable=False, help_text="The name folded, for matching.")
    service_point = models.ForeignKey(
        "places.ServicePoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="demand_series"
    )
    room = models.ForeignKey(
        "places.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="demand_series"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["measure", "place_name"]
        verbose_name_plural = "series"
        constraints = [models.UniqueConstraint(fields=["measure", "place_key"], name="demand_series_unique_place")]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} · {self.place_name}"


class Observation(models.Model):
    """A figure for one period [start, end) of one series, and the import it came from."""

    class Grain(models.TextChoices):
        MONTH = "month", "Month"
        DAY = "day", "Day"
        HOUR = "hour", "Hour"
        YEAR = "year", "Year"
        INTERVAL = "interval", "Interval"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="observations")
    start = models.DateTimeField()
    end = models.DateTimeField()
    grain = models.CharField(max_length=10, choices=Grain.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    import_run = models.ForeignKey(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="demand_observations"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["series", "start"]
        constraints = [
            models.UniqueConstraint(fields=["series", "start", "end"], name="demand_observation_unique_period"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="demand_observation_ends_after_start"),
            models.CheckConstraint(condition=Q(value__gte=0), name="demand_observation_value_not_negative"),
        ]
        indexes = [models.Index(fields=["grain", "start"], name="demand_obs_grain_start")]

    def __str__(self) -> str:
        return f"{self.series} · {self.start:%Y-%m-%d %H:%M} · {self.value}"


class CalibrationRound(models.Model):
    """One month's re-rating: a seeded sample of past desk questions."""

    month = models.DateField(unique=True, help_text="The first day of the month the round belongs to.")
    seed = models.PositiveIntegerField(help_text="The sample's seed: the same seed draws the same questions.")
    sample_size = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"READ calibration {self.month:%B %Y}"


class CalibrationItem(models.Model):
    """One sampled desk question in a round. The original level is read from the question
    (through desk's selectors) when agreement is worked out; it is never shown to a rater."""

    round = models.ForeignKey(CalibrationRound, on_delete=models.CASCADE, related_name="items")
    interaction = models.ForeignKey("desk.Interaction", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "interaction"], name="demand_calibration_item_once"),
            models.UniqueConstraint(fields=["round", "position"], name="demand_calibration_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · question {self.position}"


class CalibrationRating(models.Model):
    """One rater's READ level for one sampled question: once per rater per item."""

    item = models.ForeignKey(CalibrationItem, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "rated_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "rater"], name="demand_calibration_rating_once"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=6), name="demand_calibration_level_1_to_6"),
        ]

    def __str__(self) -> str:
        return f"Rating of {self.item}"
