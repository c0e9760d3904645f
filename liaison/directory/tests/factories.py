"""Small builders for directory tests."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

from django.utils import timezone

from liaison.accounts.models import User
from liaison.core.roles import Role
from liaison.directory.models import DirectoryEntry
from liaison.directory.services import entry_create

_n = itertools.count(1)


def editor() -> User:
    """Someone the policy lets add and change entries (services refuse anyone else). No
    e-mail address, so the review digest never goes to them."""
    return User.objects.get_or_create(username="directory_editor", defaults={"role": Role.SUPERVISOR})[0]


def make_entry(*, department, review_in_days: int | None = None, actor: User | None = None, **fields) -> DirectoryEntry:
    """An entry made through the service; `review_in_days` < 0 backdates review_by (overdue)."""
    n = next(_n)
    values = {"name": f"Office {n}", "handles": f"thing {n}"} | fields
    entry = entry_create(actor=actor or editor(), department=department, **values)
    if review_in_days is not None:
        DirectoryEntry.objects.filter(pk=entry.pk).update(
            review_by=timezone.localdate() + dt.timedelta(days=review_in_days)
        )
        entry.refresh_from_db()
    return entry


def make_referrals(entry: DirectoryEntry, count: int, *, days_ago: int = 1) -> None:
    """Desk interactions referring to `entry`, built through the ORM's reverse relation so the
    directory's tests do not import the desk app."""
    from liaison.places.models import ServicePoint

    interaction = DirectoryEntry._meta.get_field("referrals").related_model
    kind_model = interaction._meta.get_field("kind").related_model
    kind, _ = kind_model.objects.get_or_create(slug="directional", defaults={"name": "Directional"})
    point, _ = ServicePoint.objects.get_or_create(slug="test-desk", defaults={"name": "Test desk"})
    when = timezone.now() - dt.timedelta(days=days_ago)
    interaction.objects.bulk_create(
        interaction(
            client_id=uuid.uuid4(),
            service_point=point,
            kind=kind,
            read_level=1,
            referred_to=entry,
            occurred_at=when,
            logged_at=when,
            content_fingerprint=uuid.uuid4().hex,
        )
        for _ in range(count)
    )
