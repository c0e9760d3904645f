"""Reads for the partnership: the ledger and its balance, terms, goals and needs, the survey
and its evidence, rollouts, resource requests and skills.

Access-checked reads are `<entity>_get_for_user(*, user, ...)`: 404 when the object is not
yours to see, 403 when you may not see this part of Liaison at all. Other apps are reached
only through their selectors (accounts, desk) and core (the count tables, the feed registry).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from liaison.accounts import selectors as accounts_selectors
from liaison.core import counts
from liaison.core import ledger as core_ledger
from liaison.core.errors import reject
from liaison.partnership import policy
from liaison.partnership.models import (
    CalendarFeedToken,
    Goal,
    LedgerEntry,
    LedgerFeedState,
    Match,
    Need,
    Offer,
    ResourceRequest,
    Rollout,
    Skill,
    SkillSession,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)

if TYPE_CHECKING:
    from liaison.accounts.models import Department

SMALL_COUNT = 5  # counts below this are shown as "fewer than 5" in survey evidence
UPCOMING_DAYS = 60
FLAG_DAYS = 14  # a rollout without consultation this close is flagged to both sides
LEDGER_BEGINS = dt.date(2000, 1, 1)
LEDGER_ENDS = dt.date(2100, 12, 31)  # the last day Liaison keeps: dates are 2000–2100


def _require(allowed: bool, message: str = "Your role does not show the partnership.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def day_problem(day: dt.date) -> str:
    """Why a day cannot be asked for ("" when it can): Liaison keeps 2000–2100, and date
    arithmetic on a window's edges (a month back, the next month) must stay in range."""
    if not LEDGER_BEGINS <= day <= LEDGER_ENDS:
        return f"{day:%-d %B %Y} is outside the years Liaison keeps ({LEDGER_BEGINS.year}–{LEDGER_ENDS.year})."
    return ""


def day_in_range(day: dt.date | None, *, field: str) -> dt.date | None:
    """A day a caller asked for (a filter, a window's edge): None, or a day Liaison keeps;
    anything else is refused with the field named (400, `partnership.date_invalid`)."""
    if day is not None and (problem := day_problem(day)):
        raise reject(field, problem, code="partnership.date_invalid")
    return day


# --- Terms ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """An academic term: spring (January–May), summer (June to mid-August), fall (mid-August
    to December). `end` is the day after the term's last day."""

    name: str
    start: dt.date
    end: dt.date

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def term_of(day: dt.date) -> Term:
    year = day.year
    if day < dt.date(year, 6, 1):
        return Term(f"Spring {year}", dt.date(year, 1, 1), dt.date(year, 6, 1))
    if day < dt.date(year, 8, 16):
        return Term(f"Summer {year}", dt.date(year, 6, 1), dt.date(year, 8, 16))
    return Term(f"Fall {year}", dt.date(year, 8, 16), dt.date(year + 1, 1, 1))


def previous_term(term: Term) -> Term:
    """The teaching term before: summer is skipped (fall is compared with spring), because a
    summer's handful of questions says little against a full term's."""
    before = term_of(term.start - dt.timedelta(days=1))
    if before.name.startswith("Summer"):
        before = term_of(before.start - dt.timedelta(days=1))
    return before


def current_term(today: dt.date | None = None) -> Term:
    return term_of(today or timezone.localdate())


def months_back(end: dt.date, months: int) -> dt.date:
    """The first day of the month `months - 1` months before `end`'s month."""
    index = end.year * 12 + end.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


# --- The ledger ------------------------------------------------------------------------------------------


def counted_entries() -> QuerySet[LedgerEntry]:
    """Entries that count: everything no correction replaces. Orphaned derived entries still
    count (what was given was given); a supervisor withdraws one with a correction of 0."""
    return LedgerEntry.objects.filter(correction__isnull=True)


def kind_labels() -> dict[str, str]:
    labels = {feed.kind: feed.kind_label or feed.label for feed in core_ledger.registered_feeds().values()}
    labels.update(dict(LedgerEntry.ManualKind.choices))
    return labels


def kind_label(kind: str) -> str:
    return kind_labels().get(kind, kind.replace("_", " ").capitalize())


