"""What happened to a directory entry, one function per kind (the shape of
`liaison/core/events.py`), and the one side effect the directory has: the review digest.

The directory keeps no history table of its own: the audit trail is its history. Each entry
function writes the audit row in the caller's transaction and is the one place to add a side
effect for that kind. `review_digest_due` schedules a digest e-mail after commit; the task
sends it and re-raises a failure so the queue retries it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record, snapshot
from liaison.core.events import after_commit
from liaison.directory import tasks
from liaison.directory.models import DirectoryEntry

if TYPE_CHECKING:
    from liaison.accounts.models import User


def entry_snapshot(entry: DirectoryEntry) -> dict[str, Any]:
    """Every field of the entry, as the audit trail keeps it before and after a change."""
    return snapshot(entry)


def entry_created(*, actor: User, entry: DirectoryEntry) -> None:
    audit_record(actor=actor, action="directory_entry.create", obj=entry, after=entry_snapshot(entry))


def entry_updated(*, actor: User, entry: DirectoryEntry, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="directory_entry.update", obj=entry, before=before, after=entry_snapshot(entry))


def entry_reviewed(*, actor: User, entry: DirectoryEntry, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="directory_entry.review", obj=entry, before=before, after=entry_snapshot(entry))


def entry_retired(*, actor: User, entry: DirectoryEntry, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="directory_entry.retire", obj=entry, before=before, after=entry_snapshot(entry))


def review_digest_due(*, address: str, name: str, entries: list[DirectoryEntry], today: dt.date) -> None:
    """One person (or department) is to be reminded of these overdue entries: send them one
    digest once the transaction commits."""
    after_commit(tasks.send_review_digest, address, name, [entry.pk for entry in entries], today.isoformat())
