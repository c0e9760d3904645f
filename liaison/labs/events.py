"""What happened to lab equipment, one function per kind (the shape of `core/events.py`).

The incident's timestamps and its `FaultReport` rows are its history; its ticket carries the
conversation. Each function writes the audit row in the caller's transaction and schedules
the status board's refresh after commit (the board is served from a cache of a few seconds;
forgetting it makes a new report show at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record, snapshot
from liaison.core.events import EventText, after_commit
from liaison.labs import board_cache
from liaison.labs.models import Asset, FaultReport, Incident, MaintenanceWindow

if TYPE_CHECKING:
    from liaison.accounts.models import User

ASSET_AUDIT_FIELDS = ["tag", "name", "serial", "model", "room", "owner", "status", "in_service_on", "network_address"]

EVENT_TEXT = EventText(
    staff={
        "opened": "Opened from a report: {problem}.",
        "joined": "Another report: {problem}.",
        "acknowledged": "Acknowledged by {actor}.",
        "in_repair": "In repair ({actor}).",
        "resolved": "Resolved by {actor}.",
    },
    public={
        "reported": "Already reported: IT has been told.",
        "acknowledged": "Already reported: IT has seen it and will look at it.",
        "in_repair": "Already reported: being repaired now.",
        "resolved": "Working again.",
    },
)


def asset_snapshot(asset: Asset) -> dict[str, Any]:
    return snapshot(asset, ASSET_AUDIT_FIELDS)


def asset_created(*, actor: User | None, asset: Asset) -> None:
    audit_record(actor=actor, action="labs_asset.create", obj=asset, after=asset_snapshot(asset))
    after_commit(board_cache.forget)


def asset_updated(*, actor: User, asset: Asset, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="labs_asset.update", obj=asset, before=before, after=asset_snapshot(asset))
    after_commit(board_cache.forget)


def incident_opened(*, actor: User | None, incident: Incident, report: FaultReport) -> None:
    """A new incident (and its ticket). The anonymous patron is recorded as 'anonymous'."""
    audit_record(
        actor=actor,
        action="labs_incident.open",
        obj=incident,
        after={"asset": incident.asset_id, "source": incident.source, "problem": incident.problem,
               "ticket": incident.ticket_id},
    )  # fmt: skip
    after_commit(board_cache.forget)


def incident_joined(*, actor: User | None, incident: Incident, report: FaultReport) -> None:
    """A report on an asset whose incident is open: one more report, no new ticket."""
    audit_record(
        actor=actor,
        action="labs_incident.report",
        obj=incident,
        after={"source": report.source, "problem": report.problem, "reports": incident.report_count},
    )
    after_commit(board_cache.forget)


def incident_state_changed(*, actor: User | None, incident: Incident, previous: str) -> None:
    audit_record(
        actor=actor,
        action="labs_incident.change_state",
        obj=incident,
        before={"state": previous},
        after={"state": incident.state, "resolution": incident.resolution},
    )
    after_commit(board_cache.forget)


def maintenance_planned(*, actor: User, window: MaintenanceWindow) -> None:
    audit_record(
        actor=actor,
        action="labs_maintenance.create",
        obj=window,
        after={"asset": window.asset_id, "starts_at": window.starts_at.isoformat(),
               "ends_at": window.ends_at.isoformat(), "reason": window.reason},
    )  # fmt: skip
    after_commit(board_cache.forget)


def agent_account_made(*, actor: User | None, room_id: int, user_id: int) -> None:
    audit_record(
        actor=actor, action="labs_agent.create", object_type="labs.labagent", object_id=str(room_id),
        object_repr=f"Agent account for room {room_id}", after={"user": user_id},
    )  # fmt: skip


def printer_signal_changed(*, asset: Asset, answering: bool, error: str) -> None:
    """A printer started or stopped answering the poller: the board changes (no audit row:
    the printer's signal is telemetry, ADR 0057)."""
    import logging

    logging.getLogger(__name__).info(
        "Printer %s %s.", asset.tag, "answers again" if answering else f"has no signal ({error})"
    )
    after_commit(board_cache.forget)


SYSTEM_AUDIT_FIELDS = ["name", "slug", "url", "library_owner", "it_owner", "status", "status_note", "known_issues"]


def system_snapshot(system) -> dict[str, Any]:
    return snapshot(system, SYSTEM_AUDIT_FIELDS)


def system_saved(*, actor: User | None, system, before: dict[str, Any] | None) -> None:
    """A system added or changed; a change of status refreshes the desk's banner at once."""
    audit_record(actor=actor, action="labs_system.update" if before else "labs_system.create", obj=system,
                 before=before, after=system_snapshot(system))  # fmt: skip
    after_commit(board_cache.forget_systems)


def system_linked(*, actor: User | None, system, object_type: str, object_id: int) -> None:
    audit_record(actor=actor, action="labs_system.link", obj=system,
                 after={"type": object_type, "id": object_id})  # fmt: skip
