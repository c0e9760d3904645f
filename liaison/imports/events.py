"""What imports record when something happens: one call per event.

Each function writes the audit row in the caller's transaction and schedules the event's
side effects after commit (the one there is: deleting a kept upload once it is no longer
needed). The run itself is the import's history (status, counts, report, who and when), so
imports keeps no event rows of its own and has no event wording table: the audit trail shows
the actions below by their names.

| event | audit action | after commit |
|---|---|---|
| `import_run_started` | `import.start` | |
| `import_run_checked` | `import.check` | |
| `import_run_committed` | `import.commit` | the kept upload is deleted |
| `import_run_discarded` | `import.discard` | the kept upload is deleted |
| `import_mapping_saved` | `import_mapping.create` / `import_mapping.update` | |
| `import_mapping_deleted` | `import_mapping.delete` | |
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from liaison.audit.services import audit_record
from liaison.imports.models import ImportMapping, ImportRun
from liaison.imports.storage import kept_file_delete

if TYPE_CHECKING:
    from liaison.accounts.models import User


def _file(run: ImportRun) -> dict[str, Any]:
    return {"importer": run.importer, "file_name": run.file_name, "file_sha256": run.file_sha256, "via": run.via}


def _counts(run: ImportRun) -> dict[str, Any]:
    return {
        "rows_total": run.rows_total,
        "rows_already_imported": run.rows_already_imported,
        "rows_rejected": run.rows_rejected,
    }


def _delete_after_commit(stored: str) -> None:
    if stored:
        transaction.on_commit(lambda: kept_file_delete(stored))


def import_run_started(*, run: ImportRun, actor: User) -> None:
    """A file was uploaded and is kept for its preview."""
    audit_record(
        actor=actor,
        action="import.start",
        obj=run,
        after={**_file(run), "file_size": run.file_size, "rows_total": run.rows_total},
    )


def import_run_checked(*, run: ImportRun, actor: User | None) -> None:
    """Every row was checked under a mapping; the run holds the report."""
    audit_record(
        actor=actor,
        action="import.check",
        obj=run,
        after={**_file(run), **_counts(run), "mapping_digest": (run.report or {}).get("mapping_digest", "")},
    )


def import_run_committed(*, run: ImportRun, actor: User | None, summary: dict[str, Any], kept_file: str = "") -> None:
    """The rows were written, all of them. `summary` is the importer's own (source, new tags…)."""
    audit_record(
        actor=actor,
        action="import.commit",
        obj=run,
        after={
            "importer": run.importer,
            "file_name": run.file_name,
            "file_sha256": run.file_sha256,
            "rows_total": run.rows_total,
            "rows_created": run.rows_created,
            "rows_already_imported": run.rows_already_imported,
            "mapping": run.mapping_snapshot,
            **summary,
        },
    )
    _delete_after_commit(kept_file)


def import_run_discarded(*, run: ImportRun, actor: User, kept_file: str = "") -> None:
    """The upload was closed without importing it."""
    audit_record(actor=actor, action="import.discard", obj=run, after=_file(run))
    _delete_after_commit(kept_file)


def import_mapping_saved(
    *, mapping: ImportMapping, actor: User, after: dict[str, Any], before: dict[str, Any] | None = None
) -> None:
    """A mapping was saved under a name: new (`before` None) or replacing one."""
    if before is None:
        audit_record(actor=actor, action="import_mapping.create", obj=mapping, after=after)
    else:
        audit_record(actor=actor, action="import_mapping.update", obj=mapping, before=before, after=after)


def import_mapping_deleted(*, mapping: ImportMapping, actor: User) -> None:
    """Call before deleting: the row names the mapping while it still exists."""
    audit_record(actor=actor, action="import_mapping.delete", obj=mapping, before=mapping.as_mapping_json())
