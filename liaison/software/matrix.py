"""The gap matrix: for each course of a term, can its students run what they need where they
actually work?

Each need gets one answer (`models.Answer`): yes; missing from the image; blocked by the
profile; out of licence seats; or version too old. It is computed on every read from the
rows as they are now (nothing is cached or stored), so a changed image, profile, licence or
need shows at once (ADR 0035). The number of queries does not depend on how many courses,
needs, images or titles there are: `gap_matrix` reads each table once (asserted in tests and
measured by bench/software_gap_matrix.py).

How one need is answered in one lab, first failure wins:

1. The title is *not allowed* on campus machines → blocked by the profile.
2. Web and virtual titles need no install; an image title must be installed in one of the
   lab's images → otherwise missing from the image (a lab with no image: missing too).
3. The installed version (the newest across the lab's images; for web and virtual, the
   catalogue's newest) must reach the need's minimum (`versions.at_least`) → otherwise
   version too old (an installed version nobody recorded cannot be shown to be new enough).
4. The profile the students sign in with on an image that has it must neither block the
   title nor lack a permission the title requires → otherwise blocked by the profile.
5. A seat licence must cover the whole class at once: the course's enrolment may not exceed
   the licensed seats → otherwise out of licence seats. (Without timetables this is the one
   shortfall that is certain; several courses sharing seats at different hours is not.)

"Any lab" takes the best answer across the labs that have an image (yes before seats before
version before blocked before missing); a named lab is answered there alone. With a lab
filter, every "any lab" need is answered in that lab.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet

from liaison.places import selectors as places_selectors
from liaison.software import versions
from liaison.software.models import (
    Answer,
    Course,
    Image,
    ImageItem,
    Need,
    Profile,
    ProfileRule,
    Request,
    Term,
    Title,
    TitleVersion,
)

if TYPE_CHECKING:
    from liaison.places.models import Room

RANK: dict[str, int] = {Answer.YES: 0, Answer.SEATS: 1, Answer.TOO_OLD: 2, Answer.BLOCKED: 3, Answer.MISSING: 4}
# What the matrix reads of a need and its course, title and lab (not the timestamps or notes).
NEED_COLUMNS = (
    "course_id", "title_id", "lab_id", "min_version", "needed_by", "is_late",
    "course__code", "course__section", "course__name", "course__department", "course__enrolment", "course__term_id",
    "title__name", "title__licence", "title__seats", "title__delivery",
    "lab__name", "lab__number", "lab__kind", "lab__building__code", "lab__building__name",
)  # fmt: skip
GAPS = (Answer.MISSING, Answer.BLOCKED, Answer.SEATS, Answer.TOO_OLD)


@dataclass
class Cell:
    """One need's answer."""

    need: Need
    answer: str
    detail: str
    lab: Any = None  # the lab the answer is about (for "any lab": the best one), or None
    request: Request | None = None  # the open request, else the latest one

    @property
    def is_gap(self) -> bool:
        return self.answer != Answer.YES

    @property
    def answer_label(self) -> str:
        return Answer(self.answer).label

    @property
    def open_request(self) -> Request | None:
        return self.request if self.request is not None and self.request.is_active else None


@dataclass
class CourseRow:
    course: Course
    cells: list[Cell] = field(default_factory=list)

    @property
    def gaps(self) -> list[Cell]:
        return [c for c in self.cells if c.is_gap]

    @property
    def ok(self) -> bool:
        return not self.gaps


@dataclass
class Matrix:
    term: Term
    rows: list[CourseRow]
    counts: dict[str, int]
    courses_without_needs: int
    lab: Any = None

    @property
    def cells(self) -> list[Cell]:
        return [c for row in self.rows for c in row.cells]

    @property
    def gap_count(self) -> int:
        return sum(self.counts.get(a, 0) for a in GAPS)

    @property
    def unasked(self) -> list[Cell]:
        """Gaps nobody has asked IT about yet (no open request): no owner, no date."""
        return [c for c in self.cells if c.is_gap and c.open_request is None]

    def cell_for(self, need_id: int) -> Cell | None:
        return next((c for c in self.cells if c.need.pk == need_id), None)


