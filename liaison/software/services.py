"""Writes for software access. Each service is keyword-only and atomic, asks `policy.py`
itself, validates with `reject(field, message, code=...)` (codes in `errors.py`), writes its
audit row through `events.py`, and returns what it wrote.

| topic | services |
|---|---|
| needs | need_create, need_create_by_instructor, need_delete |
| requests to IT | request_open, requests_open_for_gaps, request_take, request_assign, request_resolve, request_decline |
| images and profiles | image_item_set, image_item_remove, profile_rule_set |
| baselines and drift | baseline_create, drift_decide, workstation_upsert |
| courses | course_upsert (the registrar's list) |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.core.errors import reject
from liaison.software import events, matrix, policy, versions
from liaison.software.models import (
    Answer,
    Baseline,
    Course,
    DriftDecision,
    Image,
    ImageItem,
    Instructor,
    Need,
    Permission,
    Profile,
    ProfileRule,
    Request,
    Title,
    TitleVersion,
    Workstation,
)
from liaison.tickets import selectors as ticket_selectors
from liaison.tickets import services as ticket_services

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.places.models import Room

NOTE_MAX = 300
REASON_MAX = 500
DEFAULT_LEAD_DAYS = 14  # a request is due this long before term, when that is still ahead
SOFTWARE_QUEUE_SLUG = "it-labs"  # the IT queue software requests go to, when it exists


# The permissions every site has (migration 0002 adds them; a site adds its own in Setup).
BUILTIN_PERMISSIONS = (
    ("install_software", "Install software", 10),
    ("add_printers", "Add printers", 20),
    ("run_as_admin", "Run as administrator", 30),
    ("usb_storage", "USB storage", 40),
)


@transaction.atomic
def permissions_ensure_builtin() -> None:
    """Put back any built-in permission that is missing (a database emptied and reloaded, as
    the demo loader and the tests do), as migration 0002 made them. Adds nothing when present."""
    made = {}
    for key, label, order in BUILTIN_PERMISSIONS:
        made[key], _ = Permission.objects.get_or_create(
            key=key, defaults={"label": label, "order": order, "is_builtin": True}
        )
    made["install_software"].requires.add(made["run_as_admin"])


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _text(value: str, *, field: str, limit: int) -> str:
    value = " ".join((value or "").split())
    if len(value) > limit:
        raise reject(field, f"Keep it under {limit} characters.", code="software.text_too_long")
    return value


# --- Needs ----------------------------------------------------------------------------------


def _check_lab(lab: Room | None) -> None:
    if lab is not None and not lab.is_lab:
        raise reject("lab", f"{lab} is not a lab; choose a lab or 'any lab'.", code="software.place_not_lab")


def _describe_need(need: Need) -> str:
    version = f" {need.min_version} or later" if need.min_version else ""
    where = str(need.lab) if need.lab_id else "any lab"
    return f"{need.title.name}{version} in {where} by {need.needed_by:%-d %b %Y}"


def _clean_need(
    *, course: Course, title: Title, min_version: str, lab: Room | None, needed_by: dt.date | None, today: dt.date
) -> tuple[str, dt.date]:
    problems: dict[str, list[ValidationError]] = {}

    def add(field: str, message: str, code: str) -> None:
        problems.setdefault(field, []).extend(reject(field, message, code=code).error_dict[field])

    min_version = (min_version or "").strip()
    if min_version and not versions.is_version(min_version):
        add("min_version", "A version has at least one digit, e.g. 2024.1 or R2023b.", "software.version_invalid")
    elif len(min_version) > 60:
        add("min_version", "Keep the version under 60 characters.", "software.text_too_long")
    if lab is not None and not lab.is_lab:
        add("lab", f"{lab} is not a lab; choose a lab or 'any lab'.", "software.place_not_lab")
    term = course.term
    needed_by = needed_by or term.starts_on
    if needed_by > term.ends_on:
        add(
            "needed_by",
            f"{term.name} ends on {term.ends_on:%-d %b %Y}; choose a date in the term.",
            "software.needed_by_after_term",
        )
    elif needed_by < today:
        add("needed_by", "That date has passed; choose today or later.", "software.needed_by_past")
    if problems:
        raise ValidationError(problems)
    return min_version, needed_by


def _refuse_conflict(*, course: Course, title: Title, min_version: str, lab: Room | None, needed_by: dt.date) -> None:
    existing = Need.objects.select_related("title", "lab__building").filter(course=course, title=title).first()
    if existing is None:
        return
    same = (
        versions.compare(existing.min_version or "0", min_version or "0") == 0
        and existing.lab_id == (lab.pk if lab else None)
        and existing.needed_by == needed_by
    )
    if same:
        raise reject(
            "title",
            f"{course.code} already needs exactly this ({_describe_need(existing)}).",
            code="software.need_duplicate",
        )
    raise reject(
        "title",
        f"{course.code} already needs {_describe_need(existing)}. A course needs a title once: "
        "remove that need first, or ask for one version in one place.",
        code="software.need_conflict",
    )


def _save_need(
    *,
    course: Course,
    title: Title,
    min_version: str,
    lab: Room | None,
    needed_by: dt.date | None,
    note: str,
    entered_by: User | None,
    instructor: Instructor | None,
    late_allowed: bool,
) -> Need:
    today = timezone.localdate()
    min_version, needed_by = _clean_need(
        course=course, title=title, min_version=min_version, lab=lab, needed_by=needed_by, today=today
    )
    note = _text(note, field="note", limit=NOTE_MAX)
    late = today > course.term.needs_deadline
    if late and not late_allowed:
        raise reject(
            "course",
            f"Needs for {course.term.name} were due by {course.term.needs_deadline:%-d %b %Y}. "
            "Ask IT or a supervisor to add a late need.",
            code="software.needs_deadline_passed",
        )
    Course.objects.select_for_update().filter(pk=course.pk).first()  # one need per title, even under a race
    _refuse_conflict(course=course, title=title, min_version=min_version, lab=lab, needed_by=needed_by)
    need = Need.objects.create(
        course=course,
        title=title,
        min_version=min_version,
        lab=lab,
        needed_by=needed_by,
        note=note,
        entered_by=entered_by,
        entered_by_instructor=instructor,
        is_late=late,
    )
    events.need_created(actor=entered_by, need=need)
    return need


@transaction.atomic
def need_create(
    *,
    actor: User,
    course: Course,
    title: Title,
    min_version: str = "",
    lab: Room | None = None,
    needed_by: dt.date | None = None,
    note: str = "",
) -> Need:
    """Record that `course` needs `title` (at least `min_version`) in `lab` (None: any lab)
    by `needed_by` (default: the first day of term). After the term's deadline only IT and
    supervisors may (the need is marked late)."""
    _require(policy.can_enter_needs(actor), "Only staff enter course software needs.")
    return _save_need(
        course=course,
        title=title,
        min_version=min_version,
        lab=lab,
        needed_by=needed_by,
        note=note,
        entered_by=actor,
        instructor=None,
        late_allowed=policy.can_enter_late_needs(actor),
    )


@transaction.atomic
def need_create_by_instructor(
    *,
    instructor: Instructor,
    course: Course,
    title: Title,
    min_version: str = "",
    lab: Room | None = None,
    needed_by: dt.date | None = None,
    note: str = "",
) -> Need:
    """An instructor's need for their own course, through their signed link (no account).
    The link proves who they are; the deadline is never waived for them."""
    if not course.instructors.filter(pk=instructor.pk).exists():
        raise reject("course", "You do not teach this course.", code="software.instructor_not_teaching")
    return _save_need(
        course=course,
        title=title,
        min_version=min_version,
        lab=lab,
        needed_by=needed_by,
        note=note,
        entered_by=None,
        instructor=instructor,
        late_allowed=False,
    )


@transaction.atomic
def need_delete(*, actor: User, need: Need) -> None:
    """Remove a need (its requests go with it; their tickets stay in IT's queue)."""
    _require(policy.can_edit_need(actor, need), "Only staff change course software needs.")
    before = events.need_snapshot(need)
    events.need_deleted(actor=actor, need=need, before=before)
    need.delete()


# --- Requests to IT ----------------------------------------------------------------------------


def default_due(term: Any, *, today: dt.date | None = None) -> dt.date:
    """Two weeks before term; the day before term when that is closer; today once term began."""
    today = today or timezone.localdate()
    for due in (term.starts_on - dt.timedelta(days=DEFAULT_LEAD_DAYS), term.starts_on - dt.timedelta(days=1)):
        if due >= today:
            return due
    return today


def _software_queue() -> Any:
    queues = ticket_selectors.queue_list(active_only=True).filter(department__kind=policy.IT_KIND)
    queue = queues.filter(slug=SOFTWARE_QUEUE_SLUG).first() or queues.order_by("pk").first()
    if queue is None:
        raise reject("need", "There is no active IT queue to send software requests to.", code="software.no_it_queue")
    return queue


def _check_owner(owner: User | None) -> None:
    if owner is not None and not (owner.is_active and policy.is_it(owner)):
        raise reject(
            "owner",
            f"{owner} is not in IT; choose someone in IT, or leave it for IT to take.",
            code="software.owner_not_it",
        )


@transaction.atomic
def request_open(
    *, actor: User, need: Need, due_on: dt.date | None = None, owner: User | None = None, note: str = ""
) -> Request:
    """Ask IT to close a gap: a request in this app and a ticket in IT's software queue, due
    before term. Refused when the need is met or already has an open request."""
    _require(policy.can_request(actor), "Only staff ask IT for course software.")
    need = (
        Need.objects.select_for_update(of=("self",))
        .select_related("course__term", "title", "lab__building")
        .get(pk=need.pk)
    )
    term = need.course.term
    today = timezone.localdate()
    due_on = due_on or default_due(term, today=today)
    if today < term.starts_on and due_on >= term.starts_on:
        raise reject(
            "due_on",
            f"Ask for it before term: {term.name} starts on {term.starts_on:%-d %b %Y}.",
            code="software.request_due_after_term",
        )
    if due_on > term.ends_on:
        raise reject("due_on", f"{term.name} ends on {term.ends_on:%-d %b %Y}.", code="software.request_due_after_term")
    if due_on < today:
        raise reject("due_on", "That date has passed; choose today or later.", code="software.request_due_past")
    _check_owner(owner)
    note = _text(note, field="note", limit=NOTE_MAX)
    if Request.objects.filter(need=need, state__in=Request.ACTIVE_STATES).exists():
        raise reject("need", "IT already has an open request for this need.", code="software.request_exists")
    cell = matrix.answer_for_need(need)
    if not cell.is_gap:
        raise reject(
            "need", f"{need.course.code} can already run {need.title.name}: {cell.detail}", code="software.no_gap"
        )
    where = str(cell.lab) if cell.lab is not None else "any lab"
    description = "\n".join(
        line
        for line in (
            f"{need.course} ({term.name}) needs {_describe_need(need)}.",
            f"Gap: {cell.answer_label} ({where}). {cell.detail}",
            f"Due {due_on:%-d %b %Y}, before term starts on {term.starts_on:%-d %b %Y}.",
            note,
        )
        if line
    )
    queue = _software_queue()
    ticket = ticket_services.ticket_create(
        actor=actor,
        queue=queue,
        subject=f"Software for {need.course.code}: {need.title.name} ({cell.answer_label.lower()})"[:200],
        description=description,
        assignee=owner
        if owner is not None and ticket_selectors.assignee_choices(queue=queue).filter(pk=owner.pk).exists()
        else None,
    )
    request = Request.objects.create(
        need=need,
        answer=cell.answer,
        lab=cell.lab,
        due_on=due_on,
        owner=owner,
        requested_by=actor,
        requesting_department=actor.department,
        it_department=queue.department,
        ticket=ticket,
    )
    events.request_opened(actor=actor, request=request)
    return request


@transaction.atomic
def requests_open_for_gaps(*, actor: User, term: Any, due_on: dt.date | None = None) -> list[Request]:
    """Ask IT about every gap of `term` nobody has asked about yet, so each has an owner (IT's
    queue, until someone takes it) and a date. All or nothing."""
    _require(policy.can_request(actor), "Only staff ask IT for course software.")
    unasked = matrix.gap_matrix(term=term, answer="gaps").unasked
    return [request_open(actor=actor, need=cell.need, due_on=due_on) for cell in unasked]


def _locked_request(request: Request) -> Request:
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("need__course__term", "need__title", "lab", "ticket__queue")
        .get(pk=request.pk)
    )


