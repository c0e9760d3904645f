"""The referral directory: which office, service or person on campus handles what."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liaison.accounts.models import Department
from liaison.core.models import TimeStampedModel
from liaison.places.models import Building

REVIEW_INTERVAL_DAYS = 365


def default_review_by() -> datetime.date:
    """A new or freshly reviewed entry is due for review again in a year."""
    return timezone.localdate() + datetime.timedelta(days=REVIEW_INTERVAL_DAYS)


class DirectoryEntry(TimeStampedModel):
    """One referral target. `handles` holds the keywords and phrases staff search for."""

    class Kind(models.TextChoices):
        OFFICE = "office", "Office"
        SERVICE = "service", "Service"
        PERSON = "person", "Person"

    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    handles = models.TextField(
        blank=True, help_text="What it handles: keywords and short phrases, one per line or comma-separated."
    )
    description = models.TextField(blank=True)
    location = models.CharField(max_length=200, blank=True, help_text="Where to send people, in words.")
    building = models.ForeignKey(
        Building, null=True, blank=True, on_delete=models.SET_NULL, related_name="directory_entries"
    )
    hours = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField(blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="directory_entries", help_text="Who keeps this entry."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_entries",
        help_text="The person who keeps this entry true and is reminded when it is due for review.",
    )
    review_by = models.DateField(default=default_review_by)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    # Not columns: set by the selectors that rank or count (see selectors.py).
    search_score: float
    matched_handles: list[str]
    referral_count: int

    class Meta:
        ordering = ["name"]
        verbose_name = "directory entry"
        verbose_name_plural = "directory entries"
        indexes = [
            models.Index(fields=["is_active", "review_by"], name="directory_active_review_idx"),
            models.Index(fields=["department", "kind"], name="directory_dept_kind_idx"),
            models.Index(fields=["owner", "review_by"], name="directory_owner_review_idx"),
            models.Index(fields=["name"], name="directory_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["office", "service", "person"]), name="directory_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="directory_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_active and self.review_by < (today or timezone.localdate())

    @property
    def handles_list(self) -> list[str]:
        return split_handles(self.handles)


def split_handles(text: str) -> list[str]:
    """'transcripts, enrollment verification\\ngrades' -> ['transcripts', 'enrollment verification', 'grades']."""
    parts = [p.strip() for line in (text or "").splitlines() for p in line.split(",")]
    return [p for p in parts if p]