@dataclass
class _Facts:
    """Everything the answers need, read once."""

    lab_images: dict[int, list[Image]]  # lab id → its images
    labs: dict[int, Any]  # lab id → Room, for labs with an image
    installed: dict[tuple[int, int], str]  # (image id, title id) → version
    rules: dict[tuple[int, int], bool]  # (profile id, title id) → allowed
    granted: dict[int, set[int]]  # profile id → permission ids
    requires: dict[int, set[int]]  # title id → permission ids
    permission_labels: dict[int, str]
    newest: dict[int, str]  # title id → newest catalogue version


def needs_for(
    term: Term, *, lab: Room | None = None, department: str = "", deadline: dt.date | None = None
) -> QuerySet[Need]:
    needs = Need.objects.filter(course__term=term)
    if lab is not None:
        needs = needs.filter(lab__isnull=True) | needs.filter(lab=lab)
    if department:
        needs = needs.filter(course__department=department)
    if deadline is not None:
        needs = needs.filter(needed_by__lte=deadline)
    return needs


def _facts(term: Term, needs: QuerySet[Need]) -> _Facts:
    title_ids = needs.values("title_id")
    images = list(
        Image.objects.select_related("profile").prefetch_related(
            Prefetch("labs", queryset=places_selectors.lab_list(), to_attr="lab_rooms")
        )
    )
    lab_images: dict[int, list[Image]] = defaultdict(list)
    labs: dict[int, Any] = {}
    for image in images:
        for room in image.lab_rooms:
            lab_images[room.pk].append(image)
            labs[room.pk] = room
    installed = {
        (row["image_id"], row["title_id"]): row["version"]
        for row in ImageItem.objects.filter(title_id__in=title_ids).values("image_id", "title_id", "version")
    }
    rules = {
        (row["profile_id"], row["title_id"]): row["allowed"]
        for row in ProfileRule.objects.filter(title_id__in=title_ids).values("profile_id", "title_id", "allowed")
    }
    granted: dict[int, set[int]] = defaultdict(set)
    for row in Profile.permissions.through.objects.values("profile_id", "permission_id"):
        granted[row["profile_id"]].add(row["permission_id"])
    requires: dict[int, set[int]] = defaultdict(set)
    labels: dict[int, str] = {}
    for row in Title.requires.through.objects.filter(title_id__in=title_ids).values(
        "title_id", "permission_id", "permission__label"
    ):
        requires[row["title_id"]].add(row["permission_id"])
        labels[row["permission_id"]] = row["permission__label"]
    by_title: dict[int, list[str]] = defaultdict(list)
    for title_id, version in TitleVersion.objects.filter(title_id__in=title_ids).values_list("title_id", "version"):
        by_title[title_id].append(version)
    return _Facts(
        lab_images=lab_images,
        labs=labs,
        installed=installed,
        rules=rules,
        granted=granted,
        requires=requires,
        permission_labels=labels,
        newest={t: versions.newest(v) for t, v in by_title.items()},
    )


def _answer_in_lab(need: Need, lab_id: int, facts: _Facts) -> tuple[str, str]:
    title = need.title
    if title.delivery == Title.Delivery.NOT_ALLOWED:
        return Answer.BLOCKED, f"{title.name} is not allowed on campus machines."
    images = facts.lab_images.get(lab_id, [])
    if not images:
        return Answer.MISSING, "No image is recorded for this lab."
    streamed = title.delivery in (Title.Delivery.WEB, Title.Delivery.VIRTUAL)
    if streamed:
        carrying = images
        version = facts.newest.get(title.pk, "")
    else:
        carrying = [i for i in images if (i.pk, title.pk) in facts.installed]
        if not carrying:
            return Answer.MISSING, f"Not installed in {', '.join(i.name for i in images)}."
        version = versions.newest([facts.installed[(i.pk, title.pk)] for i in carrying])
    if not versions.at_least(version, need.min_version):
        where = "delivered" if streamed else "installed"
        if not versions.is_version(version):
            return Answer.TOO_OLD, f"The {where} version is not recorded; the course needs {need.min_version} or later."
        return Answer.TOO_OLD, f"Version {version} is {where}; the course needs {need.min_version} or later."
    reasons = []
    for image in carrying:
        reason = _profile_refusal(image, title, facts)
        if reason is None:
            break
        reasons.append(reason)
    else:
        return Answer.BLOCKED, " ".join(dict.fromkeys(reasons))
    if title.licence == Title.Licence.SEATS:
        students, seats = need.course.enrolment, title.seats or 0
        if students > seats:
            return Answer.SEATS, f"{students} students take {need.course.code}; {seats} seats are licensed."
    how = {"web": "In a web browser.", "virtual": "Streamed (virtual)."}.get(
        title.delivery, f"Installed: {version or 'version not recorded'}."
    )
    return Answer.YES, how