def _active(request: Request) -> None:
    if not request.is_active:
        raise reject(
            "state", f"The request is {request.get_state_display().lower()} already.", code="software.request_closed"
        )


@transaction.atomic
def request_take(*, actor: User, request: Request) -> Request:
    """IT takes it: the taker owns it and it is in progress."""
    request = _locked_request(request)
    _require(policy.can_work_request(actor, request), "Only IT works software requests.")
    _active(request)
    before = events.request_snapshot(request)
    request.owner = actor
    request.state = Request.State.IN_PROGRESS
    request.save(update_fields=["owner", "state", "updated_at"])
    events.request_changed(actor=actor, request=request, action="take", before=before)
    return request


@transaction.atomic
def request_assign(*, actor: User, request: Request, owner: User | None, due_on: dt.date | None = None) -> Request:
    request = _locked_request(request)
    _require(policy.can_work_request(actor, request), "Only IT works software requests.")
    _active(request)
    _check_owner(owner)
    before = events.request_snapshot(request)
    request.owner = owner
    if due_on is not None:
        term = request.need.course.term
        if due_on > term.ends_on:
            raise reject(
                "due_on", f"{term.name} ends on {term.ends_on:%-d %b %Y}.", code="software.request_due_after_term"
            )
        request.due_on = due_on
    request.save(update_fields=["owner", "due_on", "updated_at"])
    events.request_changed(actor=actor, request=request, action="assign", before=before)
    return request


