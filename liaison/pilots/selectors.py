"""Reads for pilots: lists, one pilot for a person, the public form by its short code, the
results (with small groups suppressed) and everything the report to IT shows.

Suppression (ADR 0031): a breakdown group (an audience, a week, a theme) with fewer than
SUPPRESS_BELOW answers is shown as "fewer than 5", never as its count or its mean; a question
with fewer than SUPPRESS_BELOW answers in all shows no distribution at all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from liaison.core import ledger as core_ledger
from liaison.labs import selectors as labs_selectors
from liaison.pilots import policy
from liaison.pilots.models import (
    Answer,
    Audience,
    FeedbackForm,
    HostingCost,
    Participation,
    Pilot,
    PilotEvent,
    Question,
    Response,
    Theme,
)

SUPPRESS_BELOW = 5
TASK_LABELS = {"worked": "It worked", "struggled": "With difficulty", "failed": "It did not work"}
YES_NO_LABELS = {"yes": "Yes", "no": "No"}


# --- Pilots -----------------------------------------------------------------------------------


def pilot_list(*, user: Any, state: str = "") -> QuerySet[Pilot]:
    """Every pilot (pilots are not private to a side), newest first, with answer counts."""
    if not policy.can_view_pilots(user):
        return Pilot.objects.none()
    pilots = Pilot.objects.select_related("it_department", "library_department", "proposed_by").annotate(
        answer_count=Count("forms__responses", distinct=True)
    )
    if state in Pilot.State.values:
        pilots = pilots.filter(state=state)
    return pilots.order_by("-starts_on", "-id")


def pilot_get_for_user(*, user: Any, pk: int, for_edit: bool = False) -> Pilot:
    """404 when there is no such pilot or `user` may not see pilots; with `for_edit`, 403 when
    they may see it but are on neither of its sides."""
    pilot = (
        Pilot.objects.select_related(
            "it_department", "library_department", "proposed_by", "it_owner", "library_owner", "desk_tag", "created_by"
        )
        .prefetch_related("rooms__building", "service_points", "assets__room")
        .filter(pk=pk)
        .first()
    )
    if pilot is None or not policy.can_see_pilot(user, pilot):
        raise Http404("No such pilot, or not one you may see.")
    if for_edit and not policy.can_edit_pilot(user, pilot):
        raise PermissionDenied("Only staff of the pilot's IT or library side may change it.")
    return pilot


def pilot_history(pilot: Pilot) -> list[PilotEvent]:
    """The pilot's history, each event with its line (`event.line`) from events.EVENT_TEXT."""
    from liaison.pilots.events import EVENT_TEXT

    history = list(pilot.events.select_related("actor").order_by("at", "id"))
    for event in history:
        event.line = EVENT_TEXT.render(event.kind)  # type: ignore[attr-defined]
    return history


def pilot_costs(pilot: Pilot) -> QuerySet[HostingCost]:
    return pilot.costs.select_related("recorded_by").order_by("occurred_on", "id")


@dataclass(frozen=True)
class CostTotals:
    staff_hours: Decimal
    space_hours: Decimal
    amount: Decimal
    hours: Decimal  # every kind's hours together: what the ledger counts


def cost_totals(pilot: Pilot) -> CostTotals:
    rows = pilot.costs.values("kind").annotate(hours=Sum("hours"), amount=Sum("amount")).order_by()
    by_kind: dict[str, Any] = {r["kind"]: r["hours"] for r in rows}
    zero = Decimal("0")

    def hours(kind: str) -> Decimal:
        return by_kind.get(kind) or zero

    return CostTotals(
        staff_hours=hours("staff_hours"),
        space_hours=hours("space"),
        amount=sum((r["amount"] or zero for r in rows), zero),
        hours=sum((r["hours"] or zero for r in rows), zero),
    )


def desk_interactions_during(pilot: Pilot) -> dict[str, Any]:
    """Desk entries tagged with the pilot's desk topic during its dates: the total, per week, and
    how many were made into tickets (the incidents the desk escalated). Read through the pilot's
    own foreign key to the topic, so this app imports neither the desk's nor the tickets' models."""
    if pilot.desk_tag_id is None:
        return {"tag": None, "total": 0, "weeks": [], "tickets": 0}
    start, end = core_ledger.day_bounds(pilot.starts_on, pilot.ends_on + dt.timedelta(days=1))
    rows = Pilot.objects.filter(
        pk=pilot.pk,
        desk_tag__interactions__occurred_at__gte=start,
        desk_tag__interactions__occurred_at__lt=end,
    ).values_list("desk_tag__interactions__occurred_at", "desk_tag__interactions__ticket__id")
    weeks: Counter[dt.date] = Counter()
    tickets = 0
    for moment, ticket_id in rows:
        day = core_ledger.local_date(moment)
        weeks[day - dt.timedelta(days=day.weekday())] += 1
        tickets += ticket_id is not None
    return {
        "tag": pilot.desk_tag,
        "total": sum(weeks.values()),
        "weeks": [{"week": week, "count": weeks[week]} for week in sorted(weeks)],
        "tickets": tickets,
    }


