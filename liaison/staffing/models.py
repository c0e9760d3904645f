"""The shared student-worker pool: workers and their training, terms, availability, coverage
needs, the schedule (solver runs and dated shifts), offers of shifts, and calendar links.

Hours are whole hours of the site's local day (0–23): a shift runs from `start_hour` to
`end_hour` on `date`; a need or an availability cell names one hour of one weekday
(0 = Monday, as `places.Weekday`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from liaison.core.models import TimeStampedModel


class Skill(models.Model):
    """Something a position needs and training gives, e.g. 'Research help' for the research side
    of the joint desk."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    description = models.CharField(max_length=300, blank=True)
    valid_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long a completed training lasts; empty means it does not expire."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Term(TimeStampedModel):
    name = models.CharField(max_length=100, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    swaps_need_approval = models.BooleanField(
        default=True, help_text="When off, a picked-up shift changes hands at once, without a supervisor."
    )
    questions_per_worker = models.PositiveSmallIntegerField(
        default=4,
        help_text="The rule for suggested needs: one worker for every this many questions an hour "
        "(at least one while the desk is open).",
    )
    min_shift_hours = models.PositiveSmallIntegerField(default=2)
    max_shift_hours = models.PositiveSmallIntegerField(default=4)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="staffing_term_ends_after_start"),
            models.CheckConstraint(
                condition=Q(min_shift_hours__gte=1, max_shift_hours__gte=F("min_shift_hours"), max_shift_hours__lte=12),
                name="staffing_term_shift_lengths",
            ),
            models.CheckConstraint(
                condition=Q(questions_per_worker__gte=1, questions_per_worker__lte=200),
                name="staffing_term_questions_per_worker",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DepartmentBudget(models.Model):
    """The student hours a department pays for in one week of a term."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="budgets")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    weekly_hours = models.PositiveIntegerField()

    class Meta:
        ordering = ["term", "department__name"]
        constraints = [models.UniqueConstraint(fields=["term", "department"], name="staffing_one_budget_per_dept")]

    def __str__(self) -> str:
        return f"{self.department}: {self.weekly_hours} h/week"


class Worker(TimeStampedModel):
    """A student worker in the pool (a user with the student-worker role) and who pays them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staffing_worker")
    paying_department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    max_hours_week = models.PositiveSmallIntegerField(default=12)
    max_hours_day = models.PositiveSmallIntegerField(default=4)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_hours_week__lte=40, max_hours_day__lte=12, max_hours_day__gte=1),
                name="staffing_worker_hour_limits",
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class Training(TimeStampedModel):
    """A worker's training in one skill. It counts on a date only once a supervisor has
    signed it off, from its completion to its expiry (inclusive)."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="trainings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="trainings")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "skill"], name="staffing_one_training_per_skill"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("completed_on")),
                name="staffing_training_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({self.worker})"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def valid_on(self, day) -> bool:
        return self.is_signed_off and self.completed_on <= day and (self.expires_on is None or day <= self.expires_on)


class WorkerNote(models.Model):
    """A supervisor's note on a worker. Only supervisors (of either department) read them."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on {self.worker} ({self.created_at:%Y-%m-%d})"


class AvailabilityCell(models.Model):
    """One hour of one weekday a worker can work in a term; `preferred` marks hours they would
    rather work. No row means not available."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="availability")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    preferred = models.BooleanField(default=False)

    class Meta:
        ordering = ["weekday", "hour"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "term", "weekday", "hour"], name="staffing_one_cell_per_hour"),
            models.CheckConstraint(condition=Q(weekday__lte=6, hour__lte=23), name="staffing_cell_in_week"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} available day {self.weekday} {self.hour:02d}:00"


class Unavailability(models.Model):
    """A date a worker cannot work at all (an exam, a trip), whatever their weekly grid says."""

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="unavailable_dates")
    date = models.DateField()
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name_plural = "unavailable dates"
        constraints = [models.UniqueConstraint(fields=["worker", "date"], name="staffing_one_unavailability_a_day")]

    def __str__(self) -> str:
        return f"{self.worker} unavailable {self.date}"


class CoverageNeed(models.Model):
    """How many workers a service point needs in one hour of one weekday of a term. With a
    skill, it is a position of its own (the research side of the joint desk) that only
    workers trained in it may fill."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="needs")
    service_point = models.ForeignKey("places.ServicePoint", on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField()
    hour = models.PositiveSmallIntegerField()
    minimum = models.PositiveSmallIntegerField(default=1)
    ideal = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["service_point", "skill", "weekday", "hour"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "service_point", "weekday", "hour"],
                condition=Q(skill__isnull=True),
                name="staffing_one_need_an_hour",
            ),
            models.UniqueConstraint(
                fields=["term", "service_point", "skill", "weekday", "hour"],
                condition=Q(skill__isnull=False),
                name="staffing_one_skilled_need_an_hour",
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6, hour__lte=23, ideal__gte=F("minimum"), ideal__lte=20) & Q(ideal__gte=1),
                name="staffing_need_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_point} day {self.weekday} {self.hour:02d}:00: {self.minimum}–{self.ideal}"


