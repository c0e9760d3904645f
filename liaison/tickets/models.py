"""Tickets: cases that need follow-up, owned by a department's queue.

A ticket's history is explicit `TicketEvent` rows written by the services in the same
transaction as the change (see services.py); nothing here has side effects in save().
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liaison.accounts.models import Department
from liaison.core.models import TimeStampedModel


class Queue(TimeStampedModel):
    """Where a department's tickets wait: 'Help Desk', with sub-queues such as 'Printing'."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="queues")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Set for a sub-queue (e.g. Printing under the IT Help Desk). Same department as its parent.",
    )
    description = models.CharField(max_length=200, blank=True)
    target_response_hours = models.PositiveIntegerField(
        default=24, help_text="A new or handed-over ticket is due this many hours later."
    )
    notify_email = models.EmailField(blank=True, help_text="A shared inbox told about new and handed-over tickets.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="queue_unique_name_per_department"),
            models.CheckConstraint(condition=Q(target_response_hours__gt=0), name="queue_target_positive"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """'IT › Printing': department first, so queues read the same in every list."""
        return f"{self.department.name} › {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "A queue cannot be its own parent."})
        if self.parent_id and self.parent.department_id != self.department_id:
            raise ValidationError({"parent": "A sub-queue belongs to the same department as its parent."})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "Sub-queues go one level deep; choose a top-level queue."})


def attachment_storage() -> FileSystemStorage:
    """Uploads are private: not world-readable, and never served from a public URL (only
    through the authorised download view). The location follows settings.MEDIA_ROOT."""
    return FileSystemStorage(file_permissions_mode=0o640, directory_permissions_mode=0o750)


def attachment_path(instance: Attachment, filename: str) -> str:
    """A server-made name: the patron's file name never reaches the file system."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"tickets/{instance.ticket.reference}/{uuid.uuid4()}{suffix}"


class Ticket(TimeStampedModel):
    # Not a field: what opening the ticket wrote, kept for the request that opened it
    # (events.Opened; the API answers a create from it).
    opened_now: Any = None

    class State(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class WaitingOn(models.TextChoices):
        PATRON = "patron", "the patron"
        OTHER_DEPARTMENT = "other_department", "the other department"
        VENDOR = "vendor", "a vendor"

    class Priority(models.IntegerChoices):
        LOW = 1, "Low"
        NORMAL = 2, "Normal"
        HIGH = 3, "High"
        URGENT = 4, "Urgent"

    ACTIVE_STATES = (State.NEW, State.OPEN, State.WAITING)

    # A promoted ticket's reference IS its interaction's client id, so the two are one case.
    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets")
    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW)
    waiting_on = models.CharField(max_length=20, choices=WaitingOn.choices, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="opened_tickets"
    )
    origin_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="originated_tickets"
    )
    service_point = models.ForeignKey(
        "places.ServicePoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    interaction = models.OneToOneField(
        "desk.Interaction", null=True, blank=True, on_delete=models.PROTECT, related_name="ticket"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # Patron contact: kept only while needed (purged N days after closing), shown only on a
    # logged "Show contact details", never copied into the audit trail, e-mails or search.
    patron_name = models.CharField(max_length=150, blank=True)
    patron_email = models.EmailField(blank=True)
    patron_phone = models.CharField(max_length=40, blank=True)
    contact_purged_at = models.DateTimeField(null=True, blank=True)
    # The patron's status link. Cleared when the contact is purged, so old links stop working.

    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="followed_tickets")
    # Departments the ticket came from or passed through: they keep seeing it after a hand-off.
    referring_departments = models.ManyToManyField(Department, blank=True, related_name="referred_tickets")
    linked_articles = models.ManyToManyField("kb.Article", blank=True, related_name="tickets")

    # Subject, description and every reply, kept by the services for search (full-text on
    # PostgreSQL through a GIN index made in a migration; a plain `icontains` on SQLite).
    search_text = models.TextField(blank=True, editable=False)
    # On PostgreSQL a trigger keeps this in step with search_text (migration 0004), so searches
    # read a stored, GIN-indexed tsvector instead of computing one per row; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["queue", "state", "due_at"], name="ticket_queue_state_due_idx"),
            models.Index(fields=["assignee", "state"], name="ticket_assignee_state_idx"),
            models.Index(fields=["state", "due_at"], name="ticket_state_due_idx"),
            models.Index(fields=["queue", "-updated_at"], name="ticket_queue_updated_idx"),
            models.Index(fields=["state", "closed_at"], name="ticket_state_closed_idx"),
            # The default page (active tickets, soonest due first) walks this in order and stops
            # after a page of visible tickets, however many there are.
            models.Index(
                fields=["due_at", "id"],
                condition=Q(state__in=["new", "open", "waiting"]),
                name="ticket_active_due_idx",
            ),
            # The visibility rule's columns for active tickets (ADR 0016): a person's count of
            # their active tickets reads this index alone (no table rows), as a supervisor's
            # count reads ticket_state_closed_idx.
            models.Index(
                fields=["queue"],
                include=["id", "assignee", "opened_by"],
                condition=Q(state__in=["new", "open", "waiting"]),
                name="ticket_active_visibility_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="waiting") & ~Q(waiting_on="")) | (~Q(state="waiting") & Q(waiting_on="")),
                name="ticket_waiting_needs_waiting_on",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["resolved", "closed"]) | Q(resolved_at__isnull=False),
                name="ticket_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(state="closed") & Q(closed_at__isnull=False)) | (~Q(state="closed") & Q(closed_at=None)),
                name="ticket_closed_has_time",
            ),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=4), name="ticket_priority_valid"),
            models.CheckConstraint(
                condition=Q(contact_purged_at=None) | Q(patron_name="", patron_email="", patron_phone=""),
                name="ticket_purged_contact_is_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def number(self) -> int | None:
        """The short number people say out loud ("ticket 1042")."""
        return self.pk

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_active and self.due_at is not None and self.due_at < timezone.now()

    @property
    def has_contact(self) -> bool:
        return bool(self.patron_name or self.patron_email or self.patron_phone)

    @property
    def was_promoted(self) -> bool:
        return self.interaction_id is not None


class Reply(models.Model):
    """A public reply (the patron sees it on the status page and by e-mail) or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket_replies"
    )
    body = models.TextField()
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"{'Note' if self.is_internal else 'Reply'} on #{self.ticket_id}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=attachment_storage, max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket_attachments"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