# --- Forms ------------------------------------------------------------------------------------


def _questions_prefetch() -> Prefetch:
    return Prefetch("current_version__questions", queryset=Question.objects.order_by("order", "id"))


def pilot_forms(pilot: Pilot) -> QuerySet[FeedbackForm]:
    return (
        pilot.forms.select_related("current_version")
        .prefetch_related(_questions_prefetch())
        .annotate(response_count=Count("responses"))
        .order_by("id")
    )


def form_get_for_user(*, user: Any, pilot: Pilot, pk: int, for_edit: bool = False) -> FeedbackForm:
    form = (
        FeedbackForm.objects.select_related("pilot", "current_version")
        .prefetch_related(_questions_prefetch())
        .filter(pk=pk, pilot=pilot)
        .first()
    )
    if form is None or not policy.can_see_pilot(user, pilot):
        raise Http404("No such form on this pilot.")
    if for_edit and not policy.can_manage_forms(user, pilot):
        raise PermissionDenied("Only staff of the pilot's IT or library side change its forms.")
    return form


def form_get_public(*, code: str) -> FeedbackForm:
    """The form behind a short link: 404 for a made-up code (a closed pilot's form is found, and
    says it is closed)."""
    code = (code or "").lower()
    if not code.isascii() or not code.isalnum() or len(code) > 12:
        raise Http404("No such form.")
    form = (
        FeedbackForm.objects.select_related("pilot", "current_version")
        .prefetch_related(_questions_prefetch())
        .filter(code=code)
        .first()
    )
    if form is None:
        raise Http404("No such form.")
    return form


def token_has_answered(*, form: FeedbackForm, token: str) -> bool:
    """Has this participation token already answered this form? (Shows "your answers are in".)"""
    return bool(token) and form.participations.filter(token_hash=Participation.hash_token(token)).exists()


def form_questions(form: FeedbackForm) -> list[Question]:
    if form.current_version is None:
        return []
    return list(form.current_version.questions.all())


def audience_counts(form: FeedbackForm) -> dict[str, int]:
    rows = form.responses.values("audience").annotate(n=Count("id")).order_by()
    return {r["audience"]: r["n"] for r in rows}


# --- Results ----------------------------------------------------------------------------------


def _suppressed(n: int) -> bool:
    return 0 < n < SUPPRESS_BELOW


@dataclass
class Group:
    """One breakdown group: shown only with SUPPRESS_BELOW answers or more."""

    label: str
    n: int
    value: float | None = None  # a mean rating, where there is one
    counts: list[tuple[str, int]] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return _suppressed(self.n)


@dataclass
class QuestionResult:
    key: str
    text: str
    kind: str
    n: int
    scale_max: int = 5
    mean: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)
    by_audience: list[Group] = field(default_factory=list)
    themes: list[Group] = field(default_factory=list)
    unthemed: int = 0
    versions: list[int] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.n < SUPPRESS_BELOW

    @property
    def kind_label(self) -> str:
        return Question.Kind(self.kind).label


