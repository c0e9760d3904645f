"""The desk's interaction log: one row per question or transaction at a service point.

Counted, not a case: an interaction holds no patron identity. Sites edit the lists of kinds,
technology categories and topic tags in the admin. `client_id` is made by the client (the
desk screen's JavaScript, the form, an importer) and is the idempotency key: the server
stores each id once, however often it arrives (see services.interaction_log).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liaison.places.models import ServicePoint

READ_LEVELS = range(1, 7)
MAX_NOTE_LENGTH = 500
MAX_DURATION_MINUTES = 24 * 60
# The modes the desk screen offers (settings.LIAISON_DESK_SCREEN_MODES); every mode is stored.
DEFAULT_SCREEN_MODES = ("in_person", "phone", "chat", "email")
UNDO_WINDOW = dt.timedelta(minutes=2)
# Letters the desk screen keeps for itself (u = undo the last entry, n = jump to the note).
RESERVED_SHORTCUTS = frozenset("un")


class InteractionKind(models.Model):
    """What an interaction was about: research, technology, directional … (editable)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    shortcut = models.CharField(
        max_length=1,
        blank=True,
        help_text="One letter that picks this kind on the desk screen (u and n are taken).",
    )
    asks_tech_category = models.BooleanField(
        default=False, help_text="Offer the technology categories on the desk screen when this kind is picked."
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["shortcut"], condition=~Q(shortcut=""), name="desk_kind_unique_shortcut"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.shortcut = (self.shortcut or "").lower()
        if self.shortcut and not ("a" <= self.shortcut <= "z"):
            raise ValidationError({"shortcut": "Use one letter, a to z."})
        if self.shortcut in RESERVED_SHORTCUTS:
            raise ValidationError({"shortcut": f"'{self.shortcut}' is used by the desk screen itself; pick another."})


class TechCategory(models.Model):
    """What a technology question was about: Wi-Fi, printing, the LMS … (editable).

    READ rates most technical help low, so the category is what shows which technology
    problems people bring to the desk."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "tech categories"

    def __str__(self) -> str:
        return self.name


class TopicTag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    is_active = models.BooleanField(default=True, help_text="Inactive tags stay on old entries but are not offered.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Interaction(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        CHAT = "chat", "Chat"
        EMAIL = "email", "E-mail"
        # Beyond the desk screen's four: history brought in by imports (a tool's "Zoom",
        # "Virtual", or a blank it recorded as "Unknown"). The desk screen offers `screen_modes()`.
        REMOTE = "remote", "Remote"
        VIDEO = "video", "Video call"
        UNKNOWN = "unknown", "Unknown"

    client_id = models.UUIDField(unique=True, editable=False, help_text="Made by the client; stored once.")
    # Indexes here are chosen for the desk's write rate (each one is written on every entry):
    # the composite indexes below cover service point and recorder, the rarely-set links get
    # partial indexes, and kinds are deactivated rather than deleted, so kind needs none.
    service_point = models.ForeignKey(
        ServicePoint, on_delete=models.PROTECT, related_name="interactions", db_index=False
    )
    kind = models.ForeignKey(InteractionKind, on_delete=models.PROTECT, related_name="interactions", db_index=False)
    read_level = models.PositiveSmallIntegerField("READ level")
    tech_category = models.ForeignKey(
        TechCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="interactions", db_index=False
    )
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.IN_PERSON)
    tags = models.ManyToManyField(TopicTag, blank=True, related_name="interactions")
    note = models.CharField(max_length=MAX_NOTE_LENGTH, blank=True, help_text="No patron names, e-mails or ID numbers.")
    referred_to = models.ForeignKey(
        "directory.DirectoryEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        db_index=False,
    )
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    # How many interactions the row stands for: 1 at the desk; an imported tally row ("date ×
    # desk × kind, Count 12") stands for its count. Every statistic sums it (desk/stats.py).
    weight = models.PositiveIntegerField(default=1, help_text="How many interactions this row counts as.")
    occurred_at = models.DateTimeField(db_index=True, help_text="When it happened.")
    logged_at = models.DateTimeField(default=timezone.now, editable=False, help_text="When it was recorded.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_interactions",
        db_index=False,
    )
    source = models.CharField(max_length=60, default="desk", help_text="desk, api or import:<name>.")
    content_fingerprint = models.CharField(max_length=64, editable=False)

    # Not columns: what services.interaction_build leaves on an unsaved row for the write after it.
    pending_tags: list[TopicTag]
    occurred_at_given: bool

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["service_point", "occurred_at"], name="desk_point_occurred_idx"),
            models.Index(fields=["recorded_by", "logged_at"], name="desk_recorder_logged_idx"),
            models.Index(fields=["referred_to"], condition=Q(referred_to__isnull=False), name="desk_referred_to_idx"),
            models.Index(
                fields=["tech_category"], condition=Q(tech_category__isnull=False), name="desk_tech_category_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(read_level__gte=1, read_level__lte=6), name="desk_read_level_1_to_6"),
            models.CheckConstraint(
                condition=Q(mode__in=["in_person", "phone", "chat", "email", "remote", "video", "unknown"]),
                name="desk_mode_valid",
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="desk_weight_at_least_one"),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__lte=MAX_DURATION_MINUTES),
                name="desk_duration_at_most_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · READ {self.read_level} at {self.service_point} ({self.occurred_at:%Y-%m-%d %H:%M})"

    @property
    def back_dated(self) -> bool:
        """Logged after the fact: recorded a minute or more after it happened."""
        return self.logged_at - self.occurred_at >= dt.timedelta(minutes=1)

    @property
    def undo_until(self) -> dt.datetime:
        return self.logged_at + UNDO_WINDOW


class SavedReport(models.Model):
    """A desk report someone set up once and reopens with one click: the period, the one or two
    dimensions, and the filters. It holds no counts; opening it reads them afresh."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_desk_reports")
    name = models.CharField(max_length=80)
    period = models.CharField(max_length=16, default="month")
    first = models.DateField(null=True, blank=True, help_text="Custom periods only.")
    last = models.DateField(null=True, blank=True, help_text="Custom periods only.")
    rows = models.CharField(max_length=24, default="service_point")
    columns = models.CharField(max_length=24, blank=True)
    service_point = models.ForeignKey(
        "places.ServicePoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="desk_saved_report_unique_name")]

    def __str__(self) -> str:
        return self.name


def screen_modes() -> list[tuple[str, str]]:
    """The modes the desk screen offers, in the model's order: the four by default, or the
    site's choice (`LIAISON_DESK_SCREEN_MODES`, e.g. adding "video" for a desk that takes calls)."""
    from django.conf import settings

    wanted = set(getattr(settings, "LIAISON_DESK_SCREEN_MODES", DEFAULT_SCREEN_MODES))
    return [(value, label) for value, label in Interaction.Mode.choices if value in wanted]