def _lab_images(request: Request, image: Image | None) -> list[Image]:
    if image is not None:
        return [image]
    if request.lab_id is None:
        return []
    return list(Image.objects.filter(labs=request.lab_id).select_related("profile").order_by("name"))


def _apply_fix(
    *, actor: User, request: Request, cell: matrix.Cell, version: str, seats: int | None, image: Image | None
) -> bool:
    """Change the image, profile or licence so this gap closes. False when nothing applies."""
    need = request.need
    title = need.title
    lab_images = _lab_images(request, image)
    if cell.answer == Answer.TOO_OLD and title.delivery in (Title.Delivery.WEB, Title.Delivery.VIRTUAL):
        # Streamed titles are delivered at the catalogue's newest version: record the new one.
        if not version or not versions.at_least(version, need.min_version):
            raise reject(
                "version",
                f"Say which version is delivered now ({need.min_version} or later).",
                code="software.version_invalid",
            )
        TitleVersion.objects.get_or_create(title=title, version=version)
        return True
    if cell.answer in (Answer.MISSING, Answer.TOO_OLD):
        if title.delivery != Title.Delivery.IMAGE or not lab_images:
            return False
        chosen = version or need.min_version or versions.newest(list(title.versions.values_list("version", flat=True)))
        if not versions.at_least(chosen, need.min_version):
            raise reject(
                "version",
                f"Install {need.min_version} or later; {chosen or 'no version'} is too old.",
                code="software.version_invalid",
            )
        TitleVersion.objects.get_or_create(title=title, version=chosen)
        target = next((i for i in lab_images if i.items.filter(title=title).exists()), lab_images[0])
        image_item_set(actor=actor, image=target, title=title, version=chosen)
        return True
    if cell.answer == Answer.BLOCKED:
        profiles = {i.profile for i in lab_images if i.profile is not None}
        if title.delivery == Title.Delivery.NOT_ALLOWED or not profiles:
            return False
        for profile in profiles:
            profile_rule_set(actor=actor, profile=profile, title=title, allowed=True, grant=list(title.requires.all()))
        return True
    if cell.answer == Answer.SEATS:
        if not seats:
            raise reject("seats", "Say how many seats are licensed now.", code="software.seats_invalid")
        before = {"seats": title.seats}
        title.seats = seats
        title.save(update_fields=["seats", "updated_at"])
        events.title_changed(actor=actor, title=title, before=before, after={"seats": seats})
        return True
    return False


