"""Writes for imports: taking in a file, checking it, committing it all or nothing, saving
mappings, and clearing kept files.

The rule for commits: every row is checked first. If any row is rejected, nothing is written
and the run's report lists every rejected row. Otherwise all new rows are written in one
transaction (bulk inserts of 1000); a failure part-way rolls everything back and the run is
marked failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.core.events import after_commit
from liaison.imports import events, policy
from liaison.imports.engine import Cancelled, CheckResult, check_rows
from liaison.imports.mapping import (
    CompiledMapping,
    Mapping,
    compile_mapping,
    mapping_from_preset,
    prepared_file,
    preset_for_headers,
)
from liaison.imports.models import ImportMapping, ImportRun
from liaison.imports.parsing import ParsedFile, parse_file
from liaison.imports.registry import Importer, importer_class, importer_get
from liaison.imports.selectors import NOT_IMPORTER, NOT_YOUR_MAPPING, NOT_YOUR_UPLOAD, import_run_parsed
from liaison.imports.storage import import_keep_for, import_max_bytes, import_storage_dir, kept_file_delete, size_error

if TYPE_CHECKING:
    from liaison.accounts.models import User

logger = logging.getLogger(__name__)

# The report keeps this many rejected rows and warnings; the counts are always complete.
REPORT_REJECTIONS_KEPT = 1000
REPORT_WARNINGS_KEPT = 200
REPORT_GROUPS_KEPT = 100


def _safe_name(file_name: str) -> str:
    name = Path(file_name or "upload").name.strip() or "upload"
    return name[:255]


def _extension(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    return suffix if suffix in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm") else ".dat"


# --- Starting a run ----------------------------------------------------------------------


def _require_importer(actor: User) -> None:
    if not policy.can_import(actor):
        raise PermissionDenied(NOT_IMPORTER)


def _require_may_act(actor: User, run: ImportRun) -> None:
    if not policy.can_act_on_run(actor, run):
        raise PermissionDenied(NOT_YOUR_UPLOAD)


def import_run_start(
    *, actor: User, importer_key: str, file_name: str, content: bytes, via: str = "browser"
) -> ImportRun:
    """Keep an uploaded file for preview. The file must parse; the run remembers its hash."""
    _require_importer(actor)
    importer_class(importer_key)  # unknown importer → ValidationError({"importer": ...})
    if len(content) > import_max_bytes():
        raise size_error(len(content))
    parsed = parse_file(content, file_name)
    importer = importer_get(importer_key, actor=actor)
    preset = preset_for_headers(importer, parsed.headers)
    public_id = uuid.uuid4()
    stored = f"{public_id}{_extension(file_name)}"
    path = import_storage_dir() / stored
    path.write_bytes(content)
    try:
        with transaction.atomic():
            run = ImportRun.objects.create(
                public_id=public_id,
                importer=importer_key,
                started_by=actor,
                via=via,
                file_name=_safe_name(file_name),
                file_sha256=hashlib.sha256(content).hexdigest(),
                file_size=len(content),
                stored_file=stored,
                preset=preset.key if preset else "",
                rows_total=parsed.rows_total,
                report={"file": _file_summary(parsed)},
            )
            events.import_run_started(run=run, actor=actor)
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return run


def _file_summary(parsed: ParsedFile) -> dict[str, Any]:
    return {"format": parsed.format, "description": parsed.describe(), "headers": parsed.headers}


def starting_mapping(
    *, importer: Importer, parsed: ParsedFile, preset_key: str = "", saved: ImportMapping | None = None
):
    """The mapping the preview form starts from: a saved one, a preset, or a guess from the header."""
    from liaison.imports.mapping import mapping_guess

    if saved is not None:
        return Mapping.from_json(saved.as_mapping_json())
    preset = importer.preset(preset_key) if preset_key else None
    if preset is not None:
        if preset.long_format:
            parsed = prepared_file(parsed, Mapping(long_format=dict(preset.long_format)))
        return mapping_from_preset(preset, parsed.headers)
    return mapping_guess(importer, parsed.headers)


# --- Checking and committing ----------------------------------------------------------------


def rejection_groups(result: CheckResult, importer: Importer | None = None) -> list[dict[str, Any]]:
    """Rejections grouped by cause (field and reason), biggest first: "unknown service point
    'Reference' — 2,009 rows". A group whose cause is one value of a field that takes a value
    map says so (`mappable`), so the page can offer to map that value in one click."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for rejection in result.rejections:
        key = (rejection.field, rejection.message)
        group = groups.get(key)
        if group is None:
            target = importer.field(rejection.field) if importer is not None else None
            group = groups[key] = {
                "field": rejection.field,
                "label": target.label if target is not None else rejection.field,
                "message": rejection.message,
                "value": rejection.value,
                "mappable": bool(rejection.value and target is not None and target.takes_value_map),
                "rows": 0,
                "first_rows": [],
            }
        group["rows"] += 1
        if len(group["first_rows"]) < 10:
            group["first_rows"].append(rejection.line)
    return sorted(groups.values(), key=lambda g: (-g["rows"], g["first_rows"][0]))[:REPORT_GROUPS_KEPT]


