"""Software access: the catalogue, lab images and managed profiles, courses and what they
need, requests to IT before term, and staff permission baselines with the drift from them.

The gap matrix is not stored: `matrix.py` computes it from these rows on every read, so it
changes the moment an image, a profile or a need does (ADR 0035)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from liaison.core.models import TimeStampedModel
from liaison.core.roles import Role


class Platform(models.TextChoices):
    WINDOWS = "windows", "Windows"
    MACOS = "macos", "macOS"
    LINUX = "linux", "Linux"
    WEB = "web", "Web browser"


class Term(models.Model):
    """A teaching term. Needs are due by `needs_deadline`; requests to IT are due before
    `starts_on`. (Kept here until terms are shared with staffing; see the README.)"""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    needs_deadline = models.DateField(help_text="Faculty and librarians enter course needs by this date.")

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="software_term_ends_after_start"),
            models.CheckConstraint(
                condition=Q(needs_deadline__lte=F("starts_on")), name="software_term_deadline_before_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Title(TimeStampedModel):
    """One piece of software in the catalogue."""

    class Licence(models.TextChoices):
        SEATS = "seats", "Licensed seats"
        SITE = "site", "Site licence"
        FREE = "free", "Free"

    class Delivery(models.TextChoices):
        IMAGE = "image", "Installed in an image"
        VIRTUAL = "virtual", "Virtual (streamed)"
        WEB = "web", "Web"
        NOT_ALLOWED = "not_allowed", "Not allowed on campus machines"

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    publisher = models.CharField(max_length=150, blank=True)
    platforms = models.JSONField(default=list, blank=True, help_text="Any of windows, macos, linux, web.")
    licence = models.CharField(max_length=10, choices=Licence.choices, default=Licence.FREE)
    seats = models.PositiveIntegerField(null=True, blank=True, help_text="Licensed seats (seat licences only).")
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.IMAGE)
    requires = models.ManyToManyField(
        "Permission",
        blank=True,
        related_name="needed_by_titles",
        help_text="Permissions a profile must grant for this title to run (e.g. USB storage for a dongle).",
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(licence__in=["seats", "site", "free"]), name="software_title_licence_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=["image", "virtual", "web", "not_allowed"]),
                name="software_title_delivery_valid",
            ),
            models.CheckConstraint(
                condition=(Q(licence="seats") & Q(seats__isnull=False)) | (~Q(licence="seats") & Q(seats__isnull=True)),
                name="software_title_seats_only_for_seat_licences",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TitleVersion(models.Model):
    """A version of a title the catalogue knows (imports refuse versions not listed here)."""

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=60)
    released_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["title", "version"]
        constraints = [models.UniqueConstraint(fields=["title", "version"], name="software_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class Permission(models.Model):
    """Something a profile may grant: the four built in, plus a site's own."""

    key = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    is_builtin = models.BooleanField(default=False)
    requires = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="required_by",
        help_text="Granting this means granting these too (installing software needs admin rights).",
    )
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class Profile(TimeStampedModel):
    """A managed profile: the student profile labs run, or a staff profile for a role."""

    class Kind(models.TextChoices):
        STUDENT = "student", "Student profile"
        STAFF = "staff", "Staff profile"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=130, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True, help_text="Staff profiles: the role.")
    permissions = models.ManyToManyField(Permission, blank=True, related_name="profiles")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["student", "staff"]), name="software_profile_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind="student") & Q(role="")) | (Q(kind="staff") & ~Q(role="")),
                name="software_profile_role_only_for_staff",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProfileRule(models.Model):
    """A title a profile includes (may run) or blocks."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="rules")
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="profile_rules")
    allowed = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "title"], name="software_profile_rule_unique")]

    def __str__(self) -> str:
        return f"{self.profile}: {'allows' if self.allowed else 'blocks'} {self.title}"


class Image(TimeStampedModel):
    """A lab image: the software installed on a lab's machines, run under a profile."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=130, unique=True)
    platform = models.CharField(max_length=10, choices=Platform.choices, default=Platform.WINDOWS)
    labs = models.ManyToManyField("places.Room", blank=True, related_name="software_images")
    profile = models.ForeignKey(
        Profile,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="images",
        help_text="The profile students sign in with on this image.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImageItem(models.Model):
    """A title installed in an image, at a version ('' when the inventory did not say)."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="items")
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="image_items")
    version = models.CharField(max_length=60, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["image", "title"], name="software_image_item_unique")]
        indexes = [models.Index(fields=["title", "image"], name="software_item_title_idx")]

    def __str__(self) -> str:
        return f"{self.title} {self.version}".strip()


class Instructor(models.Model):
    """Someone who teaches a course (faculty have no account: the registrar's list names them)."""

    name = models.CharField(max_length=150)
    email = models.EmailField(unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="courses")
    code = models.CharField(max_length=30, help_text="e.g. BIO 210")
    section = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=200)
    department = models.CharField(max_length=100, help_text="The academic department, e.g. Biology.")
    enrolment = models.PositiveIntegerField(default=0)
    instructors = models.ManyToManyField(Instructor, blank=True, related_name="courses")

    class Meta:
        ordering = ["code", "section"]
        constraints = [
            models.UniqueConstraint(fields=["term", "code", "section"], name="software_course_unique_in_term")
        ]
        indexes = [models.Index(fields=["term", "department"], name="software_course_dept_idx")]

    def __str__(self) -> str:
        return f"{self.code}{'-' + self.section if self.section else ''} {self.name}"


class Need(TimeStampedModel):
    """A course needs a title (at least a version), in a place (any lab, or a named lab), by a date."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="needs")
    title = models.ForeignKey(Title, on_delete=models.PROTECT, related_name="needs")
    min_version = models.CharField(max_length=60, blank=True)
    lab = models.ForeignKey(
        "places.Room", null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Empty: any lab."
    )
    needed_by = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_by_instructor = models.ForeignKey(
        Instructor, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    is_late = models.BooleanField(default=False, help_text="Entered after the term's deadline.")

    class Meta:
        ordering = ["needed_by", "pk"]
        constraints = [models.UniqueConstraint(fields=["course", "title"], name="software_need_one_per_title")]

    def __str__(self) -> str:
        version = f" ≥ {self.min_version}" if self.min_version else ""
        return f"{self.course.code}: {self.title}{version}"


class Answer(models.TextChoices):
    """The gap matrix's answers (matrix.py)."""

    YES = "yes", "Yes"
    MISSING = "missing", "Missing from the image"
    BLOCKED = "blocked", "Blocked by the profile"
    SEATS = "seats", "Out of licence seats"
    TOO_OLD = "too_old", "Version too old"


class Request(TimeStampedModel):
    """A gap asked of IT before term, with its own ticket in IT's queue."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"
        DECLINED = "declined", "Declined"

    ACTIVE_STATES = (State.OPEN, State.IN_PROGRESS)

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="requests")
    answer = models.CharField(max_length=10, choices=Answer.choices, help_text="The gap when it was asked.")
    lab = models.ForeignKey("places.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    due_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="software_requests_owned",
        help_text="Who in IT answers for it.",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requesting_department = models.ForeignKey(
        "accounts.Department", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    it_department = models.ForeignKey("accounts.Department", null=True, on_delete=models.SET_NULL, related_name="+")
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["need"], condition=Q(state__in=["open", "in_progress"]), name="software_one_active_request"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "in_progress"]) | Q(resolved_at__isnull=False),
                name="software_request_closed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="software_request_due_idx")]

    def __str__(self) -> str:
        return f"Request #{self.pk}: {self.need}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class Baseline(models.Model):
    """One version of a staff role's standard permission set. The highest version is current;
    a change is a new version (old ones are kept)."""

    role = models.CharField(max_length=20, choices=Role.choices)
    version = models.PositiveIntegerField()
    permissions = models.ManyToManyField(Permission, blank=True, related_name="baselines")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["role", "version"], name="software_baseline_version_unique"),
            models.CheckConstraint(condition=Q(version__gte=1), name="software_baseline_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} baseline v{self.version}"


class Workstation(TimeStampedModel):
    """A staff profile actually in use, per person or machine, as the last import saw it."""

    hostname = models.CharField(max_length=100, unique=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    profile = models.ForeignKey(Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    permissions = models.ManyToManyField(Permission, blank=True, related_name="workstations")
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["hostname"]

    def __str__(self) -> str:
        return self.hostname


class DriftDecision(models.Model):
    """What was decided about one drift item: a change request to IT, or an accepted exception
    with a reason and an expiry (after which the item is drift again)."""

    class Direction(models.TextChoices):
        BEYOND = "beyond", "Granted beyond the baseline"
        MISSING = "missing", "Missing from the baseline"

    class Kind(models.TextChoices):
        CHANGE = "change", "Change requested"
        EXCEPTION = "exception", "Accepted exception"

    workstation = models.ForeignKey(Workstation, on_delete=models.CASCADE, related_name="decisions")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    expires_on = models.DateField(null=True, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="exception") | Q(expires_on__isnull=False), name="software_exception_expires"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workstation}: {self.permission} ({self.get_kind_display()})"
