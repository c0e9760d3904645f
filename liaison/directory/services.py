"""Writes for the referral directory. Each service asks `policy.py` itself (so no adapter can
forget), validates with `reject(...)` and a code from `errors.py`, writes through
`events.py` (the audit row, and any side effect after commit), and returns the entry.

Other apps' models are never imported here: a department, building or owner is checked
against the model the entry's foreign key points at.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from liaison.core.errors import reject
from liaison.core.services import model_update
from liaison.directory import events, policy
from liaison.directory.models import REVIEW_INTERVAL_DAYS, DirectoryEntry, split_handles
from liaison.directory.selectors import entries_due_for_review

if TYPE_CHECKING:
    from liaison.accounts.models import Department, User
    from liaison.places.models import Building

logger = logging.getLogger(__name__)

MAX_REVIEW_AHEAD_DAYS = 2 * 365  # nobody may park an entry beyond two years without a look
_PHONE = re.compile(r"^[0-9+()./\- x]*(?:ext\.? ?[0-9]+)?$", re.IGNORECASE)
EDITABLE_FIELDS = (
    "name",
    "kind",
    "handles",
    "description",
    "location",
    "building",
    "hours",
    "email",
    "phone",
    "url",
    "department",
    "owner",
    "review_by",
    "is_active",
)


# --- Validation ----------------------------------------------------------------------------


class _Problems:
    """Every field that is wrong, reported at once, each with its code."""

    def __init__(self) -> None:
        self.found: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, *, code: str) -> None:
        self.found.setdefault(field, []).extend(reject(field, message, code=code).error_dict[field])

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _points_at(field: str) -> type[models.Model]:
    """The model a foreign key of DirectoryEntry points at (Department, Building, User)."""
    related = DirectoryEntry._meta.get_field(field).related_model
    assert isinstance(related, type)
    return related


def _normalise_handles(text: str) -> str:
    """One phrase a line, duplicates dropped (case-insensitively), order kept."""
    seen: set[str] = set()
    phrases = []
    for phrase in split_handles(text):
        phrase = " ".join(phrase.split())
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            phrases.append(phrase)
    return "\n".join(phrases)


def _clean(values: Mapping[str, Any], *, creating: bool, current_review_by: dt.date | None = None) -> dict[str, Any]:
    """Validate and normalise the editable fields present in `values`. Raises one
    ValidationError naming every field that is wrong."""
    problems = _Problems()
    today = timezone.localdate()
    out = dict(values)
    for key in ("name", "location", "hours", "phone", "email", "url", "description"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "name" in out:
        if not out["name"]:
            problems.add(
                "name", "Give the entry a name, e.g. 'Registrar' or 'Writing Center'.", code="directory.name_required"
            )
        elif len(out["name"]) > 160:
            problems.add("name", "Keep the name under 160 characters.", code="directory.name_too_long")
    if "kind" in out and out["kind"] not in DirectoryEntry.Kind.values:
        problems.add("kind", f"Choose one of: {', '.join(DirectoryEntry.Kind.values)}.", code="directory.kind_invalid")
    if "handles" in out:
        out["handles"] = _normalise_handles(out["handles"] or "")
        if not out["handles"]:
            problems.add(
                "handles",
                "List what this entry handles (keywords or phrases), so 'Who handles X?' can find it.",
                code="directory.handles_required",
            )
    if out.get("email"):
        try:
            EmailValidator()(out["email"])
        except ValidationError:
            problems.add(
                "email", "Enter a valid e-mail address, like registrar@college.edu.", code="directory.email_invalid"
            )
    if out.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(out["url"])
        except ValidationError:
            problems.add(
                "url", "Enter a full web address starting with http:// or https://.", code="directory.url_invalid"
            )
    if out.get("phone") and (len(out["phone"]) > 40 or not _PHONE.match(out["phone"])):
        problems.add(
            "phone", "Enter a phone number using digits, spaces, + ( ) - . and 'ext'.", code="directory.phone_invalid"
        )
    if "location" in out and len(out["location"]) > 200:
        problems.add("location", "Keep the location under 200 characters.", code="directory.location_too_long")
    if "hours" in out and len(out["hours"]) > 200:
        problems.add("hours", "Keep the hours under 200 characters.", code="directory.hours_too_long")
    if "department" in out and not isinstance(out["department"], _points_at("department")):
        problems.add("department", "Choose the department that keeps this entry.", code="directory.department_required")
    if out.get("building") is not None and not isinstance(out["building"], _points_at("building")):
        problems.add(
            "building", "Choose a building from the list, or leave it empty.", code="directory.building_invalid"
        )
    owner = out.get("owner")
    if owner is not None and not (isinstance(owner, _points_at("owner")) and getattr(owner, "is_active", False)):
        problems.add(
            "owner", "The owner must be an active person who can keep the entry true.", code="directory.owner_inactive"
        )
    if "is_active" in out and not isinstance(out["is_active"], bool):
        problems.add("is_active", "Say true or false.", code="directory.is_active_invalid")
    if "review_by" in out:
        if out["review_by"] is None and creating:
            out["review_by"] = today + dt.timedelta(days=REVIEW_INTERVAL_DAYS)
        problem = _review_by_problem(out["review_by"], current=current_review_by, today=today)
        if problem:
            problems.add("review_by", problem[0], code=problem[1])
    problems.raise_any()
    return out


def _review_by_problem(review_by: Any, *, current: dt.date | None, today: dt.date) -> tuple[str, str] | None:
    if not isinstance(review_by, dt.date):
        return "Enter the review-by date as YYYY-MM-DD.", "directory.review_by_invalid"
    if review_by < today and review_by != current:
        return "The review-by date is in the past; choose today or a later date.", "directory.review_by_past"
    if review_by > today + dt.timedelta(days=MAX_REVIEW_AHEAD_DAYS):
        return (
            "Review entries at least every two years; choose an earlier review-by date.",
            "directory.review_by_too_far",
        )
    return None


def review_by_problem(review_by: Any, *, current: dt.date | None = None, today: dt.date | None = None) -> str:
    """Why a review-by date is not acceptable, or ''. A date already on the entry may stay
    (editing an overdue entry is fine); a new one must be from today to two years out."""
    problem = _review_by_problem(review_by, current=current, today=today or timezone.localdate())
    return problem[0] if problem else ""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "entry"
    slug, n = base, 2
    while DirectoryEntry.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Writes --------------------------------------------------------------------------------


@transaction.atomic
def entry_create(
    *,
    actor: User,
    name: str,
    handles: str,
    department: Department | None,
    kind: str = DirectoryEntry.Kind.OFFICE,
    description: str = "",
    location: str = "",
    building: Building | None = None,
    hours: str = "",
    email: str = "",
    phone: str = "",
    url: str = "",
    owner: User | None = None,
    review_by: dt.date | None = None,
    slug: str = "",
) -> DirectoryEntry:
    """Add a referral target. Its review-by date defaults to a year from today."""
    _require(policy.can_edit_entries(actor), "Only staff may add directory entries.")
    values = _clean(
        {
            "name": name,
            "handles": handles,
            "department": department,
            "kind": kind,
            "description": description,
            "location": location,
            "building": building,
            "hours": hours,
            "email": email,
            "phone": phone,
            "url": url,
            "owner": owner,
            "review_by": review_by,
        },
        creating=True,
    )
    slug = slugify(slug) if slug else ""
    if slug and DirectoryEntry.objects.filter(slug=slug).exists():
        raise reject("slug", "Another directory entry already uses this short name.", code="directory.slug_taken")
    entry = DirectoryEntry.objects.create(slug=slug or _unique_slug(values["name"]), **values)
    events.entry_created(actor=actor, entry=entry)
    return entry


@transaction.atomic
def entry_update(*, actor: User, entry: DirectoryEntry, data: Mapping[str, Any]) -> DirectoryEntry:
    """Change any editable field: `data` carries only what changes. Nothing is written (and
    nothing audited) when nothing differs."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    _require(policy.can_edit_entry(actor, entry), "Only staff may change directory entries.")
    values = _clean(data, creating=False, current_review_by=entry.review_by)
    before = events.entry_snapshot(entry)
    entry, changed = model_update(instance=entry, fields=EDITABLE_FIELDS, data=values)
    if changed:
        events.entry_updated(actor=actor, entry=entry, before=before)
    return entry