def _report(
    parsed: ParsedFile, result: CheckResult, mapping: Mapping, importer: Importer | None = None
) -> dict[str, Any]:
    return {
        "file": _file_summary(parsed),
        "mapping_digest": mapping.digest(),
        "rejections": [r.as_json() for r in result.rejections[:REPORT_REJECTIONS_KEPT]],
        "rejections_total": len(result.rejections),
        "groups": rejection_groups(result, importer),
        "warnings": [w.as_json() for w in result.warnings[:REPORT_WARNINGS_KEPT]],
        "warnings_total": len(result.warnings),
        "sample": result.sample,
        "notes": result.notes,
        "cautions": result.cautions,
        "records_new": result.records_new,
        "merged": result.merged,
    }


def _apply_result(
    run: ImportRun, parsed: ParsedFile, result: CheckResult, mapping: Mapping, saved, importer: Importer | None = None
) -> None:
    run.mapping_snapshot = mapping.as_json()
    run.mapping = saved
    run.rows_total = result.rows_total
    run.rows_already_imported = result.already_imported
    run.rows_rejected = result.rows_rejected
    run.rows_created = 0
    run.report = _report(parsed, result, mapping, importer)
    run.checked_at = timezone.now()
    run.status = ImportRun.Status.REJECTED if result.rejections else ImportRun.Status.PREVIEWED