class Schedule(TimeStampedModel):
    """A term's schedule. `version` goes up with every change to its shifts, so two
    supervisors publishing at once cannot both win: each publishes the version they saw."""

    term = models.OneToOneField(Term, on_delete=models.CASCADE, related_name="schedule")
    version = models.PositiveIntegerField(default=0)
    published_version = models.PositiveIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Schedule for {self.term}"

    @property
    def has_unpublished_changes(self) -> bool:
        return self.published_version != self.version


class ScheduleRun(TimeStampedModel):
    """One run of the solver: its inputs are read when it runs, its proposal (a weekly
    pattern of shifts, the unmet hours and why, the difference from the current schedule) is
    kept in `result` until a supervisor applies or discards it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready to review"
        FAILED = "failed", "Failed"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="runs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    time_limit_s = models.PositiveSmallIntegerField(default=10)
    base_version = models.PositiveIntegerField(default=0, help_text="The schedule version the run started from.")
    result = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Solver run {self.pk} ({self.status})"


class Shift(TimeStampedModel):
    """One dated shift at a position (a service point, with a skill or not). Without a worker
    it is open: nobody could be scheduled, or its worker gave it up. A published shift that is
    withdrawn stays as cancelled, so calendars remove it instead of keeping a stale copy."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="shifts")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="shifts")
    service_point = models.ForeignKey("places.ServicePoint", on_delete=models.PROTECT, related_name="+")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    start_hour = models.PositiveSmallIntegerField()
    end_hour = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: goes up with every change.")
    open_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start_hour", "service_point"]
        indexes = [
            models.Index(fields=["schedule", "date"], name="staffing_shift_sched_date_idx"),
            models.Index(fields=["worker", "date"], name="staffing_shift_worker_date_idx"),
            models.Index(fields=["service_point", "date"], name="staffing_shift_point_date_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_hour__gt=F("start_hour"), end_hour__lte=24), name="staffing_shift_hours_valid"
            )
        ]

    def __str__(self) -> str:
        who = self.worker or "open"
        return f"{self.date} {self.start_hour:02d}–{self.end_hour:02d} {self.service_point} ({who})"

    @property
    def hours(self) -> int:
        return self.end_hour - self.start_hour


class ShiftOffer(TimeStampedModel):
    """A shift put up for someone else to take: offered by its worker (or, for an open shift,
    by nobody), taken by an eligible worker, then approved by a supervisor or at once,
    depending on the term's setting."""

    class Status(models.TextChoices):
        OPEN = "open", "Offered"
        TAKEN = "taken", "Picked up, waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="offers")
    offered_by = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    taken_by = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift"], condition=Q(status__in=["open", "taken"]), name="staffing_one_live_offer_a_shift"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(status="withdrawn") | Q(taken_by__isnull=False),
                name="staffing_offer_taken_has_taker",
            ),
        ]


class ShiftEvent(models.Model):
    """The history of a shift: made, published, moved, offered, taken, approved, given to
    someone else. `from_worker` keeps who had it, so their calendar can cancel it."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    from_worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["from_worker", "at"], name="staffing_event_from_idx")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.at:%Y-%m-%d %H:%M})"


class FeedToken(models.Model):
    """A person's secret calendar link (their shifts, and the service points' schedules).
    Only the SHA-256 of the token is kept; resetting makes the old link stop working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Shift calendar link for {self.user_id}"