@dataclass
class LedgerFilters:
    start: dt.date | None = None
    end: dt.date | None = None  # exclusive
    kind: str = ""
    department: str = ""  # a department code: entries it gave or received
    giver: str = ""
    receiver: str = ""
    direction: str = ""
    origin: str = ""
    feed: str = ""
    orphaned: bool = False
    include_replaced: bool = False
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> LedgerFilters:
        filters = cls()
        for name in ("start", "end"):
            raw = (params.get(name) or "").strip()
            if raw:
                try:
                    day = dt.date.fromisoformat(raw)
                except ValueError:
                    filters.errors[name] = f"{raw[:20]!r} is not a date (YYYY-MM-DD)."
                    continue
                if problem := day_problem(day):
                    filters.errors[name] = problem
                else:
                    setattr(filters, name, day)
        filters.kind = (params.get("kind") or "").strip()[:60]
        filters.department = (params.get("department") or "").strip()[:30]
        filters.giver = (params.get("giver") or "").strip()[:30]
        filters.receiver = (params.get("receiver") or "").strip()[:30]
        direction = (params.get("direction") or "").strip()
        if direction and direction not in LedgerEntry.Direction.values:
            filters.errors["direction"] = "Choose asked (request) or gave (contribution)."
        else:
            filters.direction = direction
        origin = (params.get("origin") or "").strip()
        if origin and origin not in LedgerEntry.Origin.values:
            filters.errors["origin"] = "Choose derived or typed."
        else:
            filters.origin = origin
        filters.feed = (params.get("feed") or "").strip()[:80]
        filters.orphaned = str(params.get("orphaned") or "") in ("1", "true", "on")
        filters.include_replaced = str(params.get("replaced") or "") in ("1", "true", "on")
        return filters

    def as_query(self) -> dict[str, str]:
        out = {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "kind": self.kind,
            "department": self.department,
            "giver": self.giver,
            "receiver": self.receiver,
            "direction": self.direction,
            "origin": self.origin,
            "feed": self.feed,
            "orphaned": "1" if self.orphaned else "",
        }
        return {k: v for k, v in out.items() if v}


def ledger_entry_list(*, user: Any, filters: LedgerFilters) -> QuerySet[LedgerEntry]:
    _require(policy.can_view_partnership(user))
    entries = LedgerEntry.objects.all() if filters.include_replaced else counted_entries()
    if filters.start:
        entries = entries.filter(occurred_on__gte=filters.start)
    if filters.end:
        entries = entries.filter(occurred_on__lt=filters.end)
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.department:
        entries = entries.filter(Q(giver__code=filters.department) | Q(receiver__code=filters.department))
    if filters.giver:
        entries = entries.filter(giver__code=filters.giver)
    if filters.receiver:
        entries = entries.filter(receiver__code=filters.receiver)
    if filters.direction:
        entries = entries.filter(direction=filters.direction)
    if filters.origin:
        entries = entries.filter(origin=filters.origin)
    if filters.feed:
        entries = entries.filter(feed_key=filters.feed)
    if filters.orphaned:
        entries = entries.filter(orphaned_at__isnull=False)
    return entries.select_related("giver", "receiver", "created_by", "correction").order_by("-occurred_on", "-id")


