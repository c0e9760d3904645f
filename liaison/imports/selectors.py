"""Reads for imports, access-checked through `policy.py`.

`<entity>_get_for_user` raises Http404 when the object is not there or not the user's to
see, and PermissionDenied when they may see it but not work on it (`to_act`, `to_manage`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from liaison.core.errors import reject
from liaison.imports import policy
from liaison.imports.engine import check_rows
from liaison.imports.mapping import Mapping, compile_mapping, prepared_file
from liaison.imports.models import ImportMapping, ImportRun
from liaison.imports.parsing import ParsedFile, parse_file
from liaison.imports.registry import importer_get
from liaison.imports.storage import import_storage_dir

NOT_IMPORTER = "Your role does not use imports."
NOT_YOUR_UPLOAD = "Only the person who uploaded this file, or a supervisor, can work on it."
NOT_YOUR_MAPPING = "Only the person who saved this mapping, or a supervisor, may change or delete it."


def _runs() -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("started_by", "committed_by", "mapping")


def import_run_list(*, user: Any, importer: str = "") -> QuerySet[ImportRun]:
    """Every run, newest first (the history is open to everyone who imports)."""
    if not policy.can_import(user):
        raise PermissionDenied(NOT_IMPORTER)
    runs = _runs()
    return runs.filter(importer=importer) if importer else runs


def import_run_get_for_user(*, user: Any, public_id: UUID | str, to_act: bool = False) -> ImportRun:
    """One run: 404 when absent or not the user's to see; with `to_act`, 403 unless they may
    work on it (see its rows, check, import or discard it)."""
    run = _runs().filter(public_id=public_id).first()
    if run is None or not policy.can_see_run(user, run):
        raise Http404("No such import.")
    if to_act and not policy.can_act_on_run(user, run):
        raise PermissionDenied(NOT_YOUR_UPLOAD)
    return run


def import_run_earlier_commit(*, run: ImportRun) -> ImportRun | None:
    """Another run that already imported the same file (by its hash), if any."""
    return (
        ImportRun.objects.filter(file_sha256=run.file_sha256, status=ImportRun.Status.COMMITTED)
        .exclude(pk=run.pk)
        .select_related("committed_by")
        .first()
    )


def import_run_parsed(run: ImportRun, *, preview: int | None = None) -> ParsedFile:
    """The run's kept file, parsed again (rows are streamed; `preview=N` reads only N rows).
    The caller has the run from `import_run_get_for_user(..., to_act=True)` or is a service
    that checked."""
    if not run.stored_file:
        raise reject(
            "file",
            "The uploaded file is no longer kept (imports keep files for a day). Upload it again.",
            code="imports.file_gone",
        )
    path = import_storage_dir() / run.stored_file
    if not path.exists():
        raise reject("file", "The uploaded file is no longer kept. Upload it again.", code="imports.file_gone")
    return parse_file(path.read_bytes(), run.file_name, preview=preview)


def import_run_rejections(*, user: Any, run: ImportRun) -> list[dict[str, Any]]:
    """Every rejected row of the run's last check, as {line, field, message}.

    The stored report keeps the first 1000; for someone who may work on an open upload the
    kept file is checked again under the mapping last checked, so the list is complete."""
    if not policy.can_download_rejects(user, run):
        raise Http404("No such import.")
    rejections: list[dict[str, Any]] = list((run.report or {}).get("rejections", []))
    if run.is_open and run.mapping_snapshot and policy.can_act_on_run(user, run):
        try:
            mapping = Mapping.from_json(run.mapping_snapshot)
            parsed = prepared_file(import_run_parsed(run), mapping)
            importer = importer_get(run.importer, actor=user, source_name=mapping.source or run.preset or "csv")
            compiled = compile_mapping(importer, mapping, parsed.headers)
            rejections = [r.as_json() for r in check_rows(importer, parsed, compiled, keep_objects=False).rejections]
        except ValidationError:
            pass  # the stored report is what there is
    return rejections


def import_run_rejected_rows(
    *, user: Any, run: ImportRun
) -> tuple[list[str], list[tuple[dict[str, Any], dict[str, str]]]]:
    """Every rejection with the cells of its row (read again from the kept upload, for someone
    who may work on it; otherwise the report alone): (the file's headers, [(rejection, cells)])."""
    rejections = import_run_rejections(user=user, run=run)
    if not (run.is_open and policy.can_act_on_run(user, run)):
        return [], [(r, {}) for r in rejections]
    try:
        mapping = Mapping.from_json(run.mapping_snapshot or {})
        parsed = prepared_file(import_run_parsed(run), mapping)
    except ValidationError:
        return [], [(r, {}) for r in rejections]
    wanted = {r["line"] for r in rejections}
    cells = {row.line: row.values for row in parsed.iter_rows() if row.line in wanted}
    return parsed.headers, [(r, cells.get(r["line"], {})) for r in rejections]


def import_mapping_list(*, user: Any, importer: str = "") -> QuerySet[ImportMapping]:
    """Saved mappings (offered to everyone who imports)."""
    if not policy.can_import(user):
        raise PermissionDenied(NOT_IMPORTER)
    mappings = ImportMapping.objects.select_related("owner")
    return mappings.filter(importer=importer) if importer else mappings


def import_mapping_get_for_user(*, user: Any, pk: int, to_manage: bool = False) -> ImportMapping:
    """One saved mapping: 404 when absent or the user does not import; with `to_manage`, 403
    unless they may replace or delete it."""
    mapping = ImportMapping.objects.select_related("owner").filter(pk=pk).first()
    if mapping is None or not policy.can_import(user):
        raise Http404("No such saved mapping.")
    if to_manage and not policy.can_manage_mapping(user, mapping):
        raise PermissionDenied(NOT_YOUR_MAPPING)
    return mapping


def import_mapping_get_by_name(*, name: str, importer: str) -> ImportMapping:
    """A saved mapping by its name, for the management command (run by an operator on the
    server, who may name no user). 404 when there is none."""
    found = ImportMapping.objects.select_related("owner").filter(importer=importer, name__iexact=name.strip()).first()
    if found is None:
        raise Http404("No such saved mapping.")
    return found
