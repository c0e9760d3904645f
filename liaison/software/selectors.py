"""Reads for software access. Access follows `policy.py`: `<entity>_get_for_user` raises 404
for what the person may not see (or what does not exist) and 403 for what they may see but
not change. The gap matrix is `matrix.gap_matrix`; the drift report is `drift.drift_report`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from liaison.places import selectors as places_selectors
from liaison.software import policy
from liaison.software.models import (
    Baseline,
    Course,
    Image,
    ImageItem,
    Instructor,
    Need,
    Permission,
    Profile,
    Request,
    Term,
    Title,
    Workstation,
)

INSTRUCTOR_LINK_SALT = "software.instructor-needs"


def _readable(user: Any) -> None:
    if not policy.can_read(user):
        raise Http404("Not found.")


# --- Terms and courses -------------------------------------------------------------------


def term_list() -> QuerySet[Term]:
    return Term.objects.order_by("-starts_on")


def term_current(*, today: dt.date | None = None) -> Term | None:
    """The term under way, else the next one to start, else the latest."""
    today = today or timezone.localdate()
    terms = Term.objects.all()
    return (
        terms.filter(starts_on__lte=today, ends_on__gte=today).order_by("starts_on").first()
        or terms.filter(starts_on__gt=today).order_by("starts_on").first()
        or terms.order_by("-starts_on").first()
    )


def term_get(*, slug: str) -> Term:
    term = Term.objects.filter(slug=slug).first()
    if term is None:
        raise Http404("No such term.")
    return term


def course_list(*, term: Term, query: str = "") -> QuerySet[Course]:
    courses = Course.objects.filter(term=term).annotate(need_count=Count("needs"))
    query = query.strip()
    if query:
        courses = courses.filter(Q(code__icontains=query) | Q(name__icontains=query) | Q(department__icontains=query))
    return courses.order_by("code", "section")


def course_get_for_user(*, user: Any, pk: int) -> Course:
    _readable(user)
    course = Course.objects.select_related("term").prefetch_related("instructors").filter(pk=pk).first()
    if course is None:
        raise Http404("No such course.")
    return course


def department_choices(*, term: Term) -> list[str]:
    return list(Course.objects.filter(term=term).order_by("department").values_list("department", flat=True).distinct())


def lab_choices() -> QuerySet[Any]:
    return places_selectors.lab_list().order_by("building__name", "name")


def lab_get(*, pk: int) -> Any:
    lab = lab_choices().filter(pk=pk).first()
    if lab is None:
        raise Http404("No such lab.")
    return lab


# --- Needs --------------------------------------------------------------------------------


def need_get_for_user(*, user: Any, pk: int, for_edit: bool = False) -> Need:
    _readable(user)
    need = Need.objects.select_related("course__term", "title", "lab__building").filter(pk=pk).first()
    if need is None:
        raise Http404("No such need.")
    if for_edit and not policy.can_edit_need(user, need):
        raise PermissionDenied("Only staff change course software needs.")
    return need


def needs_for_course(*, course: Course) -> QuerySet[Need]:
    return course.needs.select_related("title", "lab__building", "entered_by", "entered_by_instructor").order_by(
        "needed_by", "title__name"
    )


# --- Instructor links (faculty have no account) ----------------------------------------------


def instructor_link_token(*, instructor: Instructor, term: Term) -> str:
    """A signed token naming the instructor and the term: their page for entering needs."""
    return signing.dumps({"i": instructor.pk, "t": term.pk}, salt=INSTRUCTOR_LINK_SALT)


def instructor_from_token(token: str) -> tuple[Instructor, Term]:
    """404 for a broken token, an unknown instructor or term; the token lives until term ends."""
    try:
        data = signing.loads(token, salt=INSTRUCTOR_LINK_SALT)
        instructor = Instructor.objects.filter(pk=int(data["i"])).first()
        term = Term.objects.filter(pk=int(data["t"])).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404("This link is broken.") from None
    if instructor is None or term is None or term.ends_on < timezone.localdate():
        raise Http404("This link is broken or has expired.")
    return instructor, term


def instructor_courses(*, instructor: Instructor, term: Term) -> QuerySet[Course]:
    return instructor.courses.filter(term=term).prefetch_related("needs__title", "needs__lab").order_by("code")


# --- Catalogue, images, profiles ------------------------------------------------------------------


def title_list(*, query: str = "") -> QuerySet[Title]:
    titles = Title.objects.annotate(image_count=Count("image_items", distinct=True))
    if query.strip():
        titles = titles.filter(Q(name__icontains=query.strip()) | Q(publisher__icontains=query.strip()))
    return titles.order_by("name")


def title_choices() -> QuerySet[Title]:
    return Title.objects.order_by("name")


def title_by_name(name: str) -> Title | None:
    return Title.objects.filter(name__iexact=(name or "").strip()).first()


def image_list() -> QuerySet[Image]:
    return (
        Image.objects.select_related("profile")
        .prefetch_related("labs__building")
        .annotate(title_count=Count("items"))
        .order_by("name")
    )


def image_get_for_user(*, user: Any, pk: int) -> Image:
    _readable(user)
    image = image_list().filter(pk=pk).first()
    if image is None:
        raise Http404("No such image.")
    return image


def image_items(*, image: Image) -> QuerySet[ImageItem]:
    return image.items.select_related("title").order_by("title__name")


def profile_list() -> QuerySet[Profile]:
    return Profile.objects.prefetch_related("permissions").annotate(rule_count=Count("rules")).order_by("kind", "name")


def permission_list() -> QuerySet[Permission]:
    return Permission.objects.prefetch_related("requires").order_by("order", "label")


def unneeded_items(*, term: Term) -> QuerySet[ImageItem]:
    """Software installed in an image that no course of `term` needs."""
    needed = Need.objects.filter(course__term=term).values("title_id")
    return (
        ImageItem.objects.exclude(title_id__in=needed)
        .select_related("image", "title")
        .order_by("title__name", "image__name")
    )


# --- Requests ------------------------------------------------------------------------------------


def request_list(*, user: Any, state: str = "", overdue: bool = False, term: Term | None = None) -> QuerySet[Request]:
    """Both departments see every request; `state` 'active' for open and in progress."""
    _readable(user)
    requests = Request.objects.select_related(
        "need__course__term", "need__title", "lab__building", "owner", "requested_by", "ticket"
    )
    if term is not None:
        requests = requests.filter(need__course__term=term)
    if state == "active" or overdue:
        requests = requests.filter(state__in=Request.ACTIVE_STATES)
    elif state in Request.State.values:
        requests = requests.filter(state=state)
    if overdue:
        requests = requests.filter(due_on__lt=timezone.localdate())
    return requests.order_by("due_on", "pk")


def open_request_count() -> int:
    return Request.objects.filter(state__in=Request.ACTIVE_STATES).count()


def overdue_request_count() -> int:
    return Request.objects.filter(state__in=Request.ACTIVE_STATES, due_on__lt=timezone.localdate()).count()


def request_get_for_user(*, user: Any, pk: int, for_work: bool = False) -> Request:
    _readable(user)
    request = (
        Request.objects.select_related(
            "need__course__term",
            "need__title",
            "need__lab__building",
            "lab__building",
            "owner",
            "requested_by",
            "resolved_by",
            "ticket",
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("No such request.")
    if for_work and not policy.can_work_request(user, request):
        raise PermissionDenied("Only IT works software requests.")
    return request


def it_people() -> list[Any]:
    """Who may own a request: active IT staff and supervisors in an IT department."""
    from liaison.accounts import selectors as account_selectors

    return [u for u in account_selectors.user_list() if u.is_active and policy.is_it(u)]


# --- Baselines and workstations ----------------------------------------------------------------


def baseline_history(*, role: str = "") -> QuerySet[Baseline]:
    baselines = Baseline.objects.select_related("created_by").prefetch_related("permissions")
    if role:
        baselines = baselines.filter(role=role)
    return baselines.order_by("role", "-version")


def workstation_get_for_user(*, user: Any, pk: int) -> Workstation:
    _readable(user)
    station = Workstation.objects.select_related("person", "profile").filter(pk=pk).first()
    if station is None:
        raise Http404("No such workstation.")
    return station


def permission_get(*, pk: int) -> Permission:
    permission = Permission.objects.filter(pk=pk).first()
    if permission is None:
        raise Http404("No such permission.")
    return permission