def ledger_entry_get_for_user(*, user: Any, pk: int) -> LedgerEntry:
    _require(policy.can_view_partnership(user))
    entry = (
        LedgerEntry.objects.select_related("giver", "receiver", "created_by", "corrects", "correction")
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("No such ledger entry.")
    return entry


def ledger_entry_chain(entry: LedgerEntry) -> list[LedgerEntry]:
    """The entry's corrections history, oldest first (the entry it corrects, and so on)."""
    chain = [entry]
    seen = {entry.pk}
    current = entry
    while current.corrects_id and current.corrects_id not in seen:
        current = LedgerEntry.objects.select_related("giver", "receiver", "created_by").get(pk=current.corrects_id)
        chain.insert(0, current)
        seen.add(current.pk)
    current = entry
    while True:
        following = LedgerEntry.objects.filter(corrects=current).select_related("giver", "receiver").first()
        if following is None or following.pk in seen:
            break
        chain.append(following)
        seen.add(following.pk)
        current = following
    return chain


@dataclass(frozen=True)
class FeedStatus:
    key: str
    label: str
    kind_label: str
    direction: str
    description: str
    last_run_at: dt.datetime | None
    entries: int
    orphaned: int
    last_error: str


def feed_list() -> list[FeedStatus]:
    feeds = core_ledger.registered_feeds()
    states = {state.feed_key: state for state in LedgerFeedState.objects.all()}
    totals = {
        row["feed_key"]: row
        for row in LedgerEntry.objects.filter(origin=LedgerEntry.Origin.DERIVED)
        .values("feed_key")
        .annotate(n=Count("id"), orphaned=Count("id", filter=Q(orphaned_at__isnull=False)))
        .order_by()
    }
    out = []
    for key, feed in feeds.items():
        state = states.get(key)
        total: dict[str, Any] = dict(totals.get(key) or {})
        out.append(
            FeedStatus(
                key=key,
                label=feed.label,
                kind_label=feed.kind_label or feed.label,
                direction=feed.direction,
                description=feed.description,
                last_run_at=state.last_run_at if state else None,
                entries=total.get("n", 0),
                orphaned=total.get("orphaned", 0),
                last_error=state.last_error if state else "",
            )
        )
    return out


# --- The balance --------------------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class DepartmentBalance:
    code: str
    name: str
    asks: int = 0
    gives: int = 0
    hours_asked: Decimal = Decimal(0)
    hours_given: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return self.asks + self.gives

    @property
    def give_share(self) -> float | None:
        """Of everything this department asked and gave, the share it gave (a collaborator's share)."""
        return _share(self.gives, self.total)

    @property
    def ask_share(self) -> float | None:
        return _share(self.asks, self.total)


@dataclass
class MonthBalance:
    month: dt.date
    code: str
    name: str
    asks: int = 0
    gives: int = 0

    @property
    def give_share(self) -> float | None:
        return _share(self.gives, self.asks + self.gives)

    @property
    def month_end(self) -> dt.date:
        return next_month(self.month)


@dataclass
class KindRow:
    kind: str
    label: str
    direction: str
    giver_code: str
    giver: str
    receiver_code: str
    receiver: str
    count: int = 0
    hours: Decimal = Decimal(0)
    derived: int = 0
    manual: int = 0
    entries: int = 0

    @property
    def asker(self) -> str:
        return self.receiver if self.direction == LedgerEntry.Direction.REQUEST else self.giver

    @property
    def summary(self) -> str:
        if self.direction == LedgerEntry.Direction.REQUEST:
            return f"{self.receiver} asked {self.giver}"
        return f"{self.giver} gave {self.receiver}"


@dataclass
class Balance:
    start: dt.date
    end: dt.date
    departments: list[DepartmentBalance]
    months: list[MonthBalance]
    by_kind: list[KindRow]
    derived_count: int
    manual_count: int
    orphaned_entries: int
    entry_count: int

    @property
    def total_count(self) -> int:
        return self.derived_count + self.manual_count

    @property
    def derived_share(self) -> float | None:
        return _share(self.derived_count, self.total_count)

    @property
    def manual_share(self) -> float | None:
        return _share(self.manual_count, self.total_count)

    @property
    def meets_derived_aim(self) -> bool:
        share = self.derived_share
        return share is not None and share >= 80

    def department(self, code: str) -> DepartmentBalance | None:
        return next((d for d in self.departments if d.code == code), None)

    def months_for(self, code: str) -> list[MonthBalance]:
        return [m for m in self.months if m.code == code]

    @property
    def month_starts(self) -> list[dt.date]:
        return sorted({m.month for m in self.months})

    def text_alternative(self) -> str:
        """The chart in words, for screen readers, the PDF and anyone who prefers a sentence."""
        if not self.entry_count:
            return "The ledger holds no entries for this period yet."
        parts = []
        for dept in self.departments:
            months = [m for m in self.months_for(dept.code) if m.give_share is not None]
            if not months:
                continue
            first, last = months[0], months[-1]
            overall = dept.give_share
            sentence = (
                f"{dept.name}: of {dept.total:,} things asked and given, {dept.gives:,} were given "
                f"({overall:.0f}% collaborator, {100 - (overall or 0):.0f}% customer)"
            )
            if first.month != last.month:
                sentence += (
                    f"; its share of gives went from {first.give_share:.0f}% in {first.month:%B %Y} "
                    f"to {last.give_share:.0f}% in {last.month:%B %Y}"
                )
            parts.append(sentence + ".")
        derived = self.derived_share
        if derived is not None:
            parts.append(
                f"{derived:.0f}% of the ledger was derived from the work; {100 - derived:.0f}% was typed by hand."
            )
        return " ".join(parts)


def _department_order(code: str, kinds: dict[str, str]) -> tuple[int, str]:
    return ({"library": 0, "it": 1}.get(kinds.get(code, ""), 2), code)


def balance(*, start: dt.date, end: dt.date) -> Balance:
    """The give-and-take for [start, end): per department, per month, per kind, and how much
    of it was derived from the work. One query over the entries, grouped."""
    rows = (
        counted_entries()
        .filter(occurred_on__gte=start, occurred_on__lt=end)
        .annotate(month=TruncMonth("occurred_on"))
        .values(
            "month",
            "direction",
            "kind",
            "origin",
            "giver__code",
            "giver__name",
            "giver__kind",
            "receiver__code",
            "receiver__name",
            "receiver__kind",
        )
        .annotate(
            n=Sum("count"),
            h=Sum("hours"),
            entries=Count("id"),
            orphaned=Count("id", filter=Q(orphaned_at__isnull=False)),
        )
        .order_by()
    )
    labels = kind_labels()
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    departments: dict[str, DepartmentBalance] = {}
    per_month: dict[tuple[dt.date, str], MonthBalance] = {}
    per_kind: dict[tuple[str, str, str, str], KindRow] = {}
    derived = manual = orphaned = entry_count = 0
    for values in rows:
        row: dict[str, Any] = dict(values)
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        n = row["n"] or 0
        hours = row["h"] or Decimal(0)
        for side in ("giver", "receiver"):
            names[row[f"{side}__code"]] = row[f"{side}__name"]
            kinds[row[f"{side}__code"]] = row[f"{side}__kind"]
        is_request = row["direction"] == LedgerEntry.Direction.REQUEST
        actor_code = row["receiver__code"] if is_request else row["giver__code"]
        dept = departments.setdefault(actor_code, DepartmentBalance(actor_code, names[actor_code]))
        cell = per_month.setdefault((month, actor_code), MonthBalance(month, actor_code, names[actor_code]))
        if is_request:
            dept.asks += n
            dept.hours_asked += hours
            cell.asks += n
        else:
            dept.gives += n
            dept.hours_given += hours
            cell.gives += n
        key = (row["kind"], row["direction"], row["giver__code"], row["receiver__code"])
        kind_row = per_kind.setdefault(
            key,
            KindRow(
                kind=row["kind"],
                label=labels.get(row["kind"], row["kind"].replace("_", " ").capitalize()),
                direction=row["direction"],
                giver_code=row["giver__code"],
                giver=row["giver__name"],
                receiver_code=row["receiver__code"],
                receiver=row["receiver__name"],
            ),
        )
        kind_row.count += n
        kind_row.hours += hours
        kind_row.entries += row["entries"]
        if row["origin"] == LedgerEntry.Origin.DERIVED:
            kind_row.derived += n
            derived += n
        else:
            kind_row.manual += n
            manual += n
        orphaned += row["orphaned"]
        entry_count += row["entries"]
    # Library and IT always appear (a department that neither asked nor gave shows zeros).
    for dept_obj in accounts_selectors.department_list().filter(kind__in=["library", "it"]):
        names.setdefault(dept_obj.code, dept_obj.name)
        kinds.setdefault(dept_obj.code, dept_obj.kind)
        departments.setdefault(dept_obj.code, DepartmentBalance(dept_obj.code, dept_obj.name))
    ordered = sorted(departments.values(), key=lambda d: _department_order(d.code, kinds))
    months: list[MonthBalance] = []
    month = dt.date(start.year, start.month, 1)
    while month < end:
        for dept in ordered:
            months.append(per_month.get((month, dept.code), MonthBalance(month, dept.code, dept.name)))
        month = next_month(month)
    by_kind = sorted(
        per_kind.values(),
        key=lambda k: (
            _department_order(k.giver_code if k.direction == "contribution" else k.receiver_code, kinds),
            k.direction,
            -k.count,
        ),
    )
    return Balance(
        start=start,
        end=end,
        departments=ordered,
        months=months,
        by_kind=by_kind,
        derived_count=derived,
        manual_count=manual,
        orphaned_entries=orphaned,
        entry_count=entry_count,
    )


# --- Evidence for the survey's question 2 -------------------------------------------------------------------


@dataclass(frozen=True)
class TechIssueRow:
    name: str
    this_term: int
    last_term: int

    @staticmethod
    def _shown(n: int) -> str:
        return f"fewer than {SMALL_COUNT}" if n < SMALL_COUNT else f"{n:,}"

    @property
    def this_term_shown(self) -> str:
        return self._shown(self.this_term)

    @property
    def last_term_shown(self) -> str:
        return self._shown(self.last_term)

    @property
    def change_shown(self) -> str:
        if self.this_term < SMALL_COUNT or self.last_term < SMALL_COUNT:
            return "–"
        change = self.this_term - self.last_term
        return f"{change:+,}"


@dataclass(frozen=True)
class TechEvidence:
    term: Term
    previous: Term
    rows: list[TechIssueRow]
    source: str

    @property
    def is_empty(self) -> bool:
        return not self.rows


DESK_STAT = "desk.interactions"


def tech_issue_evidence(*, term: Term, previous: Term | None = None, limit: int = 8) -> TechEvidence:
    """The top technology categories people brought to the desks this term, against last
    term. Read from the desk's count table (core.counts, the stat the desk declares) and the
    desk's own category list; tickets carry no category, so they add nothing here. A count
    under SMALL_COUNT is shown as "fewer than 5", and those rows are listed by name, not
    ranked, so a small group's questions cannot be picked out."""
    from liaison.desk import selectors as desk_selectors

    previous = previous or previous_term(term)
    stat = counts.registered().get(DESK_STAT)
    source = "Desk interactions with an IT category, all service points."
    if stat is None or not isinstance(stat, counts.CountStat):
        return TechEvidence(term, previous, [], source)
    this = _tech_counts(stat, term)
    last = _tech_counts(stat, previous)
    names = {c.pk: c.name for c in desk_selectors.tech_category_list(active_only=False)}
    rows = [TechIssueRow(names.get(pk, "Other"), this.get(pk, 0), last.get(pk, 0)) for pk in set(this) | set(last)]
    big = sorted((r for r in rows if r.this_term >= SMALL_COUNT), key=lambda r: (-r.this_term, r.name))
    small = sorted((r for r in rows if r.this_term < SMALL_COUNT), key=lambda r: r.name)
    return TechEvidence(term, previous, (big + small)[:limit], source)


def _tech_counts(stat: counts.CountStat, term: Term) -> dict[int, int]:
    start, end = core_ledger.day_bounds(term.start, term.end)
    rows = counts.read(stat, start=start, end=end, group_by=("tech_category",))
    return {key[0]: n for key, n in rows.items() if key and key[0] is not None and n}


# --- Goals and needs ----------------------------------------------------------------------------------------


def goal_list(*, user: Any, year: int | None = None) -> QuerySet[Goal]:
    _require(policy.can_view_partnership(user))
    goals = Goal.objects.select_related("department", "created_by")
    if year is not None:
        goals = goals.filter(year=year)
    return goals.order_by("department__name", "status", "title")


def goal_get_for_user(*, user: Any, pk: int) -> Goal:
    _require(policy.can_view_partnership(user))
    goal = Goal.objects.select_related("department").filter(pk=pk).first()
    if goal is None:
        raise Http404("No such goal.")
    return goal


def need_list(*, user: Any, status: str | None = None) -> QuerySet[Need]:
    _require(policy.can_view_partnership(user))
    needs = Need.objects.select_related("department", "goal", "created_by").prefetch_related(
        Prefetch("offers", queryset=Offer.objects.select_related("department", "offered_by", "match"))
    )
    if status:
        needs = needs.filter(status=status)
    return needs.order_by("department__name", "needed_by", "-created_at")


def need_get_for_user(*, user: Any, pk: int) -> Need:
    _require(policy.can_view_partnership(user))
    need = Need.objects.select_related("department", "goal", "created_by").filter(pk=pk).first()
    if need is None:
        raise Http404("No such need.")
    return need


def need_offers(*, need: Need) -> list[Offer]:
    return list(need.offers.select_related("department", "offered_by", "responded_by", "match").order_by("created_at"))


def offer_get_for_user(*, user: Any, pk: int) -> Offer:
    _require(policy.can_view_partnership(user))
    offer = Offer.objects.select_related("need__department", "department", "offered_by").filter(pk=pk).first()
    if offer is None:
        raise Http404("No such offer.")
    return offer


def match_get_for_user(*, user: Any, pk: int) -> Match:
    _require(policy.can_view_partnership(user))
    match = (
        Match.objects.select_related("need__department", "offer__department", "offer__offered_by").filter(pk=pk).first()
    )
    if match is None:
        raise Http404("No such match.")
    return match


# --- The survey -----------------------------------------------------------------------------------------------


def survey_round_list(*, user: Any) -> QuerySet[SurveyRound]:
    _require(policy.can_view_survey_results(user))
    return SurveyRound.objects.annotate(response_count=Count("responses", distinct=True)).order_by(
        "-period_start", "-id"
    )


def survey_round_get_for_user(*, user: Any, pk: int) -> SurveyRound:
    _require(policy.can_view_survey_results(user))
    survey_round = SurveyRound.objects.filter(pk=pk).first()
    if survey_round is None:
        raise Http404("No such survey round.")
    return survey_round


def survey_questions(*, survey_round: SurveyRound) -> list[SurveyQuestion]:
    return list(survey_round.questions.order_by("order", "id"))


def has_answered(*, user: Any, survey_round: SurveyRound) -> bool:
    return SurveyParticipation.objects.filter(round=survey_round, person_id=user.pk).exists()


def rounds_answered_by(*, user: Any) -> set[int]:
    """The rounds this person has answered (named or anonymously), in one query."""
    return set(SurveyParticipation.objects.filter(person_id=user.pk).values_list("round_id", flat=True))


def latest_round(*, with_answers: bool = True) -> SurveyRound | None:
    rounds = SurveyRound.objects.exclude(status=SurveyRound.Status.DRAFT)
    if with_answers:
        rounds = rounds.filter(responses__isnull=False).distinct()
    return rounds.order_by("-period_start", "-id").first()


@dataclass(frozen=True)
class AnswerView:
    body: str
    who: str  # "Anonymous", or "Name (Department)"


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answers: list[AnswerView]

    @property
    def count(self) -> int:
        return len(self.answers)


@dataclass
class RoundResults:
    survey_round: SurveyRound
    response_count: int
    anonymous_count: int
    questions: list[QuestionResult]


def survey_round_results(*, survey_round: SurveyRound) -> RoundResults:
    questions = survey_questions(survey_round=survey_round)
    answers = (
        SurveyAnswer.objects.filter(response__round=survey_round)
        .select_related("response__respondent", "response__department")
        .order_by("question__order", "response__submitted_on", "id")
    )
    by_question: dict[int, list[AnswerView]] = defaultdict(list)
    for answer in answers:
        response = answer.response
        if response.is_anonymous or response.respondent is None:
            who = "Anonymous"
        else:
            dept = f" ({response.department.name})" if response.department else ""
            who = f"{response.respondent}{dept}"
        by_question[answer.question_id].append(AnswerView(answer.body, who))
    responses = SurveyResponse.objects.filter(round=survey_round).aggregate(
        n=Count("id"), anonymous=Count("id", filter=Q(is_anonymous=True))
    )
    return RoundResults(
        survey_round=survey_round,
        response_count=responses["n"] or 0,
        anonymous_count=responses["anonymous"] or 0,
        questions=[QuestionResult(q, by_question.get(q.pk, [])) for q in questions],
    )


@dataclass
class ComparedQuestion:
    key: str
    text: str
    earlier: QuestionResult | None
    later: QuestionResult | None


@dataclass
class RoundComparison:
    earlier: RoundResults
    later: RoundResults
    questions: list[ComparedQuestion]
    earlier_evidence: TechEvidence
    later_evidence: TechEvidence


def survey_round_comparison(*, user: Any, earlier_pk: int, later_pk: int) -> RoundComparison:
    first = survey_round_get_for_user(user=user, pk=earlier_pk)
    second = survey_round_get_for_user(user=user, pk=later_pk)
    if (second.period_start, second.pk) < (first.period_start, first.pk):
        first, second = second, first
    a, b = survey_round_results(survey_round=first), survey_round_results(survey_round=second)
    keys: list[str] = []
    texts: dict[str, str] = {}
    for results in (a, b):
        for q in results.questions:
            if q.question.key not in keys:
                keys.append(q.question.key)
            texts[q.question.key] = q.question.text
    a_by = {q.question.key: q for q in a.questions}
    b_by = {q.question.key: q for q in b.questions}
    return RoundComparison(
        earlier=a,
        later=b,
        questions=[ComparedQuestion(k, texts[k], a_by.get(k), b_by.get(k)) for k in keys],
        earlier_evidence=tech_issue_evidence(term=round_term(first)),
        later_evidence=tech_issue_evidence(term=round_term(second)),
    )


def round_term(survey_round: SurveyRound) -> Term:
    """The period a round looks back on, as a term (its own dates; the previous term is the
    calendar term before its start)."""
    return Term(survey_round.title, survey_round.period_start, survey_round.period_end)


def round_evidence(*, survey_round: SurveyRound) -> TechEvidence:
    return tech_issue_evidence(
        term=round_term(survey_round), previous=previous_term(term_of(survey_round.period_start))
    )


# --- Rollouts -------------------------------------------------------------------------------------------------


def rollout_list(*, user: Any, start: dt.date | None = None, include_past: bool = False) -> QuerySet[Rollout]:
    _require(policy.can_view_rollouts(user), "Your role does not show the rollout calendar.")
    rollouts = Rollout.objects.select_related("department")
    if not include_past:
        today = start or timezone.localdate()
        rollouts = rollouts.filter(Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today))
    return rollouts.order_by("starts_on", "id")


