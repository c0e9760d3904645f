"""Labs and equipment: what each device is, where it stands, what went wrong with it and
whether the lab computers are in use right now.

Nothing here has side effects in save(): the services write rows and their events together.
A lab is a `places.Room` with kind "lab"; an incident is always tied to its `tickets.Ticket`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from liaison.core.models import TimeStampedModel


class Kind(models.TextChoices):
    WORKSTATION = "workstation", "Workstation"
    PRINTER = "printer", "Printer"
    LABEL_PRINTER = "label_printer", "Label printer"
    SCANNER = "scanner", "Scanner"
    COPIER = "copier", "Copier"
    OTHER = "other", "Other"


PRINTING_KINDS = (Kind.PRINTER, Kind.LABEL_PRINTER, Kind.COPIER)

# The problems a patron picks from, per kind of device (code, what they read). "other" is
# offered for every kind. Codes are stable: reports and figures group by them.
PROBLEMS: dict[str, tuple[tuple[str, str], ...]] = {
    Kind.WORKSTATION: (
        ("wont_power_on", "Won't power on"),
        ("cant_sign_in", "Can't sign in"),
        ("no_internet", "No internet"),
        ("frozen", "Frozen or very slow"),
        ("keyboard_mouse", "Keyboard or mouse broken"),
        ("screen", "Screen problem"),
        ("software_missing", "Software missing or won't start"),
    ),
    Kind.PRINTER: (
        ("paper_jam", "Paper jam"),
        ("out_of_paper", "Out of paper"),
        ("out_of_toner", "Out of toner"),
        ("print_quality", "Streaky or faint prints"),
        ("wont_power_on", "Won't power on"),
        ("job_not_printing", "My job doesn't print"),
    ),
    Kind.LABEL_PRINTER: (
        ("labels_jam", "Labels jammed"),
        ("out_of_labels", "Out of labels"),
        ("out_of_ribbon", "Out of ribbon"),
        ("misaligned", "Labels print misaligned"),
        ("wont_power_on", "Won't power on"),
    ),
    Kind.SCANNER: (
        ("wont_scan", "Won't scan"),
        ("cant_send", "Can't send the scan"),
        ("wont_power_on", "Won't power on"),
    ),
    Kind.COPIER: (
        ("paper_jam", "Paper jam"),
        ("out_of_paper", "Out of paper"),
        ("out_of_toner", "Out of toner"),
        ("card_reader", "Card reader doesn't work"),
        ("wont_power_on", "Won't power on"),
    ),
    Kind.OTHER: (("wont_power_on", "Won't power on"), ("broken", "Broken")),
}
OTHER_PROBLEM = ("other", "Something else")


def problems_for(kind: str) -> tuple[tuple[str, str], ...]:
    return (*PROBLEMS.get(kind, PROBLEMS[Kind.OTHER]), OTHER_PROBLEM)


def problem_label(code: str) -> str:
    for options in PROBLEMS.values():
        for key, label in options:
            if key == code:
                return label
    return OTHER_PROBLEM[1] if code == OTHER_PROBLEM[0] else code.replace("_", " ").capitalize()


class Maker(TimeStampedModel):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssetModel(TimeStampedModel):
    """A make and model ('Zebra ZD421'): reliability figures are also given per model."""

    maker = models.ForeignKey(Maker, on_delete=models.PROTECT, related_name="models")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["maker__name", "name"]
        verbose_name = "model"
        constraints = [models.UniqueConstraint(fields=["maker", "name"], name="labs_model_unique_per_maker")]

    def __str__(self) -> str:
        return f"{self.maker.name} {self.name}"


def new_public_code() -> str:
    """The code printed in the QR label: 10 random URL-safe characters, never the tag (a tag
    can change; the sticker must not)."""
    return secrets.token_urlsafe(8)[:10]


class Asset(TimeStampedModel):
    """One device. Its kind is its model's kind; where it stands is a room (usually a lab)."""

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", "In service"
        IN_STORAGE = "in_storage", "In storage"
        RETIRED = "retired", "Retired"

    tag = models.CharField(max_length=40, unique=True, help_text="The asset tag on the device, e.g. LIB-PC-110-01.")
    name = models.CharField(max_length=120, blank=True, help_text="What people call it: 'Printer by the door'.")
    serial = models.CharField(max_length=80, blank=True)
    model = models.ForeignKey(AssetModel, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(
        max_length=20, choices=Kind.choices, editable=False, help_text="Copied from the model by the services."
    )
    room = models.ForeignKey("places.Room", on_delete=models.PROTECT, related_name="assets")
    owner = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="assets",
        help_text="Whose equipment it is: a repair by the other department counts in the partnership ledger.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_SERVICE, db_index=True)
    notes = models.TextField(blank=True)
    in_service_on = models.DateField(null=True, blank=True)
    network_address = models.CharField(
        max_length=200, blank=True, help_text="For network printers: host name or IP address (IPP)."
    )
    public_code = models.CharField(max_length=16, unique=True, default=new_public_code, editable=False)

    class Meta:
        ordering = ["room__name", "tag"]
        indexes = [models.Index(fields=["room", "status", "kind"], name="labs_asset_room_status_idx")]

    def __str__(self) -> str:
        return f"{self.tag} ({self.name})" if self.name else self.tag

    @property
    def label(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.tag}"

    @property
    def in_service(self) -> bool:
        return self.status == self.Status.IN_SERVICE


class Incident(TimeStampedModel):
    """A device out of order, from the first report to the repair. One open incident per
    asset: later reports join it. Every incident is tied to a ticket in IT's queue."""

    class State(models.TextChoices):
        REPORTED = "reported", "Reported"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        IN_REPAIR = "in_repair", "In repair"
        RESOLVED = "resolved", "Resolved"

    class Source(models.TextChoices):
        STAFF = "staff", "Staff"
        PATRON = "patron", "Patron (QR code)"
        DEVICE = "device", "The device itself"

    OPEN_STATES = (State.REPORTED, State.ACKNOWLEDGED, State.IN_REPAIR)

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="incidents")
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.PROTECT, related_name="lab_incident")
    state = models.CharField(max_length=20, choices=State.choices, default=State.REPORTED)
    source = models.CharField(max_length=20, choices=Source.choices)
    problem = models.CharField(max_length=40)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    repair_started_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True, db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=500, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    system = models.ForeignKey(
        "LibrarySystem", null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents",
        help_text="The library system this fault touches (e.g. the label-printing set-up), if any.",
    )  # fmt: skip

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["asset", "started_at"], name="labs_incident_asset_start_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["asset"], condition=~Q(state="resolved"), name="labs_one_open_incident_per_asset"
            ),
            models.CheckConstraint(
                condition=(Q(state="resolved") & Q(resolved_at__isnull=False) & Q(resolved_at__gte=F("started_at")))
                | (~Q(state="resolved") & Q(resolved_at=None)),
                name="labs_incident_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Incident {self.pk} on {self.asset.tag}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED

    @property
    def problem_label(self) -> str:
        return problem_label(self.problem)


class FaultReport(models.Model):
    """One report as it came in (from the QR page, staff or the device). No IP address, user
    agent or cookie is stored; the contact is optional and purged after the incident ends."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="reports")
    source = models.CharField(max_length=20, choices=Incident.Source.choices)
    problem = models.CharField(max_length=40)
    note = models.CharField(max_length=1000, blank=True)
    contact = models.CharField(max_length=200, blank=True)
    has_photo = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Report on incident {self.incident_id}"

    @property
    def problem_label(self) -> str:
        return problem_label(self.problem)


class MaintenanceWindow(TimeStampedModel):
    """Planned downtime: not counted against availability."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="maintenance_windows")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="labs_maintenance_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.asset.tag}: {self.reason}"


