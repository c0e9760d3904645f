"""Undoing and correcting an entry: its logger within 2 minutes of logging it, a supervisor at
any time (`policy.can_change_interaction`). Both are audited through `events.py`, and both
tell the count tables that an hour they may have filled has changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from liaison.core import counts
from liaison.core.errors import reject
from liaison.core.services import model_update
from liaison.desk import events, policy, stats
from liaison.desk.models import Interaction
from liaison.desk.services.build import interaction_build

if TYPE_CHECKING:
    from liaison.accounts.models import User

EDITABLE_FIELDS = (
    "service_point",
    "kind",
    "read_level",
    "mode",
    "occurred_at",
    "duration_minutes",
    "tech_category",
    "tags",
    "note",
    "referred_to",
)
# What a correction writes to the row (tags are a many-to-many, set on their own).
_ROW_FIELDS = (*(name for name in EDITABLE_FIELDS if name != "tags"), "content_fingerprint")


def _require_may_change(actor: User, interaction: Interaction, *, verb: str) -> None:
    """policy.can_change_interaction, said as a reason to the logger after the window, else a 403."""
    if policy.can_change_interaction(actor, interaction):
        return
    if not policy.is_logger(actor, interaction):
        raise PermissionDenied(f"Only the person who logged this entry, or a supervisor, can {verb} it.")
    minutes = int((timezone.now() - interaction.logged_at).total_seconds() // 60)
    raise reject(
        "client_id",
        f"You can {verb} an entry for 2 minutes after logging it; this one was logged "
        f"{minutes} minute{'s' if minutes != 1 else ''} ago. Ask a supervisor to correct it.",
        code="desk.undo_window_closed",
    )


@transaction.atomic
def interaction_undo(*, actor: User, interaction: Interaction) -> None:
    """Remove an entry: the person who logged it, within 2 minutes; a supervisor, any time."""
    _require_may_change(actor, interaction, verb="undo")
    events.interaction_undone(actor=actor, interaction=interaction)
    counts.touch(stats.ALL, interaction.occurred_at)
    try:
        interaction.delete()
    except (ProtectedError, RestrictedError):
        raise reject(
            "client_id",
            "This entry is linked to other records (a ticket?) and can't be undone.",
            code="desk.entry_linked",
        ) from None


@transaction.atomic
def interaction_update(*, actor: User, interaction: Interaction, data: dict[str, Any]) -> Interaction:
    """Correct an entry (same rule as undo). `data` holds only the fields that change; each is
    checked by the same rules as a new entry, and the fingerprint is worked out again (so a
    late re-send of the original content is then a conflict, not silently merged)."""
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise reject(unknown[0], f"{unknown[0]!r} can't be changed.", code="desk.not_editable")
    _require_may_change(actor, interaction, verb="correct")
    before = events.interaction_snapshot(interaction)
    was_at = interaction.occurred_at
    current = {
        "service_point": interaction.service_point,
        "kind": interaction.kind,
        "read_level": interaction.read_level,
        "mode": interaction.mode,
        "occurred_at": interaction.occurred_at,
        "duration_minutes": interaction.duration_minutes,
        "tech_category": interaction.tech_category,
        "tags": list(interaction.tags.all()),
        "note": interaction.note,
        "referred_to": interaction.referred_to,
    }
    checked = interaction_build(
        **{**current, **data},
        client_id=interaction.client_id,
        recorded_by=interaction.recorded_by,
        source=interaction.source,
    )
    model_update(instance=interaction, fields=_ROW_FIELDS, data={name: getattr(checked, name) for name in _ROW_FIELDS})
    interaction.tags.set(checked.pending_tags)
    counts.touch(stats.ALL, was_at, interaction.occurred_at)
    events.interaction_corrected(actor=actor, interaction=interaction, before=before)
    return interaction
