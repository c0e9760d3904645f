"""Writes for the referral directory. Every change is validated here, audited in the same
transaction, and reported with the field that was wrong."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from liaison.accounts.models import Department, User
from liaison.audit.services import audit_record, snapshot
from liaison.directory.models import REVIEW_INTERVAL_DAYS, DirectoryEntry, split_handles
from liaison.places.models import Building

logger = logging.getLogger(__name__)

MAX_REVIEW_AHEAD_DAYS = 2 * 365  # nobody may park an entry beyond two years without a look
_PHONE = re.compile(r"^[0-9+()./\- x]*(?:ext\.? ?[0-9]+)?$", re.IGNORECASE)
_EDITABLE = (
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


def _clean(values: dict[str, Any], *, creating: bool, current_review_by: dt.date | None = None) -> dict[str, Any]:
    """Validate and normalise the editable fields present in `values`. Raises one
    ValidationError naming every field that is wrong."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    out = dict(values)
    for key in ("name", "location", "hours", "phone", "email", "url", "description"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "name" in out:
        if not out["name"]:
            errors["name"] = "Give the entry a name, e.g. 'Registrar' or 'Writing Center'."
        elif len(out["name"]) > 160:
            errors["name"] = "Keep the name under 160 characters."
    if "kind" in out and out["kind"] not in DirectoryEntry.Kind.values:
        errors["kind"] = f"Choose one of: {', '.join(DirectoryEntry.Kind.values)}."
    if "handles" in out:
        out["handles"] = _normalise_handles(out["handles"] or "")
        if not out["handles"]:
            errors["handles"] = "List what this entry handles (keywords or phrases), so 'Who handles X?' can find it."
    if out.get("email"):
        try:
            EmailValidator()(out["email"])
        except ValidationError:
            errors["email"] = "Enter a valid e-mail address, like registrar@college.edu."
    if out.get("url"):
        try:
            URLValidator(schemes=["http", "https"])(out["url"])
        except ValidationError:
            errors["url"] = "Enter a full web address starting with http:// or https://."
    if out.get("phone") and (len(out["phone"]) > 40 or not _PHONE.match(out["phone"])):
        errors["phone"] = "Enter a phone number using digits, spaces, + ( ) - . and 'ext'."
    if "location" in out and len(out["location"]) > 200:
        errors["location"] = "Keep the location under 200 characters."
    if "hours" in out and len(out["hours"]) > 200:
        errors["hours"] = "Keep the hours under 200 characters."
    if "department" in out and not isinstance(out["department"], Department):
        errors["department"] = "Choose the department that keeps this entry."
    if out.get("building") is not None and not isinstance(out["building"], Building):
        errors["building"] = "Choose a building from the list, or leave it empty."
    owner = out.get("owner")
    if owner is not None and (not isinstance(owner, User) or not owner.is_active):
        errors["owner"] = "The owner must be an active person who can keep the entry true."
    if "is_active" in out and not isinstance(out["is_active"], bool):
        errors["is_active"] = "Say true or false."
    if "review_by" in out:
        if out["review_by"] is None and creating:
            out["review_by"] = today + dt.timedelta(days=REVIEW_INTERVAL_DAYS)
        problem = review_by_problem(out["review_by"], current=current_review_by, today=today)
        if problem:
            errors["review_by"] = problem
    if errors:
        raise ValidationError(errors)
    return out


def review_by_problem(review_by, *, current: dt.date | None = None, today: dt.date | None = None) -> str:
    """Why a review-by date is not acceptable, or ''. A date already on the entry may stay
    (editing an overdue entry is fine); a new one must be from today to two years out."""
    today = today or timezone.localdate()
    if not isinstance(review_by, dt.date):
        return "Enter the review-by date as YYYY-MM-DD."
    if review_by < today and review_by != current:
        return "The review-by date is in the past; choose today or a later date."
    if review_by > today + dt.timedelta(days=MAX_REVIEW_AHEAD_DAYS):
        return "Review entries at least every two years; choose an earlier review-by date."
    return ""


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "entry"
    slug, n = base, 2
    while DirectoryEntry.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def entry_create(
    *,
    actor,
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
        raise ValidationError({"slug": "Another directory entry already uses this short name."})
    entry = DirectoryEntry.objects.create(slug=slug or _unique_slug(values["name"]), **values)
    audit_record(actor=actor, action="directory_entry.create", obj=entry, after=snapshot(entry))
    return entry


@transaction.atomic
def entry_update(*, actor, entry: DirectoryEntry, **changes: Any) -> DirectoryEntry:
    """Change any editable field; pass only what changes. Unknown fields are refused."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    values = _clean(changes, creating=False, current_review_by=entry.review_by)
    before = snapshot(entry)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.save()
    audit_record(actor=actor, action="directory_entry.update", obj=entry, before=before, after=snapshot(entry))
    return entry


@transaction.atomic
def entry_mark_reviewed(*, actor, entry: DirectoryEntry, next_review_by: dt.date | None = None) -> DirectoryEntry:
    """Someone checked the entry is still true: stamp it and push the review-by date out
    (a year by default)."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    today = timezone.localdate()
    next_review_by = next_review_by or today + dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    if next_review_by <= today:
        raise ValidationError({"next_review_by": "The next review date must be after today."})
    if next_review_by > today + dt.timedelta(days=MAX_REVIEW_AHEAD_DAYS):
        raise ValidationError({"next_review_by": "Review entries at least every two years; choose an earlier date."})
    before = snapshot(entry)
    entry.last_reviewed_at = timezone.now()
    entry.review_by = next_review_by
    entry.save(update_fields=["last_reviewed_at", "review_by", "updated_at"])
    audit_record(actor=actor, action="directory_entry.review", obj=entry, before=before, after=snapshot(entry))
    return entry


@transaction.atomic
def entry_retire(*, actor, entry: DirectoryEntry) -> DirectoryEntry:
    """Take an entry out of search and reminders (an office closed or merged). Past
    referrals to it stay counted."""
    entry = DirectoryEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.is_active:
        return entry
    before = snapshot(entry)
    entry.is_active = False
    entry.save(update_fields=["is_active", "updated_at"])
    audit_record(actor=actor, action="directory_entry.retire", obj=entry, before=before, after=snapshot(entry))
    return entry


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """E-mail each owner one digest of their active entries past review-by. Entries with no
    active owner go to their department's contact address. Returns the number of e-mails
    sent; a failed send is logged and the others still go."""
    from liaison.directory.selectors import entries_due_for_review

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
    sent = 0
    for address, entries in sorted(by_recipient.items()):
        context = {
            "name": names[address],
            "entries": entries,
            "today": today,
            "site_url": settings.SITE_URL,
            "site_name": settings.SITE_NAME,
        }
        count = len(entries)
        message = EmailMessage(
            subject=f"{count} directory {'entry is' if count == 1 else 'entries are'} due for review",
            body=render_to_string("directory/email_review_digest.txt", context),
            to=[address],
        )
        try:
            message.send(fail_silently=False)
        except Exception:
            logger.exception("Could not send the directory review digest to %s.", address)
            continue
        sent += 1
    return sent
