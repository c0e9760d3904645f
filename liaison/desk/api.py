"""The desk's API: the same services and selectors as the desk screen.

POST /interactions is idempotent on `client_id`: 201 when stored, 200 when the same entry
was already stored (a re-send), 409 when the id was used for different content, 400 when a
field is wrong. Every error body is `{detail, code, errors: [{field, message, code}]}`; the
desk's codes are in errors.py. Lists answer the one page shape (core/pagination.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Field, Query, Router, Schema

from liaison.core.api_access import api_access
from liaison.core.errors import django_validation_errors, error_body, reject
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.desk import policy, selectors, services
from liaison.desk.models import Interaction

router = Router()
DESK = api_access(*DESK_ROLES)


class ErrorItem(Schema):
    field: str
    message: str
    code: str


class ErrorOut(Schema):
    detail: str
    code: str
    errors: list[ErrorItem]


class InteractionIn(Schema):
    client_id: uuid.UUID = Field(
        ..., description="Made by the client (e.g. crypto.randomUUID()); re-sending the same entry is harmless."
    )
    service_point: str | int = Field(..., description="Service point slug (or id).")
    kind: str | int = Field(..., description="Kind slug, e.g. 'research' (see GET /desk/kinds).")
    read_level: int = Field(..., description="READ Scale effort, 1–6.")
    mode: str | None = Field(None, description="in_person, phone, chat or email; default: the service point's usual.")
    occurred_at: dt.datetime | None = Field(
        None, description="When it happened (ISO 8601). Default: now. Earlier = logged after the fact."
    )
    duration_minutes: int | None = Field(None, description="0–1440.")
    tech_category: str | int | None = Field(
        None, description="Technology category slug (see GET /desk/tech-categories)."
    )
    tags: list[str] = Field(default_factory=list, description="Topic tag slugs (see GET /desk/tags).")
    note: str = Field("", description="Up to 500 characters. No patron identity.")
    referred_to: int | str | None = Field(None, description="Directory entry id or slug the person was sent to.")
    source: Literal["desk", "api"] = Field("api", description="'desk' from the desk screen, else 'api'.")


class InteractionPatch(Schema):
    service_point: str | int | None = None
    kind: str | int | None = None
    read_level: int | None = None
    mode: str | None = None
    occurred_at: dt.datetime | None = None
    duration_minutes: int | None = None
    tech_category: str | int | None = None
    tags: list[str] | None = None
    note: str | None = None
    referred_to: int | str | None = None


class ReferralOut(Schema):
    id: int
    name: str


class InteractionOut(Schema):
    client_id: uuid.UUID
    service_point: str
    kind: str
    kind_name: str
    read_level: int
    tech_category: str | None
    mode: str
    tags: list[str]
    note: str
    referred_to: ReferralOut | None
    duration_minutes: int | None
    weight: int = Field(1, description="How many interactions the entry counts as: 1, or an imported tally's count.")
    occurred_at: dt.datetime
    logged_at: dt.datetime
    back_dated: bool = Field(description="Logged a minute or more after it happened; both times are kept.")
    recorded_by: str | None = Field(description="User name of the staff member who logged it.")
    source: str
    undo_until: dt.datetime
    warnings: list[str] = Field(default_factory=list, description="Privacy warnings about the note (not errors).")


class InteractionFilters(Schema):
    service_point: str | None = Field(None, description="Service point slug.")
    kind: str | None = Field(None, description="Kind slug.")
    read_level: int | None = None
    mode: str | None = None
    since: str | None = Field(None, description="Happened at or after: ISO date-time, or a date (its start).")
    until: str | None = Field(None, description="Happened before: ISO date-time, or a date (through its end).")
    mine: bool = Field(False, description="Only what I logged.")
    source: str | None = None


class InteractionKindOut(Schema):
    slug: str
    name: str
    shortcut: str
    asks_tech_category: bool
    order: int
    is_active: bool


class TechCategoryOut(Schema):
    slug: str
    name: str
    order: int
    is_active: bool


class TagOut(Schema):
    slug: str
    name: str
    is_active: bool


class KindCountOut(Schema):
    slug: str
    name: str
    count: int


class LevelCountOut(Schema):
    level: int
    count: int


class TallyOut(Schema):
    service_point: str
    date: dt.date
    total: int
    by_kind: list[KindCountOut]
    by_read_level: list[LevelCountOut]


def interaction_out(interaction: Interaction, *, warnings: list[str] | None = None) -> dict:
    tags = getattr(interaction, "pending_tags", None)
    if tags is None:
        tags = interaction.tags.all()
    referral = interaction.referred_to
    return {
        "client_id": interaction.client_id,
        "service_point": interaction.service_point.slug,
        "kind": interaction.kind.slug,
        "kind_name": interaction.kind.name,
        "read_level": interaction.read_level,
        "tech_category": interaction.tech_category.slug if interaction.tech_category else None,
        "mode": interaction.mode,
        "tags": sorted(tag.slug for tag in tags),
        "note": interaction.note,
        "referred_to": {"id": referral.pk, "name": referral.name} if referral else None,
        "duration_minutes": interaction.duration_minutes,
        "weight": interaction.weight,
        "occurred_at": timezone.localtime(interaction.occurred_at),
        "logged_at": timezone.localtime(interaction.logged_at),
        "back_dated": interaction.back_dated,
        "recorded_by": interaction.recorded_by.get_username() if interaction.recorded_by else None,
        "source": interaction.source,
        "undo_until": timezone.localtime(interaction.undo_until),
        "warnings": warnings or [],
    }


@router.post(
    "/interactions",
    response={200: InteractionOut, 201: InteractionOut, 400: ErrorOut, 409: ErrorOut},
    auth=DESK,
    url_name="desk_interactions",
    summary="Log an interaction (idempotent on client_id)",
    description=(
        "201: stored. 200: this client_id was already stored with the same content (a re-send); the stored "
        "entry is returned and nothing is added. 409: this client_id was already used for different content. "
        "400: a field is wrong; `errors` names it. `warnings` flags notes that look like patron identity."
    ),
)
def interaction_create(request, payload: InteractionIn):
    try:
        interaction, created = services.interaction_log(actor=request.user, **payload.dict())
    except services.ClientIdConflict as exc:
        return 409, error_body(
            "This client_id was already used for a different interaction.",
            django_validation_errors(exc),
            code="conflict",
        )
    return (201 if created else 200), interaction_out(
        interaction, warnings=services.note_privacy_warnings(interaction.note)
    )


def _date_or_time(value: str | None, field: str) -> dt.date | dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_date(value) if len(value.strip()) == 10 else parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise reject(
            field, f"Give a date (2025-03-04) or an ISO date-time; got {value[:40]!r}.", code="desk.date_invalid"
        )
    return parsed


@router.get(
    "/interactions",
    response={200: page_of(InteractionOut), 400: ErrorOut},
    auth=DESK,
    summary="List interactions",
)
def interaction_list(request, filters: Query[InteractionFilters], params: Query[PageParams]):
    """Newest first. Student workers see what they logged; staff see every desk's entries."""
    options = filters.dict()
    options["since"] = _date_or_time(options["since"], "since")
    options["until"] = _date_or_time(options["until"], "until")
    entries = selectors.interaction_list_for_user(user=request.user, **options)
    return api_page(entries, params=params, serialize=interaction_out)