def rollout_get_for_user(*, user: Any, pk: int) -> Rollout:
    _require(policy.can_view_rollouts(user), "Your role does not show the rollout calendar.")
    rollout = (
        Rollout.objects.select_related("department", "consultation_recorded_by", "created_by").filter(pk=pk).first()
    )
    if rollout is None:
        raise Http404("No such rollout.")
    return rollout


def upcoming_rollouts(*, days: int = UPCOMING_DAYS, today: dt.date | None = None) -> QuerySet[Rollout]:
    today = today or timezone.localdate()
    return (
        Rollout.objects.filter(
            status=Rollout.Status.PLANNED, starts_on__gte=today, starts_on__lte=today + dt.timedelta(days=days)
        )
        .select_related("department")
        .order_by("starts_on", "id")
    )


def rollouts_needing_flag(*, today: dt.date | None = None) -> QuerySet[Rollout]:
    """Planned rollouts starting within FLAG_DAYS with no consultation, not yet flagged."""
    return upcoming_rollouts(days=FLAG_DAYS, today=today).filter(consulted_on__isnull=True, flagged_at__isnull=True)


def hash_calendar_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_user_by_token(*, token: str) -> Any:
    """The person whose calendar link this is; 404 for anything else (a revoked or made-up
    link, or a person who may no longer see the calendar)."""
    if not token or len(token) > 100:
        raise Http404("No such calendar.")
    row = CalendarFeedToken.objects.select_related("user").filter(token_hash=hash_calendar_token(token)).first()
    if row is None or not row.user.is_active or not policy.can_view_rollouts(row.user):
        raise Http404("No such calendar.")
    return row.user


