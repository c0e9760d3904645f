import datetime as dt

from django.utils import timezone
from ninja import Query, Router, Schema

from liaison.core.api_access import API_PUBLIC, api_access
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.core.roles import Role
from liaison.places import selectors, services

router = Router()


class PeriodOut(Schema):
    opens: dt.time
    closes: dt.time


class DayOut(Schema):
    date: dt.date
    closed: bool
    note: str
    periods: list[PeriodOut]


class ServicePointOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    departments: list[str]
    open_now: bool
    week: list[DayOut]


class HoursExceptionIn(Schema):
    date: dt.date
    reason: str
    is_closed: bool = True
    opens: dt.time | None = None
    closes: dt.time | None = None


class HoursExceptionOut(Schema):
    id: int
    date: dt.date
    reason: str
    is_closed: bool
    opens: dt.time | None
    closes: dt.time | None


def _point_out(point) -> dict:
    return {
        "id": point.id,
        "slug": point.slug,
        "name": point.name,
        "kind": point.kind,
        "departments": [d.code for d in point.departments.all()],
        "open_now": selectors.is_open_at(point),
        "week": [
            {
                "date": day.date,
                "closed": day.is_closed,
                "note": day.note,
                "periods": [{"opens": o, "closes": c} for o, c in day.periods],
            }
            for day in selectors.week_of_hours(point, timezone.localdate())
        ],
    }


@router.get(
    "/service-points",
    response=page_of(ServicePointOut),
    auth=API_PUBLIC,
    summary="Service points and their week of hours",
)
def service_point_list(request, params: Query[PageParams]):
    return api_page(selectors.service_point_list(), params=params, serialize=_point_out)


@router.get("/service-points/{slug}", response=ServicePointOut, auth=API_PUBLIC)
def service_point_detail(request, slug: str):
    return _point_out(selectors.service_point_get(slug=slug))


@router.put(
    "/service-points/{slug}/exceptions",
    response=HoursExceptionOut,
    auth=api_access(Role.SUPERVISOR),
    summary="Close a service point on a date or set special hours",
)
def hours_exception_set(request, slug: str, payload: HoursExceptionIn):
    point = selectors.service_point_get(slug=slug)
    return services.hours_exception_set(actor=request.user, service_point=point, **payload.dict())
