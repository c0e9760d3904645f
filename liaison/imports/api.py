"""Imports in the API: the history of runs with their reports, the importers and their
fields and presets, and the saved mappings. Uploading stays in the browser flow and the
management command, where a person sees the preview.

Every list is one page (`core.pagination`: `?page=&page_size=`, answered as
`{count, count_is_capped, page, pages, page_size, results}`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Query, Router, Schema

from liaison.core.api_access import api_access
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.imports import selectors
from liaison.imports.policy import IMPORT_ROLES
from liaison.imports.registry import importer_classes

router = Router()
IMPORT_ACCESS = api_access(*IMPORT_ROLES)


class RunOut(Schema):
    id: uuid.UUID
    importer: str
    status: str
    via: str
    file_name: str
    file_sha256: str
    file_size: int
    started_by: str | None
    committed_by: str | None
    created_at: dt.datetime
    checked_at: dt.datetime | None
    committed_at: dt.datetime | None
    mapping_name: str | None
    preset: str
    rows_total: int
    rows_created: int
    rows_already_imported: int
    rows_rejected: int


class RejectionOut(Schema):
    line: int
    field: str
    message: str


class RunDetailOut(RunOut):
    mapping: dict[str, Any]
    rejections: list[RejectionOut]
    rejections_total: int
    warnings: list[RejectionOut]
    warnings_total: int
    notes: list[str]
    failure: str


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    help: str
    max_columns: int


class PresetOut(Schema):
    key: str
    label: str
    help: str
    columns: dict[str, list[list[str]]]
    constants: dict[str, str]
    value_maps: dict[str, dict[str, str]]
    date_format: str


class ImporterOut(Schema):
    key: str
    label: str
    description: str
    fields: list[FieldOut]
    presets: list[PresetOut]


class MappingOut(Schema):
    id: int
    importer: str
    name: str
    description: str
    owner: str | None
    columns: dict[str, Any]
    constants: dict[str, Any]
    value_maps: dict[str, Any]
    date_format: str
    time_zone: str = Field(description="How times without an offset are read; '' means the site's time zone.")
    updated_at: dt.datetime


def _run_out(run) -> dict[str, Any]:
    return {
        "id": run.public_id,
        "importer": run.importer,
        "status": run.status,
        "via": run.via,
        "file_name": run.file_name,
        "file_sha256": run.file_sha256,
        "file_size": run.file_size,
        "started_by": run.started_by.get_username() if run.started_by else None,
        "committed_by": run.committed_by.get_username() if run.committed_by else None,
        "created_at": run.created_at,
        "checked_at": run.checked_at,
        "committed_at": run.committed_at,
        "mapping_name": run.mapping.name if run.mapping else None,
        "preset": run.preset,
        "rows_total": run.rows_total,
        "rows_created": run.rows_created,
        "rows_already_imported": run.rows_already_imported,
        "rows_rejected": run.rows_rejected,
    }


@router.get("/runs", response=page_of(RunOut), auth=IMPORT_ACCESS, summary="Import runs, newest first")
def run_list(request, params: Query[PageParams], importer: str = ""):
    runs = selectors.import_run_list(user=request.user, importer=importer)
    return api_page(runs, params=params, serialize=_run_out)


@router.get("/runs/{run_id}", response=RunDetailOut, auth=IMPORT_ACCESS, summary="One import run and its report")
def run_detail(request, run_id: uuid.UUID):
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id)
    report = run.report or {}
    return {
        **_run_out(run),
        "mapping": run.mapping_snapshot,
        "rejections": report.get("rejections", []),
        "rejections_total": report.get("rejections_total", 0),
        "warnings": report.get("warnings", []),
        "warnings_total": report.get("warnings_total", 0),
        "notes": report.get("notes", []),
        "failure": report.get("failure", ""),
    }


def _importer_out(cls) -> dict[str, Any]:
    return {
        "key": cls.key,
        "label": cls.label,
        "description": cls.description,
        "fields": [
            {
                "name": f.name,
                "label": f.label,
                "type": f.type,
                "required": f.required,
                "help": f.help,
                "max_columns": f.max_columns,
            }
            for f in cls.fields
        ],
        "presets": [
            {
                "key": p.key,
                "label": p.label,
                "help": p.help,
                "columns": {k: [list(alt) for alt in v] for k, v in p.columns.items()},
                "constants": p.constants,
                "value_maps": p.value_maps,
                "date_format": p.date_format,
            }
            for p in cls.presets
        ],
    }


@router.get(
    "/importers", response=page_of(ImporterOut), auth=IMPORT_ACCESS, summary="Importers, their fields and presets"
)
def importer_list(request, params: Query[PageParams]):
    return api_page(importer_classes(), params=params, serialize=_importer_out)


def _mapping_out(m) -> dict[str, Any]:
    return {
        "id": m.pk,
        "importer": m.importer,
        "name": m.name,
        "description": m.description,
        "owner": m.owner.get_username() if m.owner else None,
        "columns": m.columns,
        "constants": m.constants,
        "value_maps": m.value_maps,
        "date_format": m.date_format,
        "time_zone": m.time_zone,
        "updated_at": m.updated_at,
    }


@router.get("/mappings", response=page_of(MappingOut), auth=IMPORT_ACCESS, summary="Saved column mappings")
def mapping_list(request, params: Query[PageParams], importer: str = ""):
    mappings = selectors.import_mapping_list(user=request.user, importer=importer)
    return api_page(mappings, params=params, serialize=_mapping_out)