def hash_status_token(token: str) -> str:
    # 256 random bits: a fast hash is enough, as for API tokens.
    return hashlib.sha256(token.encode()).hexdigest()


class StatusLinkManager(models.Manager["StatusLink"]):
    def mint(self, *, ticket: Ticket, created_by=None, now: dt.datetime | None = None) -> tuple[StatusLink, str]:
        """A new link for `ticket`: returns the row and its token. The token is 256 random bits
        and is never stored (only its SHA-256), so it exists only where it is handed over."""
        now = now or timezone.now()
        token = secrets.token_urlsafe(32)
        link = self.create(
            ticket=ticket,
            token_hash=hash_status_token(token),
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.LIAISON_STATUS_LINK_DAYS),
            created_by=created_by,
        )
        return link, token


class StatusLink(models.Model):
    """A link that lets the patron follow their request without an account (security R3).

    Only the SHA-256 of the token is stored: the link itself exists only in the e-mail or
    on the screen it was made for. Each patron e-mail carries a fresh link, so none has to be
    re-sent; every link expires (see services.status_link_issue and the selector)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="status_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = StatusLinkManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Status link for #{self.ticket_id} (until {self.expires_at:%Y-%m-%d})"


class TicketEvent(models.Model):
    """One line of a ticket's history, written by the service that made the change."""

    class Kind(models.TextChoices):
        CREATED = "created", "Opened"
        PROMOTED = "promoted", "Opened from a desk interaction"
        STATE_CHANGED = "state_changed", "State changed"
        ASSIGNED = "assigned", "Assigned"
        PRIORITY_CHANGED = "priority_changed", "Priority changed"
        QUEUE_CHANGED = "queue_changed", "Moved to another queue"
        HANDED_OFF = "handed_off", "Handed off"
        REPLY = "reply", "Public reply"
        INTERNAL_NOTE = "internal_note", "Internal note"
        ATTACHMENT_ADDED = "attachment_added", "Attachment added"
        ARTICLE_LINKED = "article_linked", "Article linked"
        ARTICLE_UNLINKED = "article_unlinked", "Article unlinked"
        CONTACT_PURGED = "contact_purged", "Contact details purged"

    # What the patron's status page may show; everything else is staff-only.
    PUBLIC_KINDS = (Kind.CREATED, Kind.PROMOTED, Kind.STATE_CHANGED, Kind.HANDED_OFF, Kind.REPLY)

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    from_queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply = models.ForeignKey(Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    attachment = models.ForeignKey(Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    article = models.ForeignKey("kb.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="ticket_event_timeline_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


class ContactAccessLog(models.Model):
    """Every time a staff member opens a ticket's patron contact details. No copy of them."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="contact_views")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="ticket_contact_views"
    )
    user_label = models.CharField(max_length=150, help_text="Kept if the account is removed.")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_label} viewed #{self.ticket_id} contact at {self.at:%Y-%m-%d %H:%M}"