@transaction.atomic
def request_resolve(
    *,
    actor: User,
    request: Request,
    resolution: str = "",
    version: str = "",
    seats: int | None = None,
    image: Image | None = None,
) -> Request:
    """IT closes the gap and says how. The fix is applied here, so the matrix turns green: a
    missing or old title is installed at `version` in the lab's image (or `image`); a blocked
    title is allowed by the lab's profile (granting what it requires); a seat licence is raised
    to `seats`. Refused, with nothing changed, while the need would still not be met."""
    request = _locked_request(request)
    _require(policy.can_work_request(actor, request), "Only IT works software requests.")
    _active(request)
    resolution = _text(resolution, field="resolution", limit=REASON_MAX)
    before = events.request_snapshot(request)
    cell = matrix.answer_for_need(request.need)
    for _attempt in range(4):  # a need can have several causes (missing, then blocked)
        if not cell.is_gap:
            break
        if not _apply_fix(actor=actor, request=request, cell=cell, version=version, seats=seats, image=image):
            break
        cell = matrix.answer_for_need(request.need)
    if cell.is_gap:
        raise reject(
            "resolution",
            f"The course still cannot run it: {cell.answer_label.lower()}. {cell.detail} "
            "Change the catalogue or the image first, or decline the request with a reason.",
            code="software.no_gap",
        )
    request.state = Request.State.RESOLVED
    request.resolved_at = timezone.now()
    request.resolved_by = actor
    request.resolution = resolution or cell.detail
    request.owner = request.owner or actor
    request.save(update_fields=["state", "resolved_at", "resolved_by", "resolution", "owner", "updated_at"])
    _close_ticket(actor=actor, request=request)
    events.request_changed(actor=actor, request=request, action="resolve", before=before)
    return request