@transaction.atomic
def entry_mark_reviewed(*, actor: User, entry: DirectoryEntry, next_review_by: dt.date | None = None) -> DirectoryEntry:
    """Someone checked the entry is still true: stamp it and push the review-by date out
    (a year by default)."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    _require(policy.can_edit_entry(actor, entry), "Only staff may mark directory entries reviewed.")
    today = timezone.localdate()
    next_review_by = next_review_by or today + dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    if next_review_by <= today:
        raise reject(
            "next_review_by", "The next review date must be after today.", code="directory.next_review_not_future"
        )
    if next_review_by > today + dt.timedelta(days=MAX_REVIEW_AHEAD_DAYS):
        raise reject(
            "next_review_by",
            "Review entries at least every two years; choose an earlier date.",
            code="directory.next_review_too_far",
        )
    before = events.entry_snapshot(entry)
    entry.last_reviewed_at = timezone.now()
    entry.review_by = next_review_by
    entry.save(update_fields=["last_reviewed_at", "review_by", "updated_at"])
    events.entry_reviewed(actor=actor, entry=entry, before=before)
    return entry


@transaction.atomic
def entry_retire(*, actor: User, entry: DirectoryEntry) -> DirectoryEntry:
    """Take an entry out of search and reminders (an office closed or merged). Past
    referrals to it stay counted."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    _require(policy.can_edit_entry(actor, entry), "Only staff may retire directory entries.")
    if not entry.is_active:
        return entry
    before = events.entry_snapshot(entry)
    entry.is_active = False
    entry.save(update_fields=["is_active", "updated_at"])
    events.entry_retired(actor=actor, entry=entry, before=before)
    return entry


# --- The daily reminder (a system job: no actor) --------------------------------------------


@transaction.atomic
def review_reminders_enqueue(*, today: dt.date | None = None) -> int:
    """A system job, run without an actor by the daily task and the management command:
    decide who is reminded of which overdue entries, and queue one digest e-mail per person
    after commit (`events.review_digest_due`). Each owner gets their active entries past
    review-by; entries with no active owner go to their department's contact address; an
    entry with neither is logged as a warning. Returns the number of digests queued. Sending
    is the task's job: a failed send is retried, never skipped."""
    today = today or timezone.localdate()
    by_recipient: dict[str, list[DirectoryEntry]] = defaultdict(list)
    names: dict[str, str] = {}
    for entry in entries_due_for_review(today=today):
        owner = entry.owner
        if owner is not None and owner.is_active and owner.email:
            address, name = owner.email, str(owner)
        elif entry.department.contact_email:
            address, name = entry.department.contact_email, str(entry.department)
        else:
            logger.warning("Directory entry %s is overdue for review and has nobody to remind.", entry.pk)
            continue
        by_recipient[address].append(entry)
        names[address] = name
    for address, entries in sorted(by_recipient.items()):
        events.review_digest_due(address=address, name=names[address], entries=entries, today=today)
    return len(by_recipient)
