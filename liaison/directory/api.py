"""The directory's API: the same selectors and services as the pages. Thin: parse, call one
selector or service, shape the answer. Lists answer the one page shape (`core.pagination`);
errors carry the codes in `errors.py`. Departments, buildings and people are named by code
or user name and looked up through their own apps' selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema

from liaison.accounts.selectors import department_get, user_get_by_username
from liaison.core.api_access import api_access
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.directory import policy, selectors, services
from liaison.directory.models import DirectoryEntry
from liaison.places.selectors import building_list

router = Router()
READERS = api_access(*policy.READER_ROLES)
EDITORS = api_access(*policy.EDITOR_ROLES)


class EntryOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    handles: list[str]
    description: str
    location: str
    building: str | None
    hours: str
    email: str
    phone: str
    url: str
    department: str = Field(description="Code of the owning department.")
    owner: str | None = Field(description="User name of the person who keeps the entry true.")
    review_by: dt.date
    last_reviewed_at: dt.datetime | None
    overdue: bool
    is_active: bool
    referral_count: int = Field(description="Desk referrals to this entry in the last 90 days.")


class EntryChoiceOut(Schema):
    id: int
    name: str
    kind: str
    matched_handles: list[str]
    location: str
    hours: str
    phone: str
    email: str
    overdue: bool
    score: float
    referral_count: int


class EntryFilters(Schema):
    q: str = Field("", max_length=200, description="'Who handles X?' words; results ranked best first.")
    department: str = Field("", description="Department code.")
    kind: DirectoryEntry.Kind | None = None
    overdue: bool = False
    status: str = Field("active", pattern="^(active|retired|all)$")


class EntryIn(Schema):
    name: str = Field(..., max_length=160)
    handles: str = Field(..., description="Keywords and phrases, one per line or comma-separated.")
    department: str = Field(..., description="Code of the owning department, e.g. 'library'.")
    kind: DirectoryEntry.Kind = DirectoryEntry.Kind.OFFICE
    description: str = ""
    location: str = ""
    building: str | None = Field(None, description="Building code.")
    hours: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""
    owner: str | None = Field(None, description="User name.")
    review_by: dt.date | None = Field(None, description="Defaults to a year from today.")


class EntryPatch(Schema):
    name: str | None = Field(None, max_length=160)
    handles: str | None = None
    department: str | None = None
    kind: DirectoryEntry.Kind | None = None
    description: str | None = None
    location: str | None = None
    building: str | None = Field(None, description="Building code; empty string clears it.")
    hours: str | None = None
    email: str | None = None
    phone: str | None = None
    url: str | None = None
    owner: str | None = Field(None, description="User name; empty string clears it.")
    review_by: dt.date | None = None
    is_active: bool | None = None


class ReviewIn(Schema):
    next_review_by: dt.date | None = Field(None, description="Defaults to a year from today.")


def _entry_out(entry: DirectoryEntry) -> dict:
    return {
        "id": entry.pk,
        "slug": entry.slug,
        "name": entry.name,
        "kind": entry.kind,
        "handles": entry.handles_list,
        "description": entry.description,
        "location": entry.location,
        "building": entry.building.code if entry.building else None,
        "hours": entry.hours,
        "email": entry.email,
        "phone": entry.phone,
        "url": entry.url,
        "department": entry.department.code,
        "owner": entry.owner.get_username() if entry.owner else None,
        "review_by": entry.review_by,
        "last_reviewed_at": entry.last_reviewed_at,
        "overdue": entry.is_overdue(),
        "is_active": entry.is_active,
        "referral_count": getattr(entry, "referral_count", 0) or 0,
    }


def _resolve(values: dict[str, Any]) -> dict[str, Any]:
    """Turn codes and user names into objects; unknown ones are reported against their field."""
    problems: list[ValidationError] = []
    if "department" in values:
        try:
            values["department"] = department_get(code=values["department"] or "")
        except Http404:
            problems.append(reject("department", "No department has this code.", code="directory.department_unknown"))
    if "building" in values:
        code = values["building"]
        values["building"] = building_list().filter(code=code).first() if code else None
        if code and values["building"] is None:
            problems.append(reject("building", "No building has this code.", code="directory.building_unknown"))
    if "owner" in values:
        username = values["owner"]
        try:
            values["owner"] = user_get_by_username(username=username, active_only=True) if username else None
        except Http404:
            problems.append(reject("owner", "No active person has this user name.", code="directory.owner_unknown"))
    if problems:
        raise ValidationError({field: p.error_dict[field] for p in problems for field in p.error_dict})
    return values


@router.get("/entries", response=page_of(EntryOut), auth=READERS, summary="List and filter directory entries")
def entry_list(request, filters: Query[EntryFilters], page: Query[PageParams]):
    department_id = department_get(code=filters.department).pk if filters.department else None
    entries = selectors.entry_list(
        query=filters.q,
        department_id=department_id,
        kind=filters.kind or "",
        overdue=filters.overdue,
        status=filters.status,
    )
    return api_page(entries, params=page, serialize=_entry_out)


@router.get(
    "/search",
    response=list[EntryChoiceOut],
    auth=READERS,
    summary="Who handles X? Active entries ranked best first",
    description="A ranked look-up, not a list: the best `limit` choices (at most 50), no pages.",
)
def entry_search(request, q: str = Query("", max_length=200), limit: int = Query(8, ge=1, le=50)):
    results = selectors.directory_search(q, limit=limit, with_counts=True) if q.strip() else []
    return [
        {
            "id": e.pk,
            "name": e.name,
            "kind": e.kind,
            "matched_handles": e.matched_handles,
            "location": e.location or (str(e.building) if e.building else ""),
            "hours": e.hours,
            "phone": e.phone,
            "email": e.email,
            "overdue": e.is_overdue(),
            "score": round(e.search_score, 2),
            "referral_count": e.referral_count,
        }
        for e in results
    ]


@router.get("/entries/{entry_id}", response=EntryOut, auth=READERS)
def entry_detail(request, entry_id: int):
    return _entry_out(selectors.entry_get_for_user(user=request.user, pk=entry_id))


@router.post(
    "/entries",
    response={201: EntryOut},
    auth=EDITORS,
    summary="Add a directory entry",
    description=IDEMPOTENCY_NOTE,
)
@idempotent("directory.entry_create")
def entry_create(request, payload: EntryIn):
    entry = services.entry_create(actor=request.user, **_resolve(payload.dict()))
    return 201, _entry_out(selectors.entry_get_for_user(user=request.user, pk=entry.pk))


@router.patch("/entries/{entry_id}", response=EntryOut, auth=EDITORS, summary="Change a directory entry")
def entry_update(request, entry_id: int, payload: EntryPatch):
    entry = selectors.entry_get_for_user(user=request.user, pk=entry_id, for_edit=True)
    data = _resolve(payload.dict(exclude_unset=True))
    entry = services.entry_update(actor=request.user, entry=entry, data=data)
    return _entry_out(selectors.entry_get_for_user(user=request.user, pk=entry.pk))


@router.post(
    "/entries/{entry_id}/review",
    response=EntryOut,
    auth=EDITORS,
    summary="Mark an entry reviewed (still true) and push its review-by date out",
)
def entry_mark_reviewed(request, entry_id: int, payload: ReviewIn):
    entry = selectors.entry_get_for_user(user=request.user, pk=entry_id, for_edit=True)
    entry = services.entry_mark_reviewed(actor=request.user, entry=entry, next_review_by=payload.next_review_by)
    return _entry_out(selectors.entry_get_for_user(user=request.user, pk=entry.pk))


@router.post("/entries/{entry_id}/retire", response=EntryOut, auth=EDITORS, summary="Retire an entry")
def entry_retire(request, entry_id: int):
    entry = selectors.entry_get_for_user(user=request.user, pk=entry_id, for_edit=True)
    entry = services.entry_retire(actor=request.user, entry=entry)
    return _entry_out(selectors.entry_get_for_user(user=request.user, pk=entry.pk))
