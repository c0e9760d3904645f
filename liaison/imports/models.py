"""Saved column mappings and the record of every import run."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from liaison.core.models import TimeStampedModel


class ImportMapping(TimeStampedModel):
    """A named, reusable column mapping for one importer (see mapping.py for the JSON shapes)."""

    importer = models.CharField(max_length=60, db_index=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    columns = models.JSONField(default=dict, blank=True, help_text="Target field → list of source columns.")
    constants = models.JSONField(default=dict, blank=True, help_text="Target field → default for the whole file.")
    value_maps = models.JSONField(default=dict, blank=True, help_text="Target field → {source value: target value}.")
    date_format = models.CharField(max_length=60, default="mdy")
    time_zone = models.CharField(
        max_length=60,
        blank=True,
        default="",
        help_text="How to read times in the file, e.g. America/Los_Angeles; blank: the site's.",
    )
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text="The rest of the mapping: source tool, fallback columns, clock, long format, column treatments.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_mappings"
    )

    class Meta:
        ordering = ["importer", "name"]
        constraints = [models.UniqueConstraint(fields=["importer", "name"], name="import_mapping_unique_name")]

    def __str__(self) -> str:
        return self.name

    def as_mapping_json(self) -> dict:
        return {
            "columns": self.columns,
            "constants": self.constants,
            "value_maps": self.value_maps,
            "date_format": self.date_format,
            "time_zone": self.time_zone,
            **(self.options or {}),
        }


class ImportRun(TimeStampedModel):
    """One file taken through the import: uploaded, checked, committed (or not)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Waiting for a check or commit"
        REJECTED = "rejected", "Rejected rows – nothing imported"
        COMMITTED = "committed", "Imported"
        FAILED = "failed", "Failed – nothing imported"
        DISCARDED = "discarded", "Discarded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    importer = models.CharField(max_length=60, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=20, default="browser", help_text="browser, command or api.")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    file_size = models.PositiveIntegerField(default=0)
    # Path under MEDIA_ROOT/imports/ while the file is kept (never served); blank once deleted.
    stored_file = models.CharField(max_length=255, blank=True)
    mapping = models.ForeignKey(
        ImportMapping,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
        help_text="Saved mapping chosen, if any.",
    )
    mapping_snapshot = models.JSONField(
        default=dict, blank=True, help_text="The mapping exactly as checked or committed."
    )
    preset = models.CharField(max_length=60, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED, db_index=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_already_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    # A check or commit running as a background job (ADR 0043): what, under which mapping, for
    # whom, and how far (the live count is in the cache; `job_started_at` tells a job that a
    # restart killed). Blank when none runs.
    class Job(models.TextChoices):
        CHECK = "check", "Checking every row"
        COMMIT = "commit", "Importing"

    class JobState(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        CANCELLING = "cancelling", "Cancelling"

    job = models.CharField(max_length=10, choices=Job.choices, blank=True)
    job_state = models.CharField(max_length=12, choices=JobState.choices, blank=True)
    job_mapping = models.JSONField(default=dict, blank=True, help_text="The mapping the job checks or commits.")
    job_options = models.JSONField(default=dict, blank=True, help_text="Preset, saved mapping and digest of the job.")
    job_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_started_at = models.DateTimeField(null=True, blank=True)
    job_message = models.CharField(max_length=300, blank=True, help_text="How the last job ended, if not well.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="import_run_status_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="committed") | Q(committed_at__isnull=False),
                name="import_run_committed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(rows_created__lte=models.F("rows_total")), name="import_run_created_within_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def job_active(self) -> bool:
        return bool(self.job and self.job_state)

    @property
    def is_open(self) -> bool:
        """Can still be checked and committed."""
        return self.status in (self.Status.PREVIEWED, self.Status.REJECTED, self.Status.FAILED) and bool(
            self.stored_file
        )
