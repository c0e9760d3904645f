"""Pilots the library hosts for IT: what is tried, where, by whom, what it cost the library to
host, the feedback forms (versioned) and the answers given on them, and the themes staff group
free text into. Invariants are constraints; no side effects in save()."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from liaison.accounts.models import Department
from liaison.core.models import TimeStampedModel
from liaison.places.models import Room, ServicePoint


class Pilot(TimeStampedModel):
    """Something IT (or the library) wants to try in the library, and what IT wants to learn."""

    class Kind(models.TextChoices):
        EQUIPMENT = "equipment", "Equipment"
        SOFTWARE = "software", "Software"
        INTERFACE = "interface", "An interface"
        SERVICE = "service", "A service change"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        RUNNING = "running", "Running"
        REPORTING = "reporting", "Reporting"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EQUIPMENT)
    summary = models.TextField(help_text="What is being tried.")
    reason = models.TextField(blank=True, help_text="Why it is being tried.")
    learning_goals = models.TextField(blank=True, help_text="What IT wants to learn from it.")
    proposed_by = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    it_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="pilots_for")
    library_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="pilots_hosted")
    it_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    library_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rooms = models.ManyToManyField(Room, blank=True, related_name="pilots")
    service_points = models.ManyToManyField(ServicePoint, blank=True, related_name="pilots")
    # The devices from the labs inventory (ADR 0033, wired by ADR 0056): their incidents during
    # the pilot's dates are in the report. `devices` keeps what the inventory does not hold
    # (a vendor's loaner), by name.
    assets = models.ManyToManyField(
        "labs.Asset", blank=True, related_name="pilots", help_text="Devices from the inventory involved in the pilot."
    )
    devices = models.JSONField(
        default=list, blank=True, help_text="Other devices involved (not in the inventory), one name each."
    )
    desk_tag = models.ForeignKey(
        "desk.TopicTag",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pilots",
        help_text="Desk entries tagged with this topic during the pilot count as its desk interactions.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED, db_index=True)
    recommendation = models.TextField(blank=True, help_text="The library's recommendation to IT.")
    agreed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    reporting_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    report_delivered_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="pilot_dates_in_order"),
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "agreed", "running", "reporting", "closed"]),
                name="pilot_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(report_delivered_on__isnull=False),
                name="pilot_closed_has_delivered_report",
            ),
            models.CheckConstraint(condition=~Q(it_department=F("library_department")), name="pilot_two_departments"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def collects_answers(self) -> bool:
        return self.state == self.State.RUNNING


class PilotEvent(models.Model):
    """The pilot's history: proposed, agreed, started, reporting, closed, changed."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on pilot {self.pilot_id}"


class HostingCost(models.Model):
    """What hosting the pilot cost the library: staff hours, space, signage."""

    class Kind(models.TextChoices):
        STAFF_HOURS = "staff_hours", "Staff hours"
        SPACE = "space", "Space"
        SIGNAGE = "signage", "Signage"
        OTHER = "other", "Other"

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="costs")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    occurred_on = models.DateField()
    hours = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, help_text="Staff hours, or hours a space was given over."
    )
    amount = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, help_text="Money spent (signage printing, say)."
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=False) | Q(amount__isnull=False), name="pilot_cost_has_a_figure"
            ),
            models.CheckConstraint(
                condition=(Q(hours__isnull=True) | Q(hours__gt=0)) & (Q(amount__isnull=True) | Q(amount__gte=0)),
                name="pilot_cost_figures_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for pilot {self.pilot_id}"


class FeedbackForm(TimeStampedModel):
    """A form respondents reach by short link or QR code. Its questions live in versions: an
    edit after the first answer makes a new version, so older answers stay readable."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="forms")
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Shown above the questions.")
    code = models.CharField(max_length=12, unique=True, help_text="The short link: /p/<code>/.")
    is_open = models.BooleanField(default=True, help_text="Staff can pause a form while the pilot runs.")
    current_version = models.ForeignKey(
        "FormVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quota_student = models.PositiveIntegerField(null=True, blank=True)
    quota_faculty = models.PositiveIntegerField(null=True, blank=True)
    quota_staff = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pilot", "id"]

    def __str__(self) -> str:
        return self.title

    def quota_for(self, audience: str) -> int | None:
        return getattr(self, f"quota_{audience}", None)


class FormVersion(models.Model):
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["form", "number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="pilot_form_version_unique")]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", "Rating scale"
        CHOICE = "choice", "Choice"
        TEXT = "text", "Free text"
        YES_NO = "yes_no", "Yes / no"
        TASK = "task", "Task prompt"

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=40, help_text="Matches the same question across versions.")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    choices = models.JSONField(default=list, blank=True, help_text="The options of a choice question.")
    scale_max = models.PositiveSmallIntegerField(default=5, help_text="A rating runs from 1 to this.")
    required = models.BooleanField(default=False)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="pilot_question_key_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["rating", "choice", "text", "yes_no", "task"]), name="pilot_question_kind_valid"
            ),
            models.CheckConstraint(condition=Q(scale_max__gte=2, scale_max__lte=10), name="pilot_question_scale"),
        ]

    def __str__(self) -> str:
        return self.text


class Audience(models.TextChoices):
    STUDENT = "student", "Student"
    FACULTY = "faculty", "Faculty"
    STAFF = "staff", "Staff"


class Response(models.Model):
    """One respondent's answers. Anonymous: no person, address, browser or time of day; only
    the day, the audience and how it came in. The id is random, so neither it nor the order of
    rows ties a response to the participation token that stopped a second one."""

    class Channel(models.TextChoices):
        LINK = "link", "Short link"
        QR = "qr", "QR code"
        DESK = "desk", "Recorded at the desk"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="responses")
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="responses")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    channel = models.CharField(max_length=6, choices=Channel.choices, default=Channel.LINK)
    submitted_on = models.DateField(db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submitted_on"]
        indexes = [models.Index(fields=["form", "audience"], name="pilot_response_form_aud_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=["student", "faculty", "staff"]), name="pilot_response_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel="desk") | Q(recorded_by__isnull=True), name="pilot_only_desk_answers_name_staff"
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.form_id}"


class Theme(models.Model):
    """A theme staff group free-text answers under ("paper jams", "scan to e-mail unclear")."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["pilot", "name"], name="pilot_theme_unique")]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.PositiveSmallIntegerField(null=True, blank=True, help_text="A rating.")
    choice = models.CharField(max_length=200, blank=True, help_text="A choice, yes/no, or a task's outcome.")
    text = models.TextField(blank=True, help_text="Free text (or a task's comment); purged after the pilot.")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="pilot_one_answer_per_question")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class Participation(models.Model):
    """That a participation token was used on a form: only its hash, no time, no response."""

    form = models.ForeignKey(FeedbackForm, on_delete=models.CASCADE, related_name="participations")
    token_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "token_hash"], name="pilot_one_response_per_token")]

    def __str__(self) -> str:
        return f"Participation in {self.form_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
