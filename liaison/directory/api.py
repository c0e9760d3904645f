"""The directory's API: the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from liaison.accounts.models import Department, User
from liaison.core.api_access import api_access
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.directory import selectors, services
from liaison.directory.models import DirectoryEntry
from liaison.places.models import Building

router = Router()
READERS = api_access(*DESK_ROLES)
EDITORS = api_access(*STAFF_ROLES)


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


class EntryListOut(Schema):
    count: int
    items: list[EntryOut]


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
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


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


def _resolve(values: dict) -> dict:
    """Turn codes and user names into objects; unknown ones are reported against their field."""
    from django.core.exceptions import ValidationError

    errors = {}
    if "department" in values:
        values["department"] = Department.objects.filter(code=values["department"]).first()
        if values["department"] is None:
            errors["department"] = "No department has this code."
    if "building" in values:
        code = values["building"]
        values["building"] = Building.objects.filter(code=code).first() if code else None
        if code and values["building"] is None:
            errors["building"] = "No building has this code."
    if "owner" in values:
        username = values["owner"]
        values["owner"] = User.objects.filter(username=username, is_active=True).first() if username else None
        if username and values["owner"] is None:
            errors["owner"] = "No active person has this user name."
    if errors:
        raise ValidationError(errors)
    return values


def _reload(pk: int) -> DirectoryEntry:
    return selectors.with_referral_counts(
        DirectoryEntry.objects.select_related("department", "owner", "building").filter(pk=pk)
    ).get()


@router.get("/entries", response=EntryListOut, auth=READERS, summary="List and filter directory entries")
def entry_list(request, filters: Query[EntryFilters]):
    department_id = None
    if filters.department:
        department_id = get_object_or_404(Department, code=filters.department).pk
    entries = selectors.entry_list(
        query=filters.q,
        department_id=department_id,
        kind=filters.kind or "",
        overdue=filters.overdue,
        status=filters.status,
    )
    page = entries[filters.offset : filters.offset + filters.limit]
    return {"count": entries.count(), "items": [_entry_out(e) for e in page]}


@router.get(
    "/search",
    response=list[EntryChoiceOut],
    auth=READERS,
    summary="Who handles X? Active entries ranked best first",
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
    selectors.entry_get(pk=entry_id)
    return _entry_out(_reload(entry_id))


@router.post("/entries", response={201: EntryOut}, auth=EDITORS, summary="Add a directory entry")
def entry_create(request, payload: EntryIn):
    values = _resolve(payload.dict())
    entry = services.entry_create(actor=request.user, **values)
    return 201, _entry_out(_reload(entry.pk))


@router.patch("/entries/{entry_id}", response=EntryOut, auth=EDITORS, summary="Change a directory entry")
def entry_update(request, entry_id: int, payload: EntryPatch):
    entry = selectors.entry_get(pk=entry_id)
    changes = _resolve(payload.dict(exclude_unset=True))
    entry = services.entry_update(actor=request.user, entry=entry, **changes)
    return _entry_out(_reload(entry.pk))


@router.post(
    "/entries/{entry_id}/review",
    response=EntryOut,
    auth=EDITORS,
    summary="Mark an entry reviewed (still true) and push its review-by date out",
)
def entry_mark_reviewed(request, entry_id: int, payload: ReviewIn):
    entry = selectors.entry_get(pk=entry_id)
    entry = services.entry_mark_reviewed(actor=request.user, entry=entry, next_review_by=payload.next_review_by)
    return _entry_out(_reload(entry.pk))


@router.post("/entries/{entry_id}/retire", response=EntryOut, auth=EDITORS, summary="Retire an entry")
def entry_retire(request, entry_id: int):
    entry = services.entry_retire(actor=request.user, entry=selectors.entry_get(pk=entry_id))
    return _entry_out(_reload(entry.pk))
