"""Reads for demand: monthly figures per measure and place, forecasts (cached by their data),
lab fullness, what labs record now (through labs' selectors), and READ calibration agreement."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from liaison.demand import forecast as fc
from liaison.demand import policy
from liaison.demand.models import (
    SUMMED,
    CalibrationItem,
    CalibrationRating,
    CalibrationRound,
    Measure,
    Observation,
    Series,
)
from liaison.labs import selectors as labs_selectors
from liaison.places import selectors as places_selectors

if TYPE_CHECKING:
    from liaison.accounts.models import User

MAX_YEARS = 30  # a chart of more than this many years is refused by the form, not drawn


def observation_values(identities: list[str]) -> dict[str, Decimal]:
    """For the importer: identity (measure|place|start|end) → the figure stored for it."""
    wanted: dict[tuple[str, str, str, str], str] = {}
    for identity in identities:
        parts = identity.removeprefix("id:").split("|")
        if len(parts) == 4:
            wanted[(parts[0], parts[1], parts[2], parts[3])] = identity
    if not wanted:
        return {}
    rows = Observation.objects.filter(
        series__measure__in={k[0] for k in wanted},
        series__place_key__in={k[1] for k in wanted},
        start__in={dt.datetime.fromisoformat(k[2]) for k in wanted},
    ).values_list("series__measure", "series__place_key", "start", "end", "value")
    out = {}
    for measure, place_key, start, end, value in rows:
        key = (measure, place_key, start.astimezone(dt.UTC).isoformat(), end.astimezone(dt.UTC).isoformat())
        if key in wanted:
            out[wanted[key]] = value
    return out


# --- Monthly figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureChoice:
    code: str
    label: str
    places: int
    months: int


def measures_available() -> list[MeasureChoice]:
    """Measures with figures, with how many places and months they cover (one query)."""
    rows = (
        Observation.objects.values("series__measure")
        .annotate(places=Count("series", distinct=True), months=Count(TruncMonth("start"), distinct=True))
        .order_by("series__measure")
    )
    return [
        MeasureChoice(r["series__measure"], Measure(r["series__measure"]).label, r["places"], r["months"])
        for r in rows
        if r["series__measure"] in Measure.values
    ]


def series_list(*, measure: str = "") -> list[Series]:
    series = Series.objects.select_related("service_point", "room").order_by("measure", "place_name")
    return list(series.filter(measure=measure) if measure else series)


def monthly_figures(*, measure: str, place_key: str = "") -> list[tuple[dt.date, float]]:
    """(month, figure) for a measure over all its places (or one): summed figures add up per
    month; levels (headcounts, percentages) take the month's peak across periods and the mean
    across places. One query."""
    rows = Observation.objects.filter(series__measure=measure)
    if place_key:
        rows = rows.filter(series__place_key=place_key)
    zone = timezone.get_current_timezone()
    by_month = (
        rows.annotate(month=TruncMonth("start", tzinfo=zone))
        .values("month", "series_id")
        .annotate(total=Sum("value"), peak=Max("value"))
        .order_by("month")
    )
    months: dict[dt.date, list[float]] = defaultdict(list)
    for row in by_month:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        months[month].append(float(row["total"] if measure in SUMMED else row["peak"]))
    if measure in SUMMED:
        return [(m, sum(v)) for m, v in sorted(months.items())]
    if measure == Measure.HEADCOUNT:  # seats taken at peak, all places together
        return [(m, sum(v)) for m, v in sorted(months.items())]
    return [(m, sum(v) / len(v)) for m, v in sorted(months.items())]


def cached_forecast(*, measure: str, place_key: str, history: list[tuple[dt.date, float]]) -> fc.Forecast:
    """The seasonal forecast of this history, computed once per distinct history (two hours;
    the hourly task refits what the page shows)."""
    digest = hashlib.sha256(json.dumps([measure, place_key, [(m.isoformat(), v) for m, v in history]]).encode())
    key = f"demand:forecast:{digest.hexdigest()[:32]}"
    found = cache.get(key)
    if found is None:
        found = fc.seasonal_forecast(history)
        cache.set(key, found, FORECAST_SECONDS)
    return found


FORECAST_SECONDS = 2 * 3600


def forecasts_warm() -> int:
    """Fit every forecast the demand page shows (each measure over all places, each lab's
    headcount) so a first visit reads them from the cache (`tasks.warm_demand_forecasts`, hourly)."""
    done = 0
    for choice in measures_available():
        cached_forecast(measure=choice.code, place_key="", history=monthly_figures(measure=choice.code))
        done += 1
    for series in series_list(measure=Measure.HEADCOUNT):
        history = monthly_figures(measure=Measure.HEADCOUNT, place_key=series.place_key)
        cached_forecast(measure=Measure.HEADCOUNT, place_key=series.place_key, history=history)
        done += 1
    return done


TERMS = (("Spring", (1, 2, 3, 4, 5)), ("Summer", (6, 7, 8)), ("Fall", (9, 10, 11, 12)))


def term_of(month: dt.date) -> str:
    name = next(n for n, months in TERMS if month.month in months)
    return f"{name} {month.year}"


def by_term(history: list[tuple[dt.date, float]], *, summed: bool) -> list[dict[str, Any]]:
    """Figures per academic term (Spring Jan–May, Summer Jun–Aug, Fall Sep–Dec), in order."""
    groups: dict[str, list[float]] = {}
    order: list[str] = []
    for month, value in history:
        term = term_of(month)
        if term not in groups:
            groups[term] = []
            order.append(term)
        groups[term].append(value)
    return [
        {
            "term": t,
            "months": len(groups[t]),
            "figure": sum(groups[t]) if summed else sum(groups[t]) / len(groups[t]),
        }
        for t in order
    ]


def next_term(after: dt.date) -> tuple[str, list[dt.date]]:
    """The term after the month `after`, and its months: the registrar's next term when the
    software app has it (its dates), else the next of the fixed ranges in `TERMS`."""
    from liaison.demand.periods import add_months
    from liaison.software import selectors as software_selectors

    month = after.replace(day=1)
    following = add_months(month, 1)
    registered = [t for t in software_selectors.term_list() if t.starts_on >= following]
    if registered:
        term = min(registered, key=lambda t: t.starts_on)
        months: list[dt.date] = []
        cursor = term.starts_on.replace(day=1)
        while cursor <= term.ends_on and len(months) < 12:
            months.append(cursor)
            cursor = add_months(cursor, 1)
        return term.name, months
    current = term_of(month)
    for step in range(1, 13):
        year, index = divmod(month.year * 12 + month.month - 1 + step, 12)
        candidate = dt.date(year, index + 1, 1)
        if term_of(candidate) != current:
            name = term_of(candidate)
            months = [m for m in [dt.date(year, n, 1) for _t, ns in TERMS for n in ns] if term_of(m) == name]
            return name, sorted(months)
    return current, [month]


# --- Labs ---------------------------------------------------------------------------------------


@dataclass
class LabNow:
    name: str
    seats: int | None
    hours: list[dict[str, Any]]
    peak_hour: int | None
    peak_in_use: float


def labs_now(*, days: int = 7) -> list[LabNow]:
    """Each lab's average computers in use per hour over the last `days` days (labs' sessions)."""
    out = []
    for room in places_selectors.lab_list():
        hours = labs_selectors.occupancy_by_hour(room_id=room.pk, days=days)
        peak = max(hours, key=lambda h: h["average_in_use"]) if hours else None
        out.append(
            LabNow(
                name=room.name, seats=room.capacity, hours=hours,
                peak_hour=peak["hour"] if peak and peak["average_in_use"] else None,
                peak_in_use=peak["average_in_use"] if peak else 0.0,
            )
        )  # fmt: skip
    return out


def printer_pages_recent(*, days: int = 30) -> list[dict[str, Any]]:
    """Pages per printer over the last `days` days (labs' imported print logs)."""
    totals: dict[str, dict[str, Any]] = {}
    for row in labs_selectors.pages_per_day(days=days):
        name = row.get("asset__name") or row.get("asset__tag") or "?"
        entry = totals.setdefault(name, {"printer": name, "pages": 0, "jobs": 0, "days": 0})
        entry["pages"] += row.get("pages") or 0
        entry["jobs"] += row.get("jobs") or 0
        entry["days"] += 1
    return sorted(totals.values(), key=lambda r: -r["pages"])


def labs_full(*, horizon: int = fc.HORIZON) -> list[fc.FullAnswer]:
    """'When will the labs be full at peak?' for each place with headcount history: its monthly
    peak headcount forecast against its seats (the lab's capacity in places)."""
    answers = []
    for series in series_list(measure=Measure.HEADCOUNT):
        history = monthly_figures(measure=Measure.HEADCOUNT, place_key=series.place_key)
        seats = series.room.capacity if series.room_id and series.room else None
        forecast = cached_forecast(measure=Measure.HEADCOUNT, place_key=series.place_key, history=history)
        answers.append(fc.when_full(series.place_name, seats, history, forecast))
    return answers


# --- READ calibration ---------------------------------------------------------------------------


def calibration_round_list() -> list[CalibrationRound]:
    return list(CalibrationRound.objects.annotate(ratings=Count("items__ratings")).order_by("-month")[:24])


def calibration_round_current() -> CalibrationRound | None:
    return CalibrationRound.objects.order_by("-month").first()


def calibration_round_for_month(*, month: dt.date) -> CalibrationRound:
    found = CalibrationRound.objects.filter(month=month.replace(day=1)).first()
    if found is None:
        raise Http404("No calibration round for that month.")
    return found


@dataclass(frozen=True)
class QuestionToRate:
    """What a rater sees: the question's words, kind and category. Not its desk's person, not
    the patron, not the level it was given."""

    item_id: int
    position: int
    note: str
    kind: str
    category: str
    mode: str
    duration_minutes: int | None


def calibration_item_get_for_rater(*, user: User, round: CalibrationRound, item_id: Any) -> CalibrationItem:
    """The sampled question a rating is posted for: 404 when not in the round; 403 when the
    person may not rate at all."""
    if not policy.can_rate(user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    try:
        pk = int(str(item_id))
    except (TypeError, ValueError):
        raise Http404 from None
    item = CalibrationItem.objects.select_related("interaction").filter(round=round, pk=pk).first()
    if item is None:
        raise Http404
    return item


def calibration_progress(*, user: User, round: CalibrationRound) -> tuple[QuestionToRate | None, int, int]:
    """(the next question this person has to rate, how many they have rated, how many they can
    rate): questions they logged themselves are left out. Two queries."""
    items = list(
        CalibrationItem.objects.filter(round=round)
        .exclude(interaction__recorded_by=user)
        .select_related("interaction__kind", "interaction__tech_category")
        .order_by("position")
    )
    rated = set(CalibrationRating.objects.filter(item__round=round, rater=user).values_list("item_id", flat=True))
    todo = [i for i in items if i.pk not in rated]
    nxt = None
    if todo:
        i = todo[0]
        q = i.interaction
        nxt = QuestionToRate(
            item_id=i.pk, position=i.position, note=q.note, kind=q.kind.name,
            category=q.tech_category.name if q.tech_category is not None else "", mode=q.get_mode_display(),
            duration_minutes=q.duration_minutes,
        )  # fmt: skip
    return nxt, len([i for i in items if i.pk in rated]), len(items)


@dataclass
class Agreement:
    label: str
    pairs: int = 0
    exact: int = 0
    within_one: int = 0
    kappa: float | None = None
    mean_original: float | None = None
    mean_rated: float | None = None
    table: list[list[int]] = field(default_factory=list)

    @property
    def exact_pct(self) -> float | None:
        return round(100 * self.exact / self.pairs, 1) if self.pairs else None

    @property
    def within_one_pct(self) -> float | None:
        return round(100 * self.within_one / self.pairs, 1) if self.pairs else None

    @property
    def drift(self) -> str:
        if self.mean_original is None or self.mean_rated is None:
            return ""
        gap = self.mean_rated - self.mean_original
        if abs(gap) < 0.25:
            return "steady"
        return f"re-rated {'higher' if gap > 0 else 'lower'} by {abs(gap):.1f}"


MIN_PAIRS_FOR_KAPPA = 10


def _agreement(label: str, pairs: list[tuple[int, int]], *, with_kappa: bool) -> Agreement:
    result = Agreement(label=label, pairs=len(pairs))
    if not pairs:
        return result
    result.exact = sum(1 for a, b in pairs if a == b)
    result.within_one = sum(1 for a, b in pairs if abs(a - b) <= 1)
    result.mean_original = sum(a for a, _ in pairs) / len(pairs)
    result.mean_rated = sum(b for _, b in pairs) / len(pairs)
    table = [[0] * 6 for _ in range(6)]
    for a, b in pairs:
        table[a - 1][b - 1] += 1
    result.table = table
    if with_kappa and len(pairs) >= MIN_PAIRS_FOR_KAPPA:
        result.kappa = weighted_kappa(table)
    return result


def weighted_kappa(table: list[list[int]]) -> float | None:
    """Cohen's kappa with linear weights (statsmodels), for ordinal levels 1–6; None when it is
    undefined (every rating on one level: agreement by chance is already total)."""
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa

    matrix = np.array(table, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = cohens_kappa(matrix, wt="linear", return_results=False)
    value = float(value)
    return round(value, 2) if np.isfinite(value) else None


@dataclass
class AgreementReport:
    round: CalibrationRound
    overall: Agreement
    by_desk: list[Agreement]
    by_level: list[Agreement]
    raters: int


def calibration_agreement(*, round: CalibrationRound) -> AgreementReport:
    """Original level against each re-rating, overall, per desk and per original level. One query."""
    rows = list(
        CalibrationRating.objects.filter(item__round=round).values_list(
            "item__interaction__read_level", "level", "item__interaction__service_point__name", "rater_id"
        )
    )
    pairs = [(a, b) for a, b, _desk, _r in rows]
    desks: dict[str, list[tuple[int, int]]] = defaultdict(list)
    levels: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a, b, desk, _r in rows:
        desks[desk].append((a, b))
        levels[a].append((a, b))
    return AgreementReport(
        round=round,
        overall=_agreement("All desks", pairs, with_kappa=True),
        by_desk=[_agreement(d, p, with_kappa=True) for d, p in sorted(desks.items())],
        # Within one original level kappa says nothing (one row of the table): exact and
        # within-one agreement and the drift say where ratings move.
        by_level=[_agreement(f"READ {lvl}", levels[lvl], with_kappa=False) for lvl in range(1, 7) if levels[lvl]],
        raters=len({r for *_x, r in rows}),
    )