def _close_ticket(*, actor: User, request: Request) -> None:
    ticket = request.ticket
    if ticket is None or ticket.state not in ("new", "open", "waiting"):
        return
    ticket_services.ticket_change_state(actor=actor, ticket=ticket, state="resolved")


@transaction.atomic
def request_decline(*, actor: User, request: Request, reason: str) -> Request:
    request = _locked_request(request)
    _require(policy.can_work_request(actor, request), "Only IT works software requests.")
    _active(request)
    reason = _text(reason, field="resolution", limit=REASON_MAX)
    if not reason:
        raise reject(
            "resolution", "Say why it is declined, so the course can plan around it.", code="software.reason_required"
        )
    before = events.request_snapshot(request)
    request.state = Request.State.DECLINED
    request.resolved_at = timezone.now()
    request.resolved_by = actor
    request.resolution = reason
    request.save(update_fields=["state", "resolved_at", "resolved_by", "resolution", "updated_at"])
    _close_ticket(actor=actor, request=request)
    events.request_changed(actor=actor, request=request, action="decline", before=before)
    return request


# --- Images and profiles ---------------------------------------------------------------------


def image_item_set(*, actor: User | None, image: Image, title: Title, version: str) -> ImageItem:
    """Install (or re-version) a title in an image. `actor` None: an import or a system job."""
    if actor is not None:
        _require(policy.is_it(actor), "Only IT changes images.")
    item = ImageItem.objects.filter(image=image, title=title).first()
    before = {"title": title.name, "version": item.version if item else None}
    if item is None:
        item = ImageItem.objects.create(image=image, title=title, version=version)
    elif item.version != version:
        item.version = version
        item.save(update_fields=["version", "updated_at"])
    else:
        return item
    Image.objects.filter(pk=image.pk).update(updated_at=timezone.now())
    events.image_changed(actor=actor, image=image, before=before, after={"title": title.name, "version": version})
    return item


@transaction.atomic
def image_item_remove(*, actor: User, image: Image, title: Title) -> None:
    _require(policy.is_it(actor), "Only IT changes images.")
    deleted, _ = ImageItem.objects.filter(image=image, title=title).delete()
    if deleted:
        Image.objects.filter(pk=image.pk).update(updated_at=timezone.now())
        events.image_changed(
            actor=actor, image=image, before={"title": title.name}, after={"title": title.name, "removed": True}
        )


def profile_rule_set(
    *, actor: User | None, profile: Profile, title: Title, allowed: bool, grant: Iterable[Permission] = ()
) -> ProfileRule:
    if actor is not None:
        _require(policy.is_it(actor), "Only IT changes profiles.")
    rule, _created = ProfileRule.objects.update_or_create(profile=profile, title=title, defaults={"allowed": allowed})
    granted = [p for p in grant if not profile.permissions.filter(pk=p.pk).exists()]
    if granted:
        profile.permissions.add(*granted)
    events.profile_changed(
        actor=actor,
        profile=profile,
        before={},
        after={"title": title.name, "allowed": allowed, "granted": [p.key for p in granted]},
    )
    return rule


# --- Baselines and drift ------------------------------------------------------------------------


def check_baseline(grant: Iterable[Permission], deny: Iterable[Permission]) -> None:
    """A baseline may not contradict itself: the same permission granted and denied, or a
    permission granted without one it requires (installing software needs admin rights)."""
    grant, deny = list(grant), list(deny)
    granted_ids = {p.pk for p in grant}
    both = sorted({p.label for p in grant} & {p.label for p in deny})
    problems = [f"{label} is both granted and denied" for label in both]
    for permission in grant:
        for needed in permission.requires.all():
            if needed.pk not in granted_ids:
                problems.append(f"{permission.label} is granted but needs {needed.label}, which is not")
    if problems:
        raise reject(
            "permissions",
            "The baseline contradicts itself: " + "; ".join(problems) + ".",
            code="software.baseline_contradiction",
        )


STAFF_PROFILE_ROLES = ("library_staff", "it_staff", "supervisor", "student_worker")