def import_run_check(
    *,
    actor: User,
    run: ImportRun,
    mapping: Mapping,
    saved_mapping: ImportMapping | None = None,
    preset_key: str | None = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CheckResult:
    """Check every row under `mapping` and record the report on the run. Writes no records.

    `preset_key` records which built-in preset the mapping started from ("" for none).
    A mapping that does not fit the file raises ValidationError by target field."""
    _require_may_act(actor, run)
    _require_open(run)
    if preset_key is not None:
        run.preset = preset_key[:60]
    parsed = prepared_file(import_run_parsed(run), mapping)
    importer = importer_get(run.importer, actor=actor, source_name=_source_name(run.preset, mapping))
    compiled = compile_mapping(importer, mapping, parsed.headers)
    result = check_rows(importer, parsed, compiled, progress=progress, cancelled=cancelled, keep_objects=False)
    _apply_result(run, parsed, result, mapping, saved_mapping, importer)
    _save_check(run, actor=actor)
    return result


def import_run_map_value(*, actor: User, run: ImportRun, field: str, source: str, target: str) -> CheckResult:
    """The rejection report's one-click fix: add `source = target` to the value map of `field`
    in the mapping last checked, and check every row again under it."""
    _require_may_act(actor, run)
    _require_open(run)
    if not run.mapping_snapshot:
        raise reject("mapping", "Check all rows before mapping a value.", code="imports.not_checked")
    importer = importer_get(run.importer, actor=actor)
    target_field = importer.field(field)
    if target_field is None or not target_field.takes_value_map:
        raise reject("field", f"{field!r} is not a field that takes a value map.", code="imports.mapping_invalid")
    source, target = " ".join((source or "").split()), (target or "").strip()
    if not source or not target:
        raise reject("target", "Choose what the value stands for.", code="imports.mapping_invalid")
    mapping = Mapping.from_json(run.mapping_snapshot)
    mapping.value_maps[field] = {**mapping.value_maps.get(field, {}), source: target}
    return import_run_check(actor=actor, run=run, mapping=mapping, saved_mapping=run.mapping)


def import_run_commit(
    *,
    actor: User,
    run: ImportRun,
    expected_digest: str = "",
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[ImportRun, CheckResult]:
    """Commit the run under the mapping it was last checked with: all rows or none.

    `expected_digest` is the digest of the mapping the person saw checked; if the run has
    been checked with another mapping since (another tab), the commit is refused."""
    _require_may_act(actor, run)
    _require_open(run)
    if not run.mapping_snapshot:
        raise reject("mapping", "Check all rows before importing.", code="imports.not_checked")
    mapping = Mapping.from_json(run.mapping_snapshot)
    if expected_digest and expected_digest != mapping.digest():
        raise reject(
            "mapping",
            "The mapping changed since these rows were checked. Check all rows again.",
            code="imports.mapping_changed",
        )
    parsed = prepared_file(import_run_parsed(run), mapping)
    importer = importer_get(run.importer, actor=actor, source_name=_source_name(run.preset, mapping))
    compiled = compile_mapping(importer, mapping, parsed.headers)
    result = _commit(
        actor=actor,
        run=run,
        importer=importer,
        parsed=parsed,
        compiled=compiled,
        saved=run.mapping,
        progress=progress,
        cancelled=cancelled,
    )
    return run, result


class RunClosed(ValidationError):
    """Someone committed or discarded the run while this request was checking it."""


def _lock_open(run: ImportRun) -> None:
    """Inside a transaction: lock the run's row and refuse if it was closed meanwhile (a
    double click on "Import", two tabs). Without this the later request would overwrite the
    committed run with its own stale copy."""
    status = ImportRun.objects.select_for_update().filter(pk=run.pk).values_list("status", flat=True).first()
    if status == ImportRun.Status.COMMITTED:
        raise RunClosed({"file": ValidationError("This file has already been imported.", code="imports.run_committed")})
    if status == ImportRun.Status.DISCARDED:
        raise RunClosed(
            {"file": ValidationError("This upload was discarded. Upload the file again.", code="imports.run_closed")}
        )


def _save_check(run: ImportRun, *, actor: User | None, record: bool = True) -> None:
    """Save a run's check unless it was closed meanwhile; `record` writes the check's audit row."""
    with transaction.atomic():
        if run.pk:
            _lock_open(run)
        run.save()
        if record:
            events.import_run_checked(run=run, actor=actor)


class _RowsRejected(Exception):
    def __init__(self, result: CheckResult):
        self.result = result


def _commit(
    *,
    actor: User | None,
    run: ImportRun,
    importer: Importer,
    parsed: ParsedFile,
    compiled: CompiledMapping,
    saved: ImportMapping | None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CheckResult:
    """Check every row again and write the new ones, streaming, in one transaction: a row
    rejected on the way, a cancel or a failure rolls back everything written (ADR 0006). A
    rejection is then recorded as a check."""
    mapping = compiled.mapping
    created = 0

    def write(objects: list[Any]) -> None:
        nonlocal created
        created += importer.commit(objects)

    importer.run = run if run.pk else None

    try:
        with transaction.atomic():
            if run.pk:
                _lock_open(run)
            result = check_rows(
                importer, parsed, compiled, progress=progress, cancelled=cancelled, sink=write, keep_objects=False
            )
            if result.rejections:
                raise _RowsRejected(result)
            _apply_result(run, parsed, result, mapping, saved, importer)
            run.rows_created = created
            run.status = ImportRun.Status.COMMITTED
            run.committed_at = timezone.now()
            run.committed_by = actor
            kept = run.stored_file
            run.stored_file = ""
            run.save()
            events.import_run_committed(run=run, actor=actor, summary=importer.audit_summary([]), kept_file=kept)
    except _RowsRejected as rejected:
        _apply_result(run, parsed, rejected.result, mapping, saved, importer)
        _save_check(run, actor=actor)
        return rejected.result
    except (RunClosed, Cancelled):
        raise
    except (IntegrityError, DatabaseError, ValidationError) as exc:
        logger.exception("Import run %s failed while writing; rolled back.", run.public_id)
        if not run.pk:
            raise reject(
                "file",
                "Writing the rows failed and nothing was imported. Check all rows again and retry.",
                code="imports.write_failed",
            ) from exc
        run.refresh_from_db()
        run.status = ImportRun.Status.FAILED
        run.rows_created = 0
        run.report = {
            **run.report,
            "failure": (
                "Writing the rows failed and nothing was imported. If someone imported the same rows at the same "
                f"time, check again and retry. ({type(exc).__name__})"
            ),
        }
        ImportRun.objects.filter(pk=run.pk).exclude(status=ImportRun.Status.COMMITTED).update(
            status=run.status, rows_created=0, report=run.report, updated_at=timezone.now()
        )
        raise reject(
            "file",
            "Writing the rows failed and nothing was imported. Check all rows again and retry.",
            code="imports.write_failed",
        ) from exc
    return result


def import_run_discard(*, actor: User, run: ImportRun) -> ImportRun:
    """Close an upload without importing it; its kept file is deleted."""
    _require_may_act(actor, run)
    _require_open(run)
    kept = run.stored_file
    run.stored_file = ""
    run.status = ImportRun.Status.DISCARDED
    with transaction.atomic():
        _lock_open(run)
        run.save(update_fields=["stored_file", "status", "updated_at"])
        events.import_run_discarded(run=run, actor=actor, kept_file=kept)
    return run


def _source_name(preset_key: str, mapping: Mapping | None = None) -> str:
    """What imported records say they came from: the mapping's tool, the preset ("gimlet"),
    else "csv". Part of every row's identity (ADR 0040)."""
    return (mapping.source if mapping is not None else "") or preset_key or "csv"


def _require_open(run: ImportRun) -> None:
    if run.status == ImportRun.Status.COMMITTED:
        raise reject("file", "This file has already been imported.", code="imports.run_committed")
    if not run.is_open:
        raise reject(
            "file",
            "This import is closed and its file is no longer kept. Upload the file again.",
            code="imports.run_closed",
        )


def import_file(
    *,
    actor: User,
    importer_key: str,
    file_name: str,
    content: bytes,
    mapping: Mapping,
    saved_mapping: ImportMapping | None = None,
    preset_key: str = "",
    dry_run: bool = False,
    via: str = "command",
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportRun | None, CheckResult]:
    """Check and (unless dry_run or rows are rejected) commit a file in one go, for the
    management command and scripts. The run is recorded; the file itself is not kept."""
    _require_importer(actor)
    return _import_file(
        actor=actor,
        importer_key=importer_key,
        file_name=file_name,
        content=content,
        mapping=mapping,
        saved_mapping=saved_mapping,
        preset_key=preset_key,
        dry_run=dry_run,
        via=via,
        progress=progress,
    )


def import_file_as_system(
    *,
    importer_key: str,
    file_name: str,
    content: bytes,
    mapping: Mapping,
    saved_mapping: ImportMapping | None = None,
    preset_key: str = "",
    dry_run: bool = False,
    via: str = "command",
    progress: Callable[[int], None] | None = None,
) -> tuple[ImportRun | None, CheckResult]:
    """A system job: `import_file` with no person behind it, for `manage.py
    import_interactions` run by an operator on the server without `--user`. Nobody is
    recorded as having imported the rows."""
    return _import_file(
        actor=None,
        importer_key=importer_key,
        file_name=file_name,
        content=content,
        mapping=mapping,
        saved_mapping=saved_mapping,
        preset_key=preset_key,
        dry_run=dry_run,
        via=via,
        progress=progress,
    )


def _import_file(
    *,
    actor: User | None,
    importer_key: str,
    file_name: str,
    content: bytes,
    mapping: Mapping,
    saved_mapping: ImportMapping | None,
    preset_key: str,
    dry_run: bool,
    via: str,
    progress: Callable[[int], None] | None,
) -> tuple[ImportRun | None, CheckResult]:
    importer_class(importer_key)
    if len(content) > import_max_bytes():
        raise size_error(len(content))
    parsed = prepared_file(parse_file(content, file_name), mapping)
    importer = importer_get(importer_key, actor=actor, source_name=_source_name(preset_key, mapping))
    compiled = compile_mapping(importer, mapping, parsed.headers)
    if dry_run:
        return None, check_rows(importer, parsed, compiled, progress=progress, keep_objects=False)
    run = ImportRun(
        importer=importer_key,
        started_by=actor,
        via=via,
        file_name=_safe_name(file_name),
        file_sha256=hashlib.sha256(content).hexdigest(),
        file_size=len(content),
        preset=preset_key,
        rows_total=parsed.rows_total,
        mapping_snapshot=mapping.as_json(),
        mapping=saved_mapping,
    )
    _save_check(run, actor=actor)  # the run is on record even if writing fails
    result = _commit(
        actor=actor,
        run=run,
        importer=importer,
        parsed=parsed,
        compiled=compiled,
        saved=saved_mapping,
        progress=progress,
    )
    return run, result


# --- Saved mappings ------------------------------------------------------------------------


@transaction.atomic
def import_mapping_save(
    *, actor: User, importer_key: str, name: str, mapping: Mapping, description: str = ""
) -> ImportMapping:
    """Save a mapping under a name for reuse. Saving under an existing name replaces it if it
    is yours (supervisors may replace anyone's)."""
    _require_importer(actor)
    importer = importer_get(importer_key, actor=actor)
    name = " ".join((name or "").split())
    if not name:
        raise reject("name", "Give the mapping a name, e.g. 'Gimlet – main desk'.", code="imports.mapping_name_missing")
    if len(name) > 100:
        raise reject("name", "Keep the name under 100 characters.", code="imports.mapping_name_too_long")
    compile_mapping(importer, mapping, headers=None)
    existing = ImportMapping.objects.select_for_update().filter(importer=importer_key, name__iexact=name).first()
    data = {
        "columns": mapping.as_json()["columns"],
        "constants": mapping.as_json()["constants"],
        "value_maps": mapping.as_json()["value_maps"],
        "date_format": mapping.date_format,
        "time_zone": mapping.time_zone,
        "options": mapping.options(),
    }
    if existing is not None:
        if not policy.can_manage_mapping(actor, existing):
            owner = existing.owner.name if existing.owner else "someone else"
            raise reject(
                "name",
                f"A mapping named {existing.name!r} belongs to {owner}; choose another name.",
                code="imports.mapping_name_taken",
            )
        before = existing.as_mapping_json()
        for key, value in data.items():
            setattr(existing, key, value)
        existing.description = description[:300] or existing.description
        existing.save()
        events.import_mapping_saved(mapping=existing, actor=actor, before=before, after=data)
        return existing
    saved = ImportMapping.objects.create(
        importer=importer_key,
        name=name,
        description=description[:300],
        owner=actor,
        **data,
    )
    events.import_mapping_saved(mapping=saved, actor=actor, after=data)
    return saved


@transaction.atomic
def import_mapping_delete(*, actor: User, mapping: ImportMapping) -> None:
    if not policy.can_manage_mapping(actor, mapping):
        raise PermissionDenied(NOT_YOUR_MAPPING)
    events.import_mapping_deleted(mapping=mapping, actor=actor)
    mapping.delete()


# --- Housekeeping -------------------------------------------------------------------------------


def import_files_purge(*, now: dt.datetime | None = None) -> int:
    """A system job (hourly, no actor): delete kept files of runs older than IMPORT_KEEP_HOURS that were never committed, and
    any file in the folder that no run claims. Returns how many files went."""
    now = now or timezone.now()
    cutoff = now - import_keep_for()
    removed = 0
    # Kept until committed or abandoned: untouched (no check, no job) for IMPORT_KEEP_HOURS.
    for run in ImportRun.objects.filter(updated_at__lt=cutoff).exclude(stored_file="").filter(job_state=""):
        kept_file_delete(run.stored_file)
        run.stored_file = ""
        run.save(update_fields=["stored_file", "updated_at"])
        removed += 1
    claimed = set(ImportRun.objects.exclude(stored_file="").values_list("stored_file", flat=True))
    for path in import_storage_dir().iterdir():
        if path.is_file() and path.name not in claimed:
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            if modified < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


# --- Checks and commits as background jobs (ADR 0043) ---------------------------------------

# A running job reports progress at least this often; older than this, a restart killed it.
JOB_STALE_AFTER = dt.timedelta(minutes=5)


def _progress_key(run: ImportRun) -> str:
    return f"imports:job:{run.pk}:progress"


def _cancel_key(run: ImportRun) -> str:
    return f"imports:job:{run.pk}:cancel"


def import_run_job_progress(run: ImportRun) -> dict[str, Any]:
    """How far the run's job is: {"done": rows, "total": rows, "at": iso time} (empty when unknown)."""
    return cache.get(_progress_key(run)) or {}


def _job_start(*, actor: User, run: ImportRun, job: str, mapping: Mapping, options: dict[str, Any]) -> ImportRun:
    with transaction.atomic():
        _lock_open(run)
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.job_active and not _job_stale(locked):
            raise reject(
                "file",
                "A check or import of this file is already running; wait for it or cancel it.",
                code="imports.job_running",
            )
        run.job = job
        run.job_state = ImportRun.JobState.QUEUED
        run.job_mapping = mapping.as_json()
        run.job_options = options
        run.job_by = actor
        run.job_started_at = timezone.now()
        run.job_message = ""
        run.save(
            update_fields=[
                "job",
                "job_state",
                "job_mapping",
                "job_options",
                "job_by",
                "job_started_at",
                "job_message",
                "updated_at",
            ]
        )
    cache.delete(_cancel_key(run))
    cache.set(_progress_key(run), {"done": 0, "total": run.rows_total, "at": timezone.now().isoformat()}, 86400)
    _dispatch(run)
    run.refresh_from_db()
    return run


def _dispatch(run: ImportRun) -> None:
    """Run the job: on a worker when there is one (huey with Redis), else here and now, as every
    task does without a worker (ADR 0004)."""
    from liaison.imports import tasks

    if getattr(settings, "HUEY_IMMEDIATE", True):
        import_run_job(run_pk=run.pk)
    else:
        after_commit(tasks.run_import_job, run.pk)


def import_run_check_start(
    *,
    actor: User,
    run: ImportRun,
    mapping: Mapping,
    saved_mapping: ImportMapping | None = None,
    preset_key: str | None = None,
) -> ImportRun:
    """Start checking every row under `mapping` as a background job. The mapping is checked
    against the file's columns here (a mistake is a form error at once, not a failed job)."""
    _require_may_act(actor, run)
    _require_open(run)
    parsed = prepared_file(
        import_run_parsed(run, preview=1) if not mapping.long_format else import_run_parsed(run), mapping
    )
    importer = importer_get(run.importer, actor=actor)
    compile_mapping(importer, mapping, parsed.headers)
    options = {"saved_mapping": saved_mapping.pk if saved_mapping else None, "preset": preset_key}
    return _job_start(actor=actor, run=run, job=ImportRun.Job.CHECK, mapping=mapping, options=options)


def import_run_commit_start(*, actor: User, run: ImportRun, expected_digest: str = "") -> ImportRun:
    """Start importing the rows last checked as a background job (all or nothing)."""
    _require_may_act(actor, run)
    _require_open(run)
    if not run.mapping_snapshot:
        raise reject("mapping", "Check all rows before importing.", code="imports.not_checked")
    mapping = Mapping.from_json(run.mapping_snapshot)
    if expected_digest and expected_digest != mapping.digest():
        raise reject(
            "mapping",
            "The mapping changed since these rows were checked. Check all rows again.",
            code="imports.mapping_changed",
        )
    return _job_start(
        actor=actor, run=run, job=ImportRun.Job.COMMIT, mapping=mapping, options={"digest": expected_digest}
    )


def import_run_cancel(*, actor: User, run: ImportRun) -> ImportRun:
    """Ask the run's job to stop. A check stops with nothing recorded; a commit rolls back, so
    nothing is imported."""
    _require_may_act(actor, run)
    if not run.job_active:
        raise reject("file", "Nothing is running for this file.", code="imports.no_job")
    cache.set(_cancel_key(run), True, 86400)
    ImportRun.objects.filter(pk=run.pk, job_state__in=["queued", "running"]).update(
        job_state=ImportRun.JobState.CANCELLING, updated_at=timezone.now()
    )
    if _job_stale(run) or run.job_state == ImportRun.JobState.QUEUED:
        _job_end(run, "Cancelled before it ran; nothing was imported.")
    run.refresh_from_db()
    return run


def _job_stale(run: ImportRun) -> bool:
    progress = import_run_job_progress(run)
    last = progress.get("at") or (run.job_started_at.isoformat() if run.job_started_at else "")
    if not last:
        return True
    return timezone.now() - dt.datetime.fromisoformat(last) > JOB_STALE_AFTER


def _job_end(run: ImportRun, message: str = "") -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        job="", job_state="", job_mapping={}, job_options={}, job_message=message[:300], updated_at=timezone.now()
    )
    cache.delete(_cancel_key(run))


def import_run_job(*, run_pk: int) -> None:
    """A system job (the task queue runs it): the run's queued check or commit, with progress
    in the cache and a cancel checked every few thousand rows. Failures end the job with a
    message on the run; nothing is written partially (the commit is one transaction)."""
    run = ImportRun.objects.select_related("job_by").filter(pk=run_pk).first()
    if run is None or not run.job_active:
        return
    if run.job_state == ImportRun.JobState.CANCELLING or cache.get(_cancel_key(run)):
        _job_end(run, "Cancelled before it ran; nothing was imported.")
        return
    run.job_state, run.job_started_at = ImportRun.JobState.RUNNING, timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(job_state=run.job_state, job_started_at=run.job_started_at)
    total = run.rows_total

    def progress(done: int) -> None:
        cache.set(_progress_key(run), {"done": done, "total": total, "at": timezone.now().isoformat()}, 86400)

    def cancelled() -> bool:
        return bool(cache.get(_cancel_key(run)))

    actor = run.job_by
    if actor is None:  # the account was deleted while the job waited
        _job_end(run, "The person who started this job no longer has an account; nothing was imported.")
        return
    mapping = Mapping.from_json(run.job_mapping)
    try:
        if run.job == ImportRun.Job.CHECK:
            saved_pk = run.job_options.get("saved_mapping")
            saved = ImportMapping.objects.filter(pk=saved_pk).first() if saved_pk else None
            import_run_check(
                actor=actor,
                run=run,
                mapping=mapping,
                saved_mapping=saved,
                preset_key=run.job_options.get("preset"),
                progress=progress,
                cancelled=cancelled,
            )
        else:
            import_run_commit(
                actor=actor,
                run=run,
                expected_digest=run.job_options.get("digest", ""),
                progress=progress,
                cancelled=cancelled,
            )
    except Cancelled:
        _job_end(run, "Cancelled; nothing was recorded or imported." if run.job == "commit" else "Check cancelled.")
        return
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
        _job_end(run, " ".join(messages))
        return
    except Exception:
        logger.exception("Import job for run %s failed.", run.public_id)
        _job_end(run, "The job failed unexpectedly; nothing was imported. Try again, or ask an administrator.")
        raise
    _job_end(run)


def import_jobs_resume(*, now: dt.datetime | None = None) -> int:
    """A system job (hourly, and at a worker's start): jobs a restart killed start again from
    the top. A check has nothing to lose; a commit that died was rolled back, so starting it
    again imports every row once. Returns how many were restarted."""
    restarted = 0
    for run in ImportRun.objects.exclude(job="").exclude(job_state=""):
        if not _job_stale(run):
            continue
        if run.job_state == ImportRun.JobState.CANCELLING or not run.is_open:
            _job_end(run, "Stopped by a restart; nothing was imported.")
            continue
        ImportRun.objects.filter(pk=run.pk).update(job_state=ImportRun.JobState.QUEUED, job_started_at=timezone.now())
        run.refresh_from_db()
        cache.set(_progress_key(run), {"done": 0, "total": run.rows_total, "at": timezone.now().isoformat()}, 86400)
        _dispatch(run)
        restarted += 1
    return restarted


def import_mapping_save_from_run(*, actor: User, run: ImportRun, name: str, description: str = "") -> ImportMapping:
    """Save the mapping a run was last checked or committed with, without its file (which is
    deleted once committed)."""
    if not policy.can_see_run(actor, run) or not run.mapping_snapshot:
        raise reject("mapping", "This run has no checked mapping to save.", code="imports.not_checked")
    return import_mapping_save(
        actor=actor,
        importer_key=run.importer,
        name=name,
        mapping=Mapping.from_json(run.mapping_snapshot),
        description=description,
    )
