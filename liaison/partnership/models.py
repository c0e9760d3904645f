"""The partnership between the library and IT: a give-and-take ledger filled from the work,
goals and needs with offers of help, the partnership survey, IT's rollout calendar, requests
for library resources and a skills exchange.

Invariants live here as constraints; nothing has side effects in save(). Writes go through
services.py.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from liaison.accounts.models import Department
from liaison.core.models import TimeStampedModel

MAX_COUNT = 100_000  # the database's last line; services refuse far smaller "absurd" sizes
MAX_HOURS = Decimal("100000")


class LedgerEntry(TimeStampedModel):
    """One thing one department asked of the other, or gave it.

    Derived entries are written by the derivation job from a domain's feed (see
    liaison/core/ledger.py) and keyed by (feed key, source key): re-deriving updates the
    entry, never adds another. Manual entries are typed by staff; they are never edited in
    place: a correction is a new entry that `corrects` the old one, and only entries nothing
    corrects are counted.
    """

    class Origin(models.TextChoices):
        DERIVED = "derived", "Derived from the work"
        MANUAL = "manual", "Typed by hand"

    class Direction(models.TextChoices):
        REQUEST = "request", "Asked (request)"
        CONTRIBUTION = "contribution", "Gave (contribution)"

    class ManualKind(models.TextChoices):
        COMMITTEE_SERVICE = "committee_service", "Committee service"
        SHARED_EVENT = "shared_event", "Shared event"
        TRAINING_SESSION = "training_session", "Training session"
        OTHER = "other", "Other"

    MANUAL_FEED = "partnership.manual"

    origin = models.CharField(max_length=10, choices=Origin.choices)
    feed_key = models.CharField(max_length=80, help_text="The feed that derived it, or partnership.manual.")
    source_key = models.CharField(max_length=200, help_text="Stable for the life of the source record.")
    kind = models.CharField(max_length=60)
    direction = models.CharField(max_length=12, choices=Direction.choices)
    giver = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    receiver = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField()
    count = models.PositiveIntegerField(default=1)
    hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    label = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
        help_text="The entry this one corrects (each entry is corrected at most once; correct the correction next).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    derived_at = models.DateTimeField(null=True, blank=True, help_text="When the job last wrote it.")
    orphaned_at = models.DateTimeField(
        null=True, blank=True, help_text="When its source record was found gone (or no longer counting)."
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["occurred_on", "direction"], name="ledger_day_direction_idx"),
            models.Index(fields=["feed_key", "occurred_on"], name="ledger_feed_day_idx"),
            models.Index(fields=["kind", "occurred_on"], name="ledger_kind_day_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["feed_key", "source_key"], name="ledger_entry_unique_source"),
            models.CheckConstraint(condition=Q(origin__in=["derived", "manual"]), name="ledger_origin_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=["request", "contribution"]), name="ledger_direction_valid"
            ),
            models.CheckConstraint(condition=~Q(giver=F("receiver")), name="ledger_giver_is_not_receiver"),
            models.CheckConstraint(condition=Q(count__lte=MAX_COUNT), name="ledger_count_not_absurd"),
            # Only a correction may be zero: it withdraws the entry it corrects.
            models.CheckConstraint(
                condition=Q(count__gte=1) | Q(corrects__isnull=False), name="ledger_count_positive_unless_withdrawal"
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0, hours__lte=MAX_HOURS), name="ledger_hours_in_range"
            ),
            models.CheckConstraint(
                condition=Q(origin="derived") | Q(orphaned_at__isnull=True), name="ledger_only_derived_is_orphaned"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_derived(self) -> bool:
        return self.origin == self.Origin.DERIVED

    @property
    def is_orphaned(self) -> bool:
        return self.orphaned_at is not None


class LedgerFeedState(models.Model):
    """What the derivation job last did for one feed (shown on the ledger page)."""

    feed_key = models.CharField(max_length=80, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    orphaned = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["feed_key"]

    def __str__(self) -> str:
        return self.feed_key


# --- Goals and needs -----------------------------------------------------------------------


class Goal(TimeStampedModel):
    """What a department is trying to do this year."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        DROPPED = "dropped", "Dropped"

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="partnership_goals")
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "department__name", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="goal_year_sensible"),
            models.CheckConstraint(condition=Q(status__in=["active", "achieved", "dropped"]), name="goal_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Need(TimeStampedModel):
    """Something a department needs from the other; the other may offer help against it."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        WITHDRAWN = "withdrawn", "Withdrawn"

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="partnership_needs")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    needed_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["status", "needed_by", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "met", "withdrawn"]), name="need_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Offer(TimeStampedModel):
    """Help the other department offers against a need."""

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="offers")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    response_note = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["offered", "accepted", "declined"]), name="offer_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Offer from {self.department} on “{self.need}”"


class Match(TimeStampedModel):
    """An accepted offer: the two sides agreed. It counts in the ledger once delivered."""

    class Status(models.TextChoices):
        AGREED = "agreed", "Agreed"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    offer = models.OneToOneField(Offer, on_delete=models.CASCADE, related_name="match")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AGREED)
    delivered_on = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    delivery_note = models.TextField(blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "matches"
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="delivered") & Q(delivered_on__isnull=False))
                | (~Q(status="delivered") & Q(delivered_on__isnull=True)),
                name="match_delivered_has_date",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0, hours__lte=10000), name="match_hours_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Match on “{self.need}”"


# --- The partnership survey ----------------------------------------------------------------


class SurveyRound(TimeStampedModel):
    """One round of the partnership survey: one per term or per meeting."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open for answers"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=120)
    period_start = models.DateField(help_text="The term the round looks back on: its first day.")
    period_end = models.DateField(help_text="The day after the term's last day.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    allows_anonymous = models.BooleanField(default=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gt=F("period_start")), name="survey_round_period_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]), name="survey_round_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    class Evidence(models.TextChoices):
        NONE = "", "None"
        TECH_CATEGORIES = "tech_categories", "Top technology categories, this term against last"

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40, help_text="Matches the same question across rounds.")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    evidence = models.CharField(max_length=20, choices=Evidence.choices, blank=True)

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "key"], name="survey_question_unique_key")]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One person's answers to one round. An anonymous response keeps no respondent and no
    department, only the day; its id is random, so neither its id nor its order ties it to
    the participation row that stops a second response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    is_anonymous = models.BooleanField(default=False)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_on = models.DateField()

    class Meta:
        ordering = ["round", "submitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(respondent__isnull=True, department__isnull=True),
                name="survey_anonymous_keeps_no_respondent",
            ),
            models.UniqueConstraint(
                fields=["round", "respondent"],
                condition=Q(respondent__isnull=False),
                name="survey_one_named_response_per_round",
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.round}"


class SurveyAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField()

    class Meta:
        ordering = ["question__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_one_answer_per_question"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class SurveyParticipation(models.Model):
    """That a person answered a round (named or not): no time, no link to the response."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "person"], name="survey_one_response_per_person")]

    def __str__(self) -> str:
        return f"{self.person_id} answered {self.round_id}"


# --- IT's rollout calendar ------------------------------------------------------------------


class Rollout(TimeStampedModel):
    """A planned IT change and what it means for the library's spaces and services."""

    class Kind(models.TextChoices):
        SOFTWARE = "software", "Software"
        PRINTER = "printer", "Printers"
        SYSTEM = "system", "Systems"
        POLICY = "policy", "Policy"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.TextField(blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="partnership_rollouts")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    effect_on_library = models.TextField(help_text="Expected effect on library spaces and services.")
    affected_services = models.CharField(max_length=300, blank=True, help_text="e.g. 'Learning Commons printers'.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    consulted_on = models.DateField(null=True, blank=True)
    consulted_with = models.CharField(max_length=200, blank=True)
    library_response = models.TextField(blank=True, help_text="What the library said.")
    consultation_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="When both sides were told it had no consultation."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["status", "starts_on"], name="rollout_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="rollout_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(consulted_on__isnull=True) | ~Q(library_response=""),
                name="rollout_consultation_says_what",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["software", "printer", "system", "policy", "other"]), name="rollout_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def was_consulted(self) -> bool:
        return self.consulted_on is not None


class CalendarFeedToken(models.Model):
    """A person's secret link to the rollout calendar (iCalendar). Only the SHA-256 is kept."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Rollout calendar link for {self.user_id}"


# --- Requests for library resources ----------------------------------------------------------


class ResourceRequest(TimeStampedModel):
    """IT staff (or another non-academic department) asking the library for material."""

    class Kind(models.TextChoices):
        BOOK = "book", "Book"
        DATABASE = "database", "Database"
        ARTICLE = "article", "Article"
        TRAINING = "training_material", "Training material"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Being handled"
        FULFILLED = "fulfilled", "Fulfilled"
        DECLINED = "declined", "Declined"

    OPEN_STATUSES = (Status.NEW, Status.TRIAGED)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    needed_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    triage_note = models.TextField(blank=True)
    outcome_note = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handling_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="resource_request_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "triaged", "fulfilled", "declined"]),
                name="resource_request_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "triaged"])
                | (Q(closed_at__isnull=False) & ~Q(outcome_note="") & Q(handling_department__isnull=False)),
                name="resource_request_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0, hours__lte=1000), name="resource_request_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


# --- Skills exchange ------------------------------------------------------------------------------


class Skill(TimeStampedModel):
    """Something a person can teach, from copy-and-paste basics to scripting."""

    class Level(models.TextChoices):
        BASICS = "basics", "Basics"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.BASICS)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "title"], name="skill_unique_title_per_person")]

    def __str__(self) -> str:
        return self.title


class SkillSession(models.Model):
    """A session given: who taught, to which department, for how long."""

    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="sessions")
    taught_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    teacher_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    attendee_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    attendees = models.PositiveSmallIntegerField(default=1)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="skill_session_hours_in_a_day"),
            models.CheckConstraint(condition=Q(attendees__gte=1, attendees__lte=500), name="skill_session_attendees"),
        ]

    def __str__(self) -> str:
        return f"{self.skill} on {self.held_on}"