@transaction.atomic
def baseline_create(
    *, actor: User, role: str, grant: Iterable[Permission], deny: Iterable[Permission] = (), note: str = ""
) -> Baseline:
    """A new version of `role`'s baseline (the standard workstation): the permissions it grants.
    Anything not granted is outside the baseline; `deny` only states it outright and is checked
    for contradictions. Earlier versions are kept."""
    _require(policy.can_set_baseline(actor), "Only supervisors set staff baselines.")
    if role not in STAFF_PROFILE_ROLES:
        raise reject("role", "Choose a staff role.", code="software.role_invalid")
    grant = list(grant)
    check_baseline(grant, deny)
    note = _text(note, field="note", limit=NOTE_MAX)
    latest = Baseline.objects.select_for_update().filter(role=role).order_by("-version").first()
    baseline = Baseline.objects.create(
        role=role, version=(latest.version + 1) if latest else 1, note=note, created_by=actor
    )
    baseline.permissions.set(grant)
    events.baseline_created(actor=actor, baseline=baseline, permissions=sorted(p.key for p in grant))
    return baseline


@transaction.atomic
def drift_decide(
    *,
    actor: User,
    workstation: Workstation,
    permission: Permission,
    kind: str,
    reason: str,
    expires_on: dt.date | None = None,
) -> DriftDecision:
    """Turn one drift item into a change request (a ticket in IT's queue to bring the
    workstation to the baseline) or an accepted exception (a reason and an expiry)."""
    from liaison.software import drift  # the drift report reads the same rows

    _require(policy.can_decide_drift(actor), "Only IT and supervisors decide on profile drift.")
    item = drift.drift_item(workstation=workstation, permission=permission)
    if item is None:
        raise reject(
            "permission", f"{workstation.hostname} does not drift on {permission.label}.", code="software.no_drift"
        )
    reason = _text(reason, field="reason", limit=REASON_MAX)
    if not reason:
        raise reject(
            "reason", "Give a reason (e.g. 'Runs the scanner driver for ILL').", code="software.reason_required"
        )
    if kind not in DriftDecision.Kind.values:
        raise reject("kind", "Choose a change request or an exception.", code="software.reason_required")
    ticket = None
    if kind == DriftDecision.Kind.EXCEPTION:
        if expires_on is None or expires_on <= timezone.localdate():
            raise reject(
                "expires_on", "An exception needs an expiry date in the future.", code="software.expiry_required"
            )
    else:
        expires_on = None
        verb = "Remove" if item.direction == DriftDecision.Direction.BEYOND else "Grant"
        ticket = ticket_services.ticket_create(
            actor=actor,
            queue=_software_queue(),
            subject=f"{verb} {permission.label} on {workstation.hostname} (staff baseline)"[:200],
            description=f"{item.describe()}\nReason: {reason}",
        )
    decision = DriftDecision.objects.create(
        workstation=workstation,
        permission=permission,
        direction=item.direction,
        kind=kind,
        reason=reason,
        expires_on=expires_on,
        ticket=ticket,
        decided_by=actor,
    )
    events.drift_decided(actor=actor, decision=decision)
    return decision


def workstation_upsert(
    *, hostname: str, role: str, permissions: list[Permission], person: Any = None, profile: Profile | None = None
) -> tuple[Workstation, bool]:
    """What an inventory import saw on one workstation (a system write from the importer)."""
    workstation, created = Workstation.objects.update_or_create(
        hostname=hostname, defaults={"role": role, "person": person, "profile": profile, "seen_at": timezone.now()}
    )
    workstation.permissions.set(permissions)
    return workstation, created


# --- Courses (the registrar's list) -------------------------------------------------------------


def course_upsert(
    *,
    term: Any,
    code: str,
    section: str,
    name: str,
    department: str,
    enrolment: int,
    instructors: list[tuple[str, str]],
) -> tuple[Course, bool]:
    """One course of the registrar's list (a system write from the importer): created or
    brought up to date, with its instructors (name, e-mail)."""
    course, created = Course.objects.update_or_create(
        term=term, code=code, section=section, defaults={"name": name, "department": department, "enrolment": enrolment}
    )
    people = []
    for person_name, email in instructors:
        instructor, _ = Instructor.objects.get_or_create(email=email.lower(), defaults={"name": person_name})
        if person_name and instructor.name != person_name:
            instructor.name = person_name
            instructor.save(update_fields=["name"])
        people.append(instructor)
    course.instructors.set(people)
    return course, created
