"""What imports store, why, and for how long (the privacy register, core/privacy.py)."""

from liaison.core import privacy
from liaison.core.privacy import why

privacy.register(
    "imports.ImportMapping",
    purpose="A saved, reusable column mapping for an importer: which column holds what.",
    retention="Kept until the person who saved it or a supervisor deletes it. No automatic purge.",
    pii={"owner": "The member of staff who saved it."},
    public=(
        "id",
        "created_at",
        "updated_at",
        "importer",
        "name",
        "description",
        "columns",
        "constants",
        "value_maps",
        "date_format",
        "time_zone",
        "options",
    ),
)

privacy.register(
    "imports.ImportRun",
    purpose="The record of one file taken through an import: who, which file, the mapping, the outcome.",
    retention="Kept for ever: runs are a record (an administrator may delete one in Setup). No automatic purge; "
    "only the uploaded file itself goes.",
    pii={
        "started_by": "The member of staff who uploaded the file.",
        "committed_by": "The member of staff who committed it.",
        "job_by": "The member of staff whose check or commit is running in the background.",
        "report": "The last check: the file's column headers, up to 5 sample rows (desk notes included, cut to 80 "
        "characters), and up to 1000 rejected rows whose messages quote the file's cells.",
    },
    sensitive={
        "file_name": "The uploaded file's name, shown in the list of runs.",
        "file_sha256": "SHA-256 of the file, to warn when the same file is imported again.",
        "stored_file": why(
            "Where the uploaded file waits between preview and commit (never served); the file holds every row "
            "of the export, notes included.",
            retention="Emptied, and the file deleted, on commit or discard, or by the hourly purge "
            "(imports.tasks.purge_import_files) once untouched for IMPORT_KEEP_HOURS (default 24) with no job running.",
        ),
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "public_id",
        "importer",
        "via",
        "file_size",
        "mapping",
        "mapping_snapshot",
        "job",
        "job_state",
        "job_mapping",
        "job_options",
        "job_started_at",
        "job_message",
        "preset",
        "status",
        "rows_total",
        "rows_created",
        "rows_already_imported",
        "rows_rejected",
        "checked_at",
        "committed_at",
    ),
)