class LabAgent(TimeStampedModel):
    """The account a lab's workstation agents post as: one per lab, holding one API token
    (accounts.ApiToken). Its user has no password and no role beyond posting usage here."""

    room = models.OneToOneField("places.Room", on_delete=models.CASCADE, related_name="lab_agent")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_agent")

    def __str__(self) -> str:
        return f"Agent for {self.room}"


class WorkstationPresence(models.Model):
    """What the agent last said about one workstation: the board's source. Heartbeats only
    move `last_seen_at` (telemetry, ADR 0020); sessions are rows of their own."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True, related_name="presence")
    last_seen_at = models.DateTimeField(null=True, blank=True)
    in_use = models.BooleanField(default=False)
    powered_off = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.asset_id} seen {self.last_seen_at}"


class UsageSession(models.Model):
    """Sign-in to sign-out on a workstation, as the agent reported it. No user name: usage
    figures need the when, not the who. `client_id` is the agent's id for the sign-in, so a
    resend stores nothing new (durable once acknowledged, ADR 0020)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="sessions")
    client_id = models.UUIDField(unique=True)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["asset", "started_at"], name="labs_session_asset_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at=None) | Q(ended_at__gte=F("started_at")), name="labs_session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"Session on {self.asset_id} from {self.started_at}"