@router.get(
    "/interactions/{client_id}",
    response={200: InteractionOut, 400: ErrorOut, 404: ErrorOut},
    auth=DESK,
    url_name="desk_interaction",
    summary="One interaction by its client id",
)
def interaction_detail(request, client_id: uuid.UUID):
    entry = selectors.interaction_get_for_user(user=request.user, client_id=client_id)
    return interaction_out(entry, warnings=services.note_privacy_warnings(entry.note))


@router.patch(
    "/interactions/{client_id}",
    response={200: InteractionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=DESK,
    summary="Correct an interaction (its logger within 2 minutes, a supervisor any time)",
)
def interaction_update(request, client_id: uuid.UUID, payload: InteractionPatch):
    entry = selectors.interaction_get_for_user(user=request.user, client_id=client_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("tags", []) is None:
        raise reject("tags", "Send a list of tags; [] removes them all.", code="desk.tags_not_a_list")
    updated = services.interaction_update(actor=request.user, interaction=entry, data=changes)
    return interaction_out(updated, warnings=services.note_privacy_warnings(updated.note))


@router.delete(
    "/interactions/{client_id}",
    response={204: None, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=DESK,
    summary="Undo an interaction (its logger within 2 minutes, a supervisor any time)",
)
def interaction_undo(request, client_id: uuid.UUID):
    entry = selectors.interaction_get_for_user(user=request.user, client_id=client_id)
    services.interaction_undo(actor=request.user, interaction=entry)
    return 204, None


@router.get(
    "/kinds", response=page_of(InteractionKindOut), auth=DESK, summary="Kinds of interaction (editable in setup)"
)
def kind_list(request, params: Query[PageParams], include_inactive: bool = False):
    return api_page(selectors.kind_list(active_only=not include_inactive), params=params, ids_first=False)


@router.get("/tech-categories", response=page_of(TechCategoryOut), auth=DESK, summary="Technology categories")
def tech_category_list(request, params: Query[PageParams], include_inactive: bool = False):
    return api_page(selectors.tech_category_list(active_only=not include_inactive), params=params, ids_first=False)


@router.get("/tags", response=page_of(TagOut), auth=DESK, summary="Topic tags")
def topic_tag_list(request, params: Query[PageParams], include_inactive: bool = False):
    return api_page(selectors.topic_tag_list(active_only=not include_inactive), params=params, ids_first=False)


@router.get(
    "/service-points/{slug}/tally",
    response={200: TallyOut, 404: ErrorOut},
    auth=DESK,
    summary="A day's counts at a service point, by kind and READ level",
)
def service_point_tally(request, slug: str, date: dt.date | None = None):
    point = selectors.desk_service_point_get(slug=slug)
    tally = selectors.interaction_tally_for_day(point, date or timezone.localdate())
    return {
        "service_point": point.slug,
        "date": tally.date,
        "total": tally.total,
        "by_kind": [{"slug": row.kind.slug, "name": row.kind.name, "count": row.count} for row in tally.by_kind],
        "by_read_level": [{"level": level, "count": count} for level, count in tally.by_level],
    }


# --- Reports: the same figures as the reports page (liaison/desk/reports.py) -----------------


class ReportCellOut(Schema):
    row: str | int | dt.date | None = Field(..., description="The row's value (an id, a level, a date…).")
    row_label: str
    column: str | int | dt.date | None = None
    column_label: str = ""
    count: int


class ReportOut(Schema):
    period: str
    first: dt.date
    last: dt.date
    rows: str
    columns: str | None
    total: int
    cells: list[ReportCellOut]


class AcrlOut(Schema):
    period: str
    first: dt.date
    last: dt.date
    transactions: int
    consultations: int
    information_services: int
    directional: int
    technology: int
    definitions: dict[str, str]


STAFF = api_access(*STAFF_ROLES)


@router.get(
    "/reports",
    response=ReportOut,
    auth=STAFF,
    summary="Interactions in a period by one or two dimensions (what the reports page shows)",
)
def desk_report(
    request,
    period: Literal["day", "week", "month", "term", "year", "fiscal_year", "custom"] = "month",
    rows: str = "service_point",
    columns: str | None = None,
    anchor: dt.date | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    service_point: str | None = None,
):
    from liaison.desk import reports

    if not policy.can_read_reports(request.user):
        raise PermissionDenied("Desk reports are for staff and supervisors.")
    window = reports.period_for(period, anchor=anchor, first=first, last=last)
    where = {"service_point": selectors.desk_service_point_get(slug=service_point).pk} if service_point else None
    table = reports.desk_table(period=window, rows=rows, columns=columns or None, where=where, keep_empty=False)
    rows_labels = dict(table.row_keys)
    column_labels = dict(table.column_keys)
    return {
        "period": window.label,
        "first": window.first,
        "last": window.last,
        "rows": rows,
        "columns": columns or None,
        "total": table.total,
        "cells": [
            {
                "row": row,
                "row_label": rows_labels.get(row, str(row)),
                "column": column,
                "column_label": column_labels.get(column, "") if columns else "",
                "count": n,
            }
            for (row, column), n in sorted(table.cells.items(), key=lambda item: (str(item[0][0]), str(item[0][1])))
        ],
    }


@router.get("/reports/acrl", response=AcrlOut, auth=STAFF, summary="ACRL survey figures for a fiscal year")
def desk_report_acrl(request, fiscal_year: int = Query(None, ge=1900, le=2200)):
    from liaison.desk import reports

    if not policy.can_read_reports(request.user):
        raise PermissionDenied("Desk reports are for staff and supervisors.")
    month = reports.fiscal_year_start_month()
    anchor = dt.date(fiscal_year if month == 1 else fiscal_year - 1, month, 1) if fiscal_year else None
    window = reports.period_for("fiscal_year", anchor=anchor)
    figures = reports.acrl_figures(period=window)
    return {
        "period": window.label,
        "first": window.first,
        "last": window.last,
        "transactions": figures.transactions,
        "consultations": figures.consultations,
        "information_services": figures.information_services,
        "directional": figures.directional,
        "technology": figures.technology_share,
        "definitions": figures.definitions,
    }
