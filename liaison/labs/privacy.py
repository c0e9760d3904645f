"""What the labs app stores, why, and for how long (the privacy register, core/privacy.py).
Fault reports keep no IP address, user agent or cookie; usage keeps no user name."""

from liaison.core import privacy
from liaison.core.privacy import why

UNTIL_SETUP = "Kept until an administrator deletes it in Setup (refused while assets use it). No automatic purge."
WITH_THE_ASSET = "Kept with its asset; an asset is retired, not deleted. No automatic purge."
WITH_THE_INCIDENT = "Kept with its incident for reliability figures. No automatic purge."

privacy.register(
    "labs.Maker",
    purpose="Who made a device, for per-model figures.",
    retention=UNTIL_SETUP,
    public=("id", "created_at", "updated_at", "name"),
)
privacy.register(
    "labs.AssetModel",
    purpose="A make and model, for per-model reliability figures.",
    retention=UNTIL_SETUP,
    public=("id", "created_at", "updated_at", "maker", "name", "kind"),
)
privacy.register(
    "labs.Asset",
    purpose="A device in a lab or office: what it is, where it stands, whose it is.",
    retention=WITH_THE_ASSET,
    public=(
        "id", "created_at", "updated_at", "tag", "name", "serial", "model", "kind", "room", "owner", "status",
        "notes", "in_service_on", "network_address", "public_code",
    ),
)  # fmt: skip
privacy.register(
    "labs.Incident",
    purpose="A device out of order from first report to repair; its figures are the reliability page.",
    retention=WITH_THE_INCIDENT,
    pii={
        "opened_by": "The member of staff who reported it (empty for patrons and devices).",
        "resolved_by": "The member of staff who resolved it.",
        "resolution": "What was done; written by staff about the device, may name a person.",
    },
    public=(
        "id", "created_at", "updated_at", "asset", "ticket", "state", "source", "problem", "started_at",
        "acknowledged_at", "repair_started_at", "resolved_at", "report_count", "system",
    ),
)  # fmt: skip
privacy.register(
    "labs.FaultReport",
    purpose="One report as it came in, from the QR page, staff or the device. No IP address, user agent or cookie.",
    retention=WITH_THE_INCIDENT,
    pii={
        "note": "Free text a patron typed; may name them.",
        "contact": why(
            "An optional e-mail or phone so IT can ask back.",
            retention="Blanked by the daily purge (labs.tasks.purge_fault_report_contacts_daily) 30 days after the "
            "incident is resolved.",
        ),
    },
    sensitive={"has_photo": "Whether a photo was sent (the photo itself is a ticket attachment)."},
    public=("id", "incident", "source", "problem", "created_at"),
)
privacy.register(
    "labs.MaintenanceWindow",
    purpose="Planned downtime, excluded from availability.",
    retention=WITH_THE_ASSET,
    pii={"created_by": "Who planned it."},
    public=("id", "created_at", "updated_at", "asset", "starts_at", "ends_at", "reason"),
)
privacy.register(
    "labs.LabAgent",
    purpose="The account a lab's workstation agents post usage as.",
    retention="Kept until an administrator deletes it in Setup. No automatic purge.",
    sensitive={"user": "The agent's own account (not a person)."},
    public=("id", "created_at", "updated_at", "room"),
)
privacy.register(
    "labs.WorkstationPresence",
    purpose="What the agent last said about a workstation: the status board's source. No user name.",
    retention="One row per workstation, overwritten by every heartbeat; no history. Deleted with the asset.",
    sensitive={"in_use": "Whether someone is signed in right now (never who)."},
    public=("asset", "last_seen_at", "powered_off"),
)
privacy.register(
    "labs.UsageSession",
    purpose="Sign-in to sign-out on a lab workstation, for occupancy by hour. No user name is ever sent or kept.",
    retention="No automatic purge; the rows name no person.",
    sensitive={"started_at": "When a session began.", "ended_at": "When it ended."},
    public=("id", "asset", "client_id"),
)
privacy.register(
    "labs.PrintJob",
    purpose="Pages printed per printer, from imported print logs. The log's user name column is never imported.",
    retention="No automatic purge; the rows name no person.",
    public=("id", "asset", "printed_at", "pages", "import_identity"),
)
privacy.register(
    "labs.PrinterSignal",
    purpose="What a network printer last told the IPP poller: the board's 'no signal' and device incidents.",
    retention="One row per printer, overwritten by every poll; no history. Deleted with the asset.",
    public=("asset", "polled_at", "answered_at", "answering", "printer_state", "reasons", "fault", "error"),
)
privacy.register(
    "labs.LibrarySystem",
    purpose="A library system IT supports: owners, whom to call, its status for the desks and its known issues.",
    retention=UNTIL_SETUP,
    pii={
        "library_owner": "The member of library staff who answers for it.",
        "it_owner": "The member of IT staff who answers for it.",
        "support_contacts": "Whom to call: vendor lines, and may name people with their phone or e-mail.",
    },
    public=(
        "id", "created_at", "updated_at", "name", "slug", "description", "url", "status", "status_note",
        "status_changed_at", "known_issues",
    ),
)  # fmt: skip
privacy.register(
    "labs.SystemTicket",
    purpose="A ticket that names a library system, for the system's trouble over time.",
    retention="Deleted with the ticket or the system. No automatic purge.",
    pii={"linked_by": "Who named the system on the ticket."},
    public=("id", "system", "ticket", "linked_at"),
)
privacy.register(
    "labs.Headcount",
    purpose="People counted per hour in a lab or one of its areas (door counters, count sheets). Counts only.",
    retention="No automatic purge; the rows name no person.",
    public=("id", "room", "area", "hour_start", "count", "import_identity"),
)
