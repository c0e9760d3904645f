"""Every machine-readable error code the labs app raises (code → meaning). The API carries
them as `errors[].code`; clients branch on the code, never on the English message."""

CODES: dict[str, str] = {
    # inventory
    "labs.tag_required": "The asset has no tag.",
    "labs.tag_invalid": "The tag holds characters other than letters, digits, '-', '_', '.' or '/'.",
    "labs.tag_taken": "Another asset already has this tag.",
    "labs.text_too_long": "A text field is longer than it may be.",
    "labs.model_required": "The asset has no model.",
    "labs.room_required": "The asset has no room.",
    "labs.owner_unknown": "No department by this code.",
    "labs.status_unknown": "The status is not in service, in storage or retired.",
    "labs.address_invalid": "The network address is not a host name or an IP address.",
    "labs.kind_unknown": "The kind is not one of the listed kinds.",
    "labs.field_not_editable": "The change names a field that cannot be changed here.",
    # fault reports and incidents
    "labs.queue_missing": "No IT queue exists to take lab incidents.",
    "labs.asset_not_in_service": "The asset is in storage or retired: it cannot be reported.",
    "labs.problem_unknown": "The problem is not one offered for this kind of device.",
    "labs.note_too_long": "The note is over 1,000 characters.",
    "labs.contact_too_long": "The contact is over 200 characters.",
    "labs.photo_not_image": "The photo is not a PNG, JPEG or GIF image (checked by content).",
    "labs.photo_refused": "The photo could not be accepted (too large, unreadable or not what it claims to be).",
    "labs.reports_rate_limited": "Too many reports for this device or overall in the last minutes.",
    "labs.state_unknown": "The incident state is not reported, acknowledged, in repair or resolved.",
    "labs.transition_not_allowed": "The incident cannot move from its state to that one.",
    "labs.resolution_too_long": "The resolution note is over 500 characters.",
    # maintenance
    "labs.window_invalid": "The maintenance window ends before it starts or lasts over 14 days.",
    "labs.reason_required": "The maintenance window has no reason.",
    # usage (the agent API)
    "labs.workstation_unknown": "No in-service workstation has this tag in the agent's lab.",
    "labs.event_kind_unknown": "The agent event is not heartbeat, sign_in, sign_out or shutdown.",
    "labs.clock_off": "The event's time is more than 10 minutes ahead, or more than 7 days behind, the server's.",
    "labs.batch_too_large": "More than 500 events in one request.",
    "labs.session_unknown": "A sign-out names a sign-in the server never acknowledged.",
    "labs.usage_rate_limited": "The agent sent more requests in a minute than it may.",
    # library systems (ADR 0058)
    "labs.system_name_required": "The system has no name.",
    "labs.system_name_taken": "Another system has this name.",
    "labs.system_status_unknown": "The status is not working, degraded, outage or planned maintenance.",
    "labs.system_note_required": "A degraded, down or maintenance status needs a note for the desk.",
    "labs.system_owner_unknown": "The owner is not an active staff account.",
    "labs.system_url_invalid": "The address is not an http(s) URL.",
    "labs.system_already_linked": "The ticket already names another system.",
    # headcounts (ADR 0059)
    "labs.period_invalid": "The headcounts' first day is out of range.",
}