class PrintJob(models.Model):
    """One print job from an imported print log (PaperCut and others): pages per printer
    per day are sums of these. No user name is kept."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="print_jobs")
    printed_at = models.DateTimeField()
    pages = models.PositiveIntegerField()
    import_identity = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["-printed_at"]
        indexes = [models.Index(fields=["asset", "printed_at"], name="labs_printjob_asset_at_idx")]

    def __str__(self) -> str:
        return f"{self.pages} page(s) on {self.asset_id} at {self.printed_at}"


class PrinterSignal(models.Model):
    """What a network printer last said when the poller asked it over IPP (ADR 0057). One row
    per printer with an address; the board reads it: not answering is "no signal"."""

    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, primary_key=True, related_name="printer_signal")
    polled_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answering = models.BooleanField(default=False)
    printer_state = models.CharField(max_length=20, blank=True, help_text="idle, processing or stopped")
    reasons = models.CharField(max_length=300, blank=True, help_text="printer-state-reasons, without 'none'")
    fault = models.CharField(max_length=300, blank=True, help_text="The reasons that stop it printing, if any.")
    error = models.CharField(max_length=200, blank=True, help_text="Why it counts as no signal.")

    def __str__(self) -> str:
        return f"{self.asset_id}: {'answering' if self.answering else 'no signal'} at {self.polled_at}"


class LibrarySystem(TimeStampedModel):
    """A system beyond the labs that IT supports for the library (the catalogue, discovery, the
    proxy, the website, the label-printing set-up): who owns it on each side, whom to call, how
    it is right now and what is known to be wrong with it (ADR 0058)."""

    class Status(models.TextChoices):
        OPERATIONAL = "operational", "Working"
        DEGRADED = "degraded", "Degraded"
        OUTAGE = "outage", "Outage"
        MAINTENANCE = "maintenance", "Planned maintenance"

    TROUBLE = (Status.DEGRADED, Status.OUTAGE, Status.MAINTENANCE)

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=300, blank=True, help_text="Where people use it (https://…), shown to staff.")
    library_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who answers for it in the library.",
    )  # fmt: skip
    it_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who answers for it in IT.",
    )  # fmt: skip
    support_contacts = models.TextField(
        blank=True, help_text="Whom to call, one per line: the vendor's support line, an on-call list."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPERATIONAL, db_index=True)
    status_note = models.CharField(
        max_length=300, blank=True, help_text="What staff at the desk should know and say while it is not working."
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    known_issues = models.TextField(blank=True, help_text="Known problems and their workarounds, one per line.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def in_trouble(self) -> bool:
        return self.status in self.TROUBLE


class SystemTicket(models.Model):
    """A ticket that names a library system: linked from the system's side, so the tickets app
    keeps no column for labs (ADR 0058)."""

    system = models.ForeignKey(LibrarySystem, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="library_system_link")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-linked_at"]

    def __str__(self) -> str:
        return f"{self.system} ← ticket {self.ticket_id}"


class Headcount(models.Model):
    """People counted in one lab (or one area of it) during one hour, from a door counter or a
    manual count sheet. `area` "" is the whole lab's total as the sheet gave it (ADR 0059)."""

    room = models.ForeignKey("places.Room", on_delete=models.CASCADE, related_name="headcounts")
    area = models.CharField(max_length=60, blank=True)
    hour_start = models.DateTimeField(help_text="The start of the hour counted.")
    count = models.PositiveIntegerField()
    import_identity = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["hour_start", "room_id", "area"]
        indexes = [models.Index(fields=["room", "hour_start"], name="labs_headcount_room_hour_idx")]
        constraints = [
            models.UniqueConstraint(fields=["room", "area", "hour_start"], name="labs_headcount_one_per_hour")
        ]

    def __str__(self) -> str:
        return f"{self.count} in {self.room_id}/{self.area or 'total'} at {self.hour_start}"