def _profile_refusal(image: Image, title: Title, facts: _Facts) -> str | None:
    profile = image.profile
    if profile is None:
        return None
    if facts.rules.get((profile.pk, title.pk)) is False:
        return f"The {profile.name} blocks {title.name}."
    lacking = facts.requires.get(title.pk, set()) - facts.granted.get(profile.pk, set())
    if lacking:
        names = ", ".join(sorted(facts.permission_labels[p] for p in lacking))
        return f"{title.name} needs {names}, which the {profile.name} does not grant."
    return None


def answer_need(need: Need, facts: _Facts, *, lab: Room | None = None) -> Cell:
    if lab is not None:
        where = [lab.pk]
    elif need.lab_id is not None:
        where = [need.lab_id]
    else:
        where = sorted(facts.labs, key=lambda pk: str(facts.labs[pk]))
    if not where:
        return Cell(need=need, answer=Answer.MISSING, detail="No lab has an image recorded.")
    best: tuple[int, str, str, int] | None = None
    for lab_id in where:
        answer, detail = _answer_in_lab(need, lab_id, facts)
        if best is None or RANK[answer] < best[0]:
            best = (RANK[answer], answer, detail, lab_id)
        if answer == Answer.YES:
            break
    assert best is not None
    _rank, answer, detail, lab_id = best
    room = facts.labs.get(lab_id) or (lab if lab is not None else need.lab)
    return Cell(need=need, answer=answer, detail=detail, lab=room)


def gap_matrix(
    *,
    term: Term,
    lab: Room | None = None,
    department: str = "",
    deadline: dt.date | None = None,
    answer: str = "",
) -> Matrix:
    """The term's matrix, filtered by lab, academic department, deadline (needed by on or
    before) and answer ('gaps' for every answer but yes, or one answer)."""
    needs_qs = needs_for(term, lab=lab, department=department, deadline=deadline)
    facts = _facts(term, needs_qs)
    needs = list(
        needs_qs.select_related("course", "title", "lab__building")
        .only(*NEED_COLUMNS)
        .order_by("course__code", "course__section", "needed_by", "title__name")
    )
    requests: dict[int, Request] = {}
    for request in (
        Request.objects.filter(need__in=needs_qs).select_related("owner", "ticket").order_by("need_id", "-created_at")
    ):
        current = requests.get(request.need_id)
        if current is None or (request.is_active and not current.is_active):
            requests[request.need_id] = request
    course_ids = {n.course_id for n in needs}
    instructors: dict[int, list[Any]] = defaultdict(list)
    for link in Course.instructors.through.objects.filter(course_id__in=course_ids).select_related("instructor"):
        instructors[link.course_id].append(link.instructor)
    rows: dict[int, CourseRow] = {}
    counts: dict[str, int] = {a: 0 for a in Answer.values}
    for need in needs:
        cell = answer_need(need, facts, lab=lab)
        cell.request = requests.get(need.pk)
        counts[cell.answer] += 1
        if answer == "gaps" and not cell.is_gap:
            continue
        if answer and answer != "gaps" and cell.answer != answer:
            continue
        row = rows.get(need.course_id)
        if row is None:
            people = sorted(instructors[need.course_id], key=lambda i: i.name)
            need.course.instructor_list = people  # type: ignore[attr-defined]
            row = rows[need.course_id] = CourseRow(course=need.course)
        row.cells.append(cell)
    without = Course.objects.filter(term=term).exclude(needs__isnull=False).count()
    return Matrix(term=term, rows=list(rows.values()), counts=counts, courses_without_needs=without, lab=lab)


def answer_for_need(need: Need) -> Cell:
    """One need's answer now (the request service asks this before opening a request)."""
    facts = _facts(need.course.term, Need.objects.filter(pk=need.pk))
    return answer_need(need, facts)