@dataclass
class Results:
    pilot: Pilot
    total: int
    audiences: list[Group]
    quotas: list[dict[str, Any]]
    weeks: list[Group]
    questions: list[QuestionResult]
    versions: list[dict[str, Any]]
    channels: list[tuple[str, int]]

    @property
    def suppress_below(self) -> int:
        return SUPPRESS_BELOW


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def pilot_results(pilot: Pilot) -> Results:
    """Every form of the pilot together: answers grouped by question key across versions
    (a reworded question keeps its key), by audience, by week and by theme. A fixed number of
    queries, whatever the number of answers."""
    responses = list(
        Response.objects.filter(form__pilot=pilot).values(
            "id", "audience", "submitted_on", "channel", "version__number", "form_id"
        )
    )
    answers = list(
        Answer.objects.filter(response__form__pilot=pilot).values(
            "response_id", "question__key", "number", "choice", "text", "theme__name"
        )
    )
    questions = list(
        Question.objects.filter(version__form__pilot=pilot)
        .select_related("version")
        .order_by("-version__number", "order", "id")
    )
    forms: list[dict[str, Any]] = [
        dict(f) for f in pilot.forms.values("id", "current_version_id", "quota_student", "quota_faculty", "quota_staff")
    ]
    current_ids = {f["current_version_id"] for f in forms}
    audience_of = {r["id"]: r["audience"] for r in responses}

    # One description per key: the newest wording (the current version's first).
    described: dict[str, Question] = {}
    order: list[str] = []
    for q in sorted(questions, key=lambda q: (q.version_id not in current_ids, -q.version.number, q.order)):
        if q.key not in described:
            described[q.key] = q
            order.append(q.key)
    versions_of: dict[str, set[int]] = defaultdict(set)
    for q in questions:
        versions_of[q.key].add(q.version.number)

    per_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in answers:
        per_key[a["question__key"]].append(dict(a))

    results: list[QuestionResult] = []
    for key in order:
        q = described[key]
        rows = per_key.get(key, [])
        result = QuestionResult(
            key=key, text=q.text, kind=q.kind, n=len(rows), scale_max=q.scale_max, versions=sorted(versions_of[key])
        )
        by_aud: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_aud[audience_of.get(row["response_id"], "")].append(row)
        if q.kind == Question.Kind.RATING:
            numbers = [r["number"] for r in rows if r["number"]]
            result.mean = _mean(numbers) if not result.suppressed else None
            counts = Counter(numbers)
            result.distribution = [(str(i), counts.get(i, 0)) for i in range(1, q.scale_max + 1)]
            for audience in Audience:
                values = [r["number"] for r in by_aud.get(audience.value, []) if r["number"]]
                group = Group(audience.label, len(values), _mean(values))
                result.by_audience.append(group)
        elif q.kind in (Question.Kind.CHOICE, Question.Kind.YES_NO, Question.Kind.TASK):
            labels = (
                {c: c for c in q.choices}
                if q.kind == Question.Kind.CHOICE
                else YES_NO_LABELS
                if q.kind == Question.Kind.YES_NO
                else TASK_LABELS
            )
            counts = Counter(r["choice"] for r in rows)
            known = list(labels) + [c for c in counts if c not in labels]  # options of older versions too
            result.distribution = [(labels.get(c, c), counts.get(c, 0)) for c in known]
            for audience in Audience:
                aud_rows = by_aud.get(audience.value, [])
                aud_counts = Counter(r["choice"] for r in aud_rows)
                result.by_audience.append(
                    Group(
                        audience.label, len(aud_rows), counts=[(labels.get(c, c), aud_counts.get(c, 0)) for c in known]
                    )
                )
        if q.kind in (Question.Kind.TEXT, Question.Kind.TASK):
            themed = Counter(r["theme__name"] for r in rows if r["theme__name"])
            result.themes = [Group(name, n) for name, n in themed.most_common()]
            result.unthemed = sum(
                1 for r in rows if not r["theme__name"] and (r["text"] or q.kind == Question.Kind.TEXT)
            )
        if result.suppressed:
            result.distribution = []
            result.by_audience = [Group(g.label, g.n) for g in result.by_audience]
        results.append(result)

    audience_n = Counter(r["audience"] for r in responses)
    audiences = [Group(a.label, audience_n.get(a.value, 0)) for a in Audience]
    quotas = []
    for audience in Audience:
        wanted: int = sum(int(f[f"quota_{audience.value}"] or 0) for f in forms)
        if wanted:
            quotas.append({"label": audience.label, "quota": wanted, "n": audience_n.get(audience.value, 0)})
    week_n: Counter[dt.date] = Counter()
    for r in responses:
        day = r["submitted_on"]
        week_n[day - dt.timedelta(days=day.weekday())] += 1
    weeks = [Group(week.isoformat(), week_n[week]) for week in sorted(week_n)]
    version_n = Counter((r["form_id"], r["version__number"]) for r in responses)
    versions = [{"form": f, "number": v, "n": n} for (f, v), n in sorted(version_n.items())]
    channels = [(Response.Channel(c).label, n) for c, n in Counter(r["channel"] for r in responses).most_common()]
    return Results(
        pilot=pilot,
        total=len(responses),
        audiences=audiences,
        quotas=quotas,
        weeks=weeks,
        questions=results,
        versions=versions,
        channels=channels,
    )


def results_get_for_user(*, user: Any, pilot: Pilot) -> Results:
    if not policy.can_view_results(user, pilot):
        raise PermissionDenied("Results are for library and IT staff.")
    return pilot_results(pilot)


