"""Every machine-readable error code the imports app raises (`reject(field, message, code=...)`).

The field is the input that was wrong: `file`, `importer`, `mapping`, `name`, a mapping's part
(`columns`, `constants`, `value_maps`, `date_format`, `time_zone`) or a target field of the
importer (`read_level`, `service_point`, …). Rows that fail the check are not errors: they are
listed in the run's report ({line, field, message}), and nothing is imported.
"""

CODES: dict[str, str] = {
    "imports.importer_unknown": "No importer by that key is installed.",
    "imports.file_too_large": "The file is over IMPORT_MAX_BYTES; split it into parts.",
    "imports.file_unreadable": "The file is not a CSV or .xlsx that can be read (empty, binary, malformed, no header or no rows).",
    "imports.file_gone": "The uploaded file is no longer kept (a day at most); upload it again.",
    "imports.run_committed": "This upload has already been imported.",
    "imports.run_closed": "This upload was discarded or closed; upload the file again.",
    "imports.not_checked": "Importing needs a check of all rows first.",
    "imports.mapping_changed": "The mapping changed since the rows were checked; check again.",
    "imports.write_failed": "Writing the rows failed and nothing was imported; check again and retry.",
    "imports.mapping_malformed": "A mapping (or one of its parts) does not have the mapping's shape.",
    "imports.mapping_invalid": "The mapping does not fit the importer or the file (a missing column, a required field with no source, a bad default or value map, date format or time zone).",
    "imports.mapping_name_missing": "A saved mapping needs a name.",
    "imports.mapping_name_too_long": "A saved mapping's name is 100 characters at most.",
    "imports.mapping_name_taken": "Another person's saved mapping has this name; choose another.",
    "imports.job_running": "A check or import of this upload is already running; wait for it or cancel it.",
    "imports.no_job": "A cancel was asked for an upload with nothing running.",
}