def has_calendar_link(*, user: Any) -> bool:
    return CalendarFeedToken.objects.filter(user_id=user.pk).exists()


def calendar_rollouts(*, since_days: int = 90) -> QuerySet[Rollout]:
    since = timezone.localdate() - dt.timedelta(days=since_days)
    return (
        Rollout.objects.exclude(status=Rollout.Status.CANCELLED)
        .filter(starts_on__gte=since)
        .select_related("department")
        .order_by("starts_on", "id")
    )


# --- Requests for library resources --------------------------------------------------------------------------------


def resource_request_list_for_user(
    *, user: Any, status: str = "", open_only: bool = False
) -> QuerySet[ResourceRequest]:
    _require(policy.can_view_partnership(user))
    requests = ResourceRequest.objects.filter(policy.resource_requests_visible_filter(user)).select_related(
        "requester", "department", "handled_by", "handling_department"
    )
    if status:
        requests = requests.filter(status=status)
    if open_only:
        requests = requests.filter(status__in=ResourceRequest.OPEN_STATUSES)
    return requests.order_by("-created_at", "-id")


def resource_request_get_for_user(*, user: Any, pk: int) -> ResourceRequest:
    _require(policy.can_view_partnership(user))
    request = (
        ResourceRequest.objects.filter(policy.resource_requests_visible_filter(user))
        .select_related("requester", "department", "handled_by", "handling_department")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("No such request, or not one you may see.")
    return request


def open_resource_requests() -> QuerySet[ResourceRequest]:
    return (
        ResourceRequest.objects.filter(status__in=ResourceRequest.OPEN_STATUSES)
        .select_related("department", "requester")
        .order_by("created_at")
    )


# --- Skills exchange ---------------------------------------------------------------------------------------------------


def skill_list(*, user: Any, query: str = "", include_inactive: bool = False) -> QuerySet[Skill]:
    _require(policy.can_view_skills(user), "Your role does not show the skills exchange.")
    skills = Skill.objects.select_related("person__department").annotate(session_count=Count("sessions", distinct=True))
    if not include_inactive:
        skills = skills.filter(is_active=True)
    query = (query or "").strip()[:100]
    if query:
        skills = skills.filter(Q(title__icontains=query) | Q(description__icontains=query))
    return skills.order_by("title", "id")


def skill_get_for_user(*, user: Any, pk: int) -> Skill:
    _require(policy.can_view_skills(user), "Your role does not show the skills exchange.")
    skill = Skill.objects.select_related("person__department").filter(pk=pk).first()
    if skill is None:
        raise Http404("No such skill.")
    return skill


def skill_sessions(*, skill: Skill) -> QuerySet[SkillSession]:
    return skill.sessions.select_related("teacher_department", "attendee_department", "taught_by").order_by(
        "-held_on", "-id"
    )


def recent_skill_sessions(*, limit: int = 10) -> QuerySet[SkillSession]:
    return SkillSession.objects.select_related(
        "skill", "teacher_department", "attendee_department", "taught_by"
    ).order_by("-held_on", "-id")[:limit]


# --- Departments (through the accounts app) --------------------------------------------------------------------------------


def department_choices() -> QuerySet[Department]:
    return accounts_selectors.department_list().order_by("name")


def department_by_code() -> dict[str, Department]:
    return {d.code: d for d in accounts_selectors.department_list()}


# --- The partnership page ------------------------------------------------------------------------------------------------


@dataclass
class Overview:
    start: dt.date
    end: dt.date
    term: Term
    previous: Term
    balance: Balance
    term_balance: Balance
    goals: list[Goal]
    needs: list[Need]
    last_round: RoundResults | None
    evidence: TechEvidence
    rollouts: list[Rollout]
    requests: list[ResourceRequest]
    feeds: list[FeedStatus]
    generated_at: dt.datetime


def partnership_overview(*, user: Any, start: dt.date | None = None, end: dt.date | None = None) -> Overview:
    """Everything the partnership page, its PDF and its XLSX show, read once."""
    _require(policy.can_view_partnership(user))
    today = timezone.localdate()
    end = end or next_month(today)
    start = start or months_back(end - dt.timedelta(days=1), 12)
    term = current_term(today)
    previous = previous_term(term)
    last = latest_round()
    year = today.year
    return Overview(
        start=start,
        end=end,
        term=term,
        previous=previous,
        balance=balance(start=start, end=end),
        term_balance=balance(start=term.start, end=min(term.end, today + dt.timedelta(days=1))),
        goals=list(
            goal_list(user=user)
            .filter(year__in=[year, year - 1 if today.month < 8 else year])
            .exclude(status=Goal.Status.DROPPED)
        ),
        needs=list(need_list(user=user, status=Need.Status.OPEN)),
        last_round=survey_round_results(survey_round=last) if last else None,
        evidence=tech_issue_evidence(term=term, previous=previous),
        rollouts=list(upcoming_rollouts(days=UPCOMING_DAYS, today=today)),
        requests=list(open_resource_requests()[:50]),
        feeds=feed_list(),
        generated_at=timezone.now(),
    )
