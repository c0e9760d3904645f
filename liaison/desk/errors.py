"""Every machine-readable code the desk raises (`reject(field, message, code=...)`), with what
it means. The field named beside the code says which input it is about. Request-level codes
(`invalid`, `conflict`, `not_found`, …) are `liaison.core.errors.GENERIC_CODES`."""

CODES: dict[str, str] = {
    "desk.required": "The field is needed: a client id, a service point, a kind or a READ level.",
    "desk.client_id_invalid": "The client id is not a UUID.",
    "desk.client_id_reused": (
        "The client id was already stored for a different entry (or by someone else): the API answers 409;"
        " a new entry needs a new id."
    ),
    "desk.unknown": "No service point, kind, category, tag, mode or directory entry of that name, slug or id.",
    "desk.no_longer_in_use": "It exists but is retired; only imports may still name it.",
    "desk.wrong_type": "A record of another kind was given where this field wants its own.",
    "desk.read_level_invalid": "The READ level is not a whole number from 1 to 6.",
    "desk.too_many_tags": "More than ten tags on one entry.",
    "desk.tag_name_invalid": "An importer's tag name has no letters or digits.",
    "desk.weight_invalid": "An imported tally row's count is not a whole number from 1 to 1,000,000.",
    "desk.note_too_long": "The note is over 500 characters.",
    "desk.duration_invalid": "The time taken is not a whole number of minutes from 0 to 1440.",
    "desk.time_invalid": "The time it happened is not an ISO 8601 date and time.",
    "desk.time_in_future": "The time it happened is more than five minutes ahead of the server's clock.",
    "desk.date_invalid": "A list filter's date is neither a date nor an ISO date-time.",
    "desk.source_invalid": "The source is not desk, api or import:<name>.",
    "desk.undo_window_closed": "Its logger may undo or correct an entry for 2 minutes; after that a supervisor can.",
    "desk.entry_linked": "The entry became a ticket (or is otherwise linked), so it cannot be undone.",
    "desk.not_editable": "A correction named a field that cannot be changed (client id, who logged it, when).",
    "desk.tags_not_a_list": "A correction sent null for tags; send a list ([] removes them all).",
    "desk.period_unknown": "A report's period is not day, week, month, term, year, fiscal_year or custom.",
    "desk.period_incomplete": "A custom period needs both its first and its last day.",
    "desk.period_empty": "A custom period's last day is before its first.",
    "desk.period_too_long": "A report period is longer than fifty years.",
    "desk.dimension_unknown": "A report names a dimension the desk does not count by.",
    "desk.dimension_twice": "A cross-table names the same dimension for its rows and its columns.",
    "desk.report_name_missing": "A saved report needs a name.",
    "desk.report_name_taken": "You already have a saved report of that name.",
}