def free_text_for_user(*, user: Any, pilot: Pilot, unthemed_only: bool = False) -> QuerySet[Answer]:
    """Free-text answers (and task comments), for the pilot's two sides only: personal data
    where it can be. Each carries its question and theme; never who wrote it (nobody knows)."""
    if not policy.can_read_free_text(user, pilot):
        raise PermissionDenied("Free-text answers are for the pilot's library and IT staff.")
    answers = (
        Answer.objects.filter(response__form__pilot=pilot)
        .exclude(text="")
        .select_related("question", "theme", "response")
        .order_by("question__key", "response__submitted_on", "id")
    )
    if unthemed_only:
        answers = answers.filter(theme__isnull=True)
    return answers


def theme_list(pilot: Pilot) -> QuerySet[Theme]:
    return pilot.themes.annotate(n=Count("answers")).order_by("-n", "name")


# --- The report -------------------------------------------------------------------------------


@dataclass
class Report:
    pilot: Pilot
    results: Results
    costs: list[HostingCost]
    totals: CostTotals
    desk: dict[str, Any]
    history: list[PilotEvent]
    places: list[str]
    devices: DeviceRecord


@dataclass
class DeviceRecord:
    """The pilot's inventory devices during its dates (read through labs' selectors): each
    device's figures (failures, hours down, availability %) and every incident that started."""

    assets: list[Any]
    figures: list[Any]
    incidents: list[Any]
    start: dt.datetime
    end: dt.datetime

    @property
    def incident_count(self) -> int:
        return len(self.incidents)

    @property
    def down_hours(self) -> float:
        return round(sum(f.down_hours for f in self.figures), 1)

    @property
    def availability(self) -> float | None:
        """Availability over every device together (hours up / hours counted), or None."""
        base = sum(f.period_hours - f.planned_hours for f in self.figures)
        if not self.figures or base <= 0:
            return None
        return round(100.0 * max(0.0, base - sum(f.down_hours for f in self.figures)) / base, 2)


def pilot_period(pilot: Pilot) -> tuple[dt.datetime, dt.datetime]:
    """The pilot's dates as [first day's local midnight, the day after the last day's)."""
    start = timezone.make_aware(dt.datetime.combine(pilot.starts_on, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(pilot.ends_on + dt.timedelta(days=1), dt.time.min))
    return start, end


def device_record(*, user: Any, pilot: Pilot) -> DeviceRecord:
    assets = list(pilot.assets.all())
    start, end = pilot_period(pilot)
    ids = [a.pk for a in assets]
    if not ids:
        return DeviceRecord(assets, [], [], start, end)
    return DeviceRecord(
        assets=assets,
        figures=labs_selectors.asset_figures_between(user=user, asset_ids=ids, start=start, end=end),
        incidents=labs_selectors.incidents_on_assets_between(user=user, asset_ids=ids, start=start, end=end),
        start=start,
        end=end,
    )


def report_get_for_user(*, user: Any, pilot: Pilot) -> Report:
    """Everything the report to IT shows (page, PDF and XLSX alike)."""
    results = results_get_for_user(user=user, pilot=pilot)
    places = [str(room) for room in pilot.rooms.all()] + [str(point) for point in pilot.service_points.all()]
    return Report(
        pilot=pilot,
        results=results,
        costs=list(pilot_costs(pilot)),
        totals=cost_totals(pilot),
        desk=desk_interactions_during(pilot),
        history=list(pilot_history(pilot)),
        places=places,
        devices=device_record(user=user, pilot=pilot),
    )


def pilots_with_delivered_reports(start: dt.date, end: dt.date) -> QuerySet[Pilot]:
    return Pilot.objects.filter(report_delivered_on__gte=start, report_delivered_on__lt=end).select_related(
        "it_department", "library_department"
    )


def hosting_costs_between(start: dt.date, end: dt.date) -> QuerySet[HostingCost]:
    """Costs of pilots the library agreed to host (a proposal alone costs nothing)."""
    return (
        HostingCost.objects.filter(occurred_on__gte=start, occurred_on__lt=end)
        .exclude(pilot__state=Pilot.State.PROPOSED)
        .select_related("pilot__it_department", "pilot__library_department")
    )


def running_pilots(*, user: Any, limit: int = 5) -> list[Pilot]:
    """Pilots collecting answers now, each with its open forms (`pilot.open_forms`): the home
    panel, so the desk can record an answer or point someone at a poster."""
    if not policy.can_view_pilots(user):
        return []
    open_forms = Prefetch(
        "forms", queryset=FeedbackForm.objects.filter(is_open=True).order_by("id"), to_attr="open_forms"
    )
    return list(
        Pilot.objects.filter(state=Pilot.State.RUNNING).prefetch_related(open_forms).order_by("ends_on", "id")[:limit]
    )


def open_pilot_counts() -> dict[str, int]:
    rows = Pilot.objects.exclude(state=Pilot.State.CLOSED).values("state").annotate(n=Count("id")).order_by()
    return {r["state"]: r["n"] for r in rows}
