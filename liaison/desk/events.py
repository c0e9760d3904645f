"""The desk's audited writes, one function per kind (the shape is `liaison/core/events.py`).

The desk keeps no history table and sends nothing: an interaction is counted, not a case.
Logging is high-volume and is not an event (the row is its own record). Undoing and
correcting an entry are audited: a service calls one function here, inside its transaction,
and that writes the audit row. The audit trail shows the action names below; there is no
history page, so there is no event wording table.

| action | when | audit row |
|---|---|---|
| `interaction.undo` | an entry was removed (undo, or a supervisor's removal) | before: the entry |
| `interaction.update` | an entry was corrected | before and after: the entry |
| `desk.report_save` | someone saved a desk report's settings under a name | after: its name and settings |
| `desk.report_delete` | they removed it | before: its name |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record, snapshot
from liaison.desk.models import Interaction, SavedReport

if TYPE_CHECKING:
    from liaison.accounts.models import User


def interaction_undone(*, actor: User, interaction: Interaction) -> None:
    """Call before the row is deleted (the snapshot reads it), in the same transaction."""
    audit_record(actor=actor, action="interaction.undo", obj=interaction, before=interaction_snapshot(interaction))


def interaction_corrected(*, actor: User, interaction: Interaction, before: dict[str, Any]) -> None:
    """`before` is `interaction_snapshot` taken before the change; the row is read again for after."""
    audit_record(
        actor=actor,
        action="interaction.update",
        obj=interaction,
        before=before,
        after=interaction_snapshot(interaction),
    )


def interaction_snapshot(interaction: Interaction) -> dict[str, Any]:
    """The editable fields plus the ones model_to_dict leaves out (client id, both times)."""
    return {
        **snapshot(interaction),
        "client_id": str(interaction.client_id),
        "logged_at": interaction.logged_at.isoformat(),
        "source": interaction.source,
    }


def report_saved(*, actor: User, report: SavedReport) -> None:
    audit_record(
        actor=actor,
        action="desk.report_save",
        obj=report,
        after={"name": report.name, "period": report.period, "rows": report.rows, "columns": report.columns},
    )


def report_deleted(*, actor: User, report: SavedReport) -> None:
    audit_record(actor=actor, action="desk.report_delete", obj=report, before={"name": report.name})
