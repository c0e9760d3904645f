"""The dashboards: every figure a page, the API, an export or a scheduled report shows.

Each builder takes a `periods.Span` and returns a `Dashboard` of `Chart`s; a chart carries its
spec, its table (the figures of record), a one-sentence answer and a text alternative. Pages,
the API, CSV/XLSX/PDF and e-mail all read the same objects, so they never disagree.

Reads go through the count tables (liaison/core/counts.py) and other domains' selectors:
- desk traffic: the desk's own stats (`liaison/desk/stats.py`), through `counts.read`;
- tickets opened and lab failures/repairs: `tickets.stats.OPENED`, `labs.stats`;
- equipment reliability: `labs.figures.reliability`; staffing: `staffing.selectors`;
- partnership: `partnership.selectors.balance`.
The number of queries does not grow with the data (tests assert it); a period of 30 years
reads daily or hourly count rows, never the interaction log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from liaison.core import counts
from liaison.core.errors import reject
from liaison.desk import reports as desk_reports
from liaison.desk import stats as desk_stats
from liaison.desk.reports import WEEKDAYS, Period
from liaison.insights import charts, policy
from liaison.insights.periods import Span

SMALL = 5  # counts under this are shown as "fewer than 5" where a small group could be picked out


# --- Shapes ----------------------------------------------------------------------------------------


@dataclass
class Chart:
    key: str
    title: str
    answer: str  # one sentence: what the chart says
    columns: list[str]
    rows: list[list[Any]]
    text: str = ""  # the text alternative (screen readers); defaults to the answer
    spec: dict[str, Any] | None = None
    note: str = ""  # how the figure is counted

    @property
    def grid(self) -> list[list[Any]]:
        return [self.columns, *self.rows]

    @property
    def alt(self) -> str:
        return self.text or self.answer


@dataclass
class Dashboard:
    key: str
    title: str
    span: Span
    charts: list[Chart] = field(default_factory=list)
    summary: str = ""

    def chart(self, key: str) -> Chart:
        for chart in self.charts:
            if chart.key == key:
                return chart
        raise reject("chart", f"This dashboard has no chart {key!r}.", code="insights.chart_unknown")


def shown(n: int) -> str:
    """A count as shown where small groups are suppressed."""
    return f"fewer than {SMALL}" if 0 < n < SMALL else f"{n:,}"


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _change(now: int, before: int) -> str:
    if not before:
        return "with nothing to compare against" if not now else "where there were none before"
    change = 100 * (now - before) / before
    if change >= 200:
        return f"{now / before:.0f} times as many as"
    if abs(change) < 1:
        return "about the same as"
    return f"{abs(change):.0f}% {'more' if change > 0 else 'fewer'} than"


def _read(stat: counts.CountStat, period: Period, group_by: tuple[str, ...] = (), **where: Any) -> dict[tuple, int]:
    return counts.read(stat, start=period.start, end=period.end, group_by=group_by, where=where)


# --- Labels (one query each, whatever the period) --------------------------------------------------


def _labels() -> dict[str, dict[Any, str]]:
    from liaison.desk import selectors as desk_selectors
    from liaison.directory.selectors import entry_choices
    from liaison.places.selectors import service_point_choices

    return {
        "service_point": {p.pk: p.name for p in service_point_choices(active_only=False)},
        "kind": {k.pk: k.name for k in desk_selectors.kind_list(active_only=False)},
        "tech_category": {c.pk: c.name for c in desk_selectors.tech_category_list(active_only=False)},
        "referred_to": {e.pk: e.name for e in entry_choices(active_only=False)},
    }


def _label(labels: dict[Any, str], key: Any, none: str = "—") -> str:
    return none if key is None else labels.get(key, f"#{key}")


# --- Desk -------------------------------------------------------------------------------------------


def _heatmap(period: Period, labels: dict[str, dict[Any, str]]) -> tuple[Chart, dict[tuple[int, int], int]]:
    """Interactions per service point × weekday × hour, hours in the campus zone (the count
    table's UTC hours are turned into local hours by the database, so an hour never shifts at
    a DST change). Returns the chart and totals per (service point, hour of day)."""
    cells = _read(desk_stats.BY_POINT_HOURLY, period, ("service_point", "weekday", "hour_of_day"))
    points = sorted({k[0] for k in cells}, key=lambda p: _label(labels["service_point"], p))
    hours = sorted({k[2] for k in cells})
    hour_range = list(range(min(hours), max(hours) + 1)) if hours else []
    rows, data = [], []
    by_point_hour: dict[tuple[int, int], int] = defaultdict(int)
    busiest = max(cells.items(), key=lambda kv: kv[1], default=None)
    for point in points:
        name = _label(labels["service_point"], point)
        for weekday in range(1, 8):
            line = [cells.get((point, weekday, h), 0) for h in hour_range]
            if not any(line):
                continue
            rows.append([name, WEEKDAYS[weekday - 1], *line, sum(line)])
            for h, n in zip(hour_range, line, strict=True):
                by_point_hour[(point, h)] += n
                data.append(
                    {
                        "point": name,
                        "weekday": WEEKDAYS[weekday - 1][:3],
                        "weekday_no": weekday,
                        "hour": f"{h:02d}",
                        "n": n,
                    }
                )
    if busiest:
        (point, weekday, hour), n = busiest
        answer = (
            f"The busiest hour was {WEEKDAYS[weekday - 1]} {hour:02d}:00–{hour + 1:02d}:00 at "
            f"{_label(labels['service_point'], point)}, with {n:,} questions over the period."
        )
    else:
        answer = "No questions were logged in this period."
    text = answer
    if points:
        parts = []
        for point in points:
            per_hour = {h: by_point_hour.get((point, h), 0) for h in hour_range}
            top = sorted(per_hour.items(), key=lambda kv: -kv[1])[:3]
            parts.append(
                f"{_label(labels['service_point'], point)}: busiest hours "
                + ", ".join(f"{h:02d}:00 ({n:,})" for h, n in top if n)
            )
        text = answer + " " + "; ".join(parts) + "."
    chart = Chart(
        key="heatmap",
        title="Traffic by hour and weekday",
        answer=answer,
        text=text,
        columns=["Service point", "Weekday", *(f"{h:02d}:00" for h in hour_range), "Total"],
        rows=rows,
        spec=charts.heatmap(data, facet=len(points) > 1),
        note="Hours are campus time: an 11:00 question is in the 11:00 column in winter and in summer.",
    )
    return chart, by_point_hour


def _effort(period: Period, labels: dict[str, dict[Any, str]]) -> tuple[Chart, Chart]:
    by_kind_level = _read(desk_stats.BY_POINT_KIND_LEVEL, period, ("kind", "read_level"))
    by_cat_level = _read(desk_stats.BY_POINT_CATEGORY_LEVEL, period, ("tech_category", "read_level"))
    levels = list(range(1, 7))
    total = sum(by_kind_level.values())
    hard = sum(n for (_k, lvl), n in by_kind_level.items() if lvl >= 3)
    kinds = sorted({k for k, _l in by_kind_level}, key=lambda k: _label(labels["kind"], k))
    rows: list[list[Any]] = []
    data: list[dict[str, Any]] = []
    for kind in kinds:
        line = [by_kind_level.get((kind, lvl), 0) for lvl in levels]
        rows.append([_label(labels["kind"], kind), *line, sum(line)])
        for lvl, n in zip(levels, line, strict=True):
            if n:
                data.append({"label": f"READ {lvl}", "series": _label(labels["kind"], kind), "n": n, "series_no": 0})
    rows.append(["Total", *(sum(by_kind_level.get((k, lvl), 0) for k in kinds) for lvl in levels), total])
    share = _pct(hard, total)
    effort = Chart(
        key="effort",
        title="How hard: READ levels by kind of question",
        answer=(
            f"{share:.0f}% of {total:,} questions needed READ 3 or more (real expertise or longer help)."
            if share is not None
            else "No questions were logged in this period."
        ),
        columns=["Kind", *(f"READ {lvl}" for lvl in levels), "Total"],
        rows=rows,
        spec=charts.bars(
            data,
            x_title="Questions",
            colour_field="series",
            colour_title="Kind",
            sort=[f"READ {lvl}" for lvl in levels],
        ),
    )
    cats = sorted(
        {c for c, _l in by_cat_level if c is not None},
        key=lambda c: -sum(n for (cc, _l), n in by_cat_level.items() if cc == c),
    )
    rows = []
    data = []
    for cat in cats:
        line = [by_cat_level.get((cat, lvl), 0) for lvl in levels]
        n_cat = sum(line)
        mean = sum(lvl * n for lvl, n in zip(levels, line, strict=True)) / n_cat if n_cat else 0
        rows.append([_label(labels["tech_category"], cat), *line, n_cat, round(mean, 2)])
        for lvl, n in zip(levels, line, strict=True):
            if n:
                data.append(
                    {"label": _label(labels["tech_category"], cat), "series": f"READ {lvl}", "n": n, "series_no": lvl}
                )
    hardest = max(rows, key=lambda r: float(r[-1]), default=None)
    it_mix = Chart(
        key="it_mix",
        title="IT questions by category and READ level",
        answer=(
            f"{rows[0][0]} was the most asked IT category ({rows[0][-2]:,}); {hardest[0]} needed the most "
            f"effort (mean READ {hardest[-1]})."
            if rows and hardest
            else "No question in this period had an IT category."
        ),
        columns=["IT category", *(f"READ {lvl}" for lvl in levels), "Total", "Mean READ"],
        rows=rows,
        spec=charts.bars(data, x_title="Questions", colour_field="series", colour_title="READ level"),
    )
    return effort, it_mix


def _simple(
    period: Period,
    stat: counts.CountStat,
    dim: str,
    label: Callable[[Any], str],
    *,
    key: str,
    title: str,
    what: str,
    skip_none: bool = False,
) -> Chart:
    totals = _read(stat, period, (dim,))
    items = sorted(
        ((label(k[0]), n) for k, n in totals.items() if n and not (skip_none and k[0] is None)),
        key=lambda kv: (-kv[1], kv[0]),
    )
    total = sum(n for _l, n in items)
    rows = [[name, n, _pct(n, total)] for name, n in items]
    answer = (
        f"{items[0][0]} led with {items[0][1]:,} of {total:,} {what} ({_pct(items[0][1], total):.0f}%)."
        if items
        else f"No {what} in this period."
    )
    return Chart(
        key=key,
        title=title,
        answer=answer,
        columns=[title.split(" by ")[-1].capitalize(), "Count", "%"],
        rows=rows,
        spec=charts.bars([{"label": n, "n": c} for n, c in items], x_title=what.capitalize()),
    )


def _staffed(period: Period, by_point_hour: dict[tuple[int, int], int], labels: dict[str, dict[Any, str]]) -> Chart:
    """Questions per staffed half-hour: interactions at a service point in an hour of the day,
    over the worker-hours the published schedule put there in that hour, times two."""
    from liaison.staffing import selectors as staffing_selectors

    staffed: dict[tuple[int, int], int] = defaultdict(int)
    shifts = staffing_selectors.worked_shifts(period.first, period.last + dt.timedelta(days=1))
    for point, start, end in shifts.values_list("service_point_id", "start_hour", "end_hour"):
        for hour in range(start, end):
            staffed[(point, hour)] += 1
    keys = sorted(set(staffed) | set(by_point_hour), key=lambda k: (_label(labels["service_point"], k[0]), k[1]))
    rows, data = [], []
    worst: tuple[float, str, int] | None = None
    for point, hour in keys:
        questions, hours = by_point_hour.get((point, hour), 0), staffed.get((point, hour), 0)
        rate = round(questions / (2 * hours), 2) if hours else None
        name = _label(labels["service_point"], point)
        rows.append([name, f"{hour:02d}:00", questions, hours, rate])
        if rate is not None:
            data.append({"x": f"{hour:02d}", "y": rate, "series": name})
            if worst is None or rate > worst[0]:
                worst = (rate, name, hour)
    answer = (
        f"The heaviest staffed hour was {worst[2]:02d}:00 at {worst[1]}: {worst[0]} questions per staffed half-hour."
        if worst
        else "No published shifts fall in this period, so there is nothing to divide traffic by."
    )
    return Chart(
        key="staffed",
        title="Questions per staffed half-hour",
        answer=answer,
        columns=["Service point", "Hour", "Questions", "Staffed worker-hours", "Questions per staffed half-hour"],
        rows=rows,
        spec=charts.grouped_columns(
            data, x_title="Hour of the day", y_title="Questions per staffed half-hour", series_title="Service point"
        ),
        note="Staffed hours are the student-worker shifts of the published schedule (staffing).",
    )


def _total(period: Period) -> int:
    return sum(_read(desk_stats.BY_POINT_LEVEL, period, ("service_point",)).values())


def desk_dashboard(span: Span, *, labels: dict[str, dict[Any, str]] | None = None) -> Dashboard:
    labels = labels or _labels()
    period = span.period
    heat, by_point_hour = _heatmap(period, labels)
    effort, it_mix = _effort(period, labels)
    modes = _simple(
        period,
        desk_stats.BY_POINT_MODE,
        "mode",
        lambda m: desk_reports.MODE_LABELS.get(m, m or "—"),
        key="modes",
        title="Questions by mode",
        what="questions",
    )
    referrals = _simple(
        period,
        desk_stats.BY_POINT_REFERRAL,
        "referred_to",
        lambda r: _label(labels["referred_to"], r),
        key="referrals",
        title="Referrals by target",
        what="referrals",
        skip_none=True,
    )
    total = sum(r[-1] for r in heat.rows)
    before = _total(span.previous)
    if before:
        summary = f"{total:,} questions in {period.label}, {_change(total, before)} {span.previous.label} ({before:,})."
    else:
        summary = f"{total:,} questions in {period.label}; none were logged in {span.previous.label}."
    return Dashboard(
        "desk", "Desk", span, [heat, effort, it_mix, modes, referrals, _staffed(period, by_point_hour, labels)], summary
    )


# --- Student technology issues ----------------------------------------------------------------------


@dataclass
class Issue:
    name: str
    source: str
    this: int
    last: int

    @property
    def change(self) -> str:
        if self.this < SMALL or self.last < SMALL:
            return "–"
        return f"{self.this - self.last:+,}"


def _issues(span: Span, labels: dict[str, dict[Any, str]]) -> list[Issue]:
    from liaison.labs import stats as labs_stats
    from liaison.tickets import selectors as ticket_selectors
    from liaison.tickets import stats as ticket_stats

    issues: dict[tuple[str, str], Issue] = {}

    def add(name: str, source: str, this: int, last: int) -> None:
        issue = issues.setdefault((source, name), Issue(name, source, 0, 0))
        issue.this += this
        issue.last += last

    for when, period in (("this", span.period), ("last", span.previous)):
        desk = _read(desk_stats.BY_POINT_CATEGORY, period, ("tech_category",))
        for (cat,), n in desk.items():
            if cat is not None:
                add(
                    _label(labels["tech_category"], cat),
                    "Desk questions",
                    n if when == "this" else 0,
                    n if when == "last" else 0,
                )
        tickets = _read(ticket_stats.OPENED, period, ("tech_category", "queue"))
        queues = labels.setdefault("queue", {q.pk: q.name for q in ticket_selectors.queue_list(active_only=False)})
        for (cat, queue), n in tickets.items():
            name = _label(labels["tech_category"], cat) if cat is not None else f"Queue: {_label(queues, queue)}"
            add(name, "Tickets", n if when == "this" else 0, n if when == "last" else 0)
        failures = _read(labs_stats.FAILURES, period, ("kind", "problem"))
        for (kind, problem), n in failures.items():
            name = f"{labs_stats.KIND_LABELS.get(kind, kind)}: {labs_stats.problem_label(problem)}"
            add(name, "Lab incidents", n if when == "this" else 0, n if when == "last" else 0)
    big = sorted((i for i in issues.values() if i.this >= SMALL), key=lambda i: (-i.this, i.name))
    small = sorted((i for i in issues.values() if i.this < SMALL and (i.this or i.last)), key=lambda i: i.name)
    return big + small


def evidence_summary(span: Span, issues: list[Issue]) -> str:
    """The ready-made answer to IT's "what issues do students face?"."""
    big = [i for i in issues if i.this >= SMALL]
    if not big:
        return (
            f"In {span.period.label} too few technology issues were recorded to report without identifying "
            "anyone (every count was under 5)."
        )
    total = sum(i.this for i in issues)
    top = ", ".join(f"{i.name} ({i.source.lower()}, {i.this:,})" for i in big[:5])
    sentence = (
        f"In {span.period.label}, students brought {total:,} technology issues to the desks, the ticket "
        f"queues and the labs. The most common were {top}."
    )
    if any(i.last >= SMALL and i.this > i.last * 1.2 for i in big):
        sentence += " " + _rising_sentence(span, big)
    return sentence + f" Counts under {SMALL} are shown as “fewer than {SMALL}”."


def _rising_sentence(span: Span, top: list[Issue]) -> str:
    rising = [i for i in top if i.last >= SMALL and i.this > i.last * 1.2]
    if rising:
        return (
            f"Rising since {span.previous.label}: "
            + ", ".join(f"{i.name} ({i.last:,} → {i.this:,})" for i in rising[:3])
            + "."
        )
    return f"No issue rose by more than a fifth since {span.previous.label}."


def tech_dashboard(span: Span, *, labels: dict[str, dict[Any, str]] | None = None) -> Dashboard:
    labels = labels or _labels()
    issues = _issues(span, labels)
    top = [i for i in issues if i.this >= SMALL][:12]
    data = [{"label": f"{i.name}", "n": i.this, "series": span.period.label, "series_no": 0} for i in top]
    chart = Chart(
        key="issues",
        title="Top student technology issues",
        answer=(
            f"{top[0].name} ({top[0].source.lower()}) led with {top[0].this:,} in {span.period.label}."
            if top
            else "No technology issue reached 5 in this period."
        ),
        columns=["Issue", "Source", span.period.label, span.previous.label, "Change"],
        rows=[[i.name, i.source, shown(i.this), shown(i.last), i.change] for i in issues],
        spec=charts.bars(data, x_title="Issues"),
        note=f"From desk questions with an IT category, tickets and lab incidents. Counts under {SMALL} are "
        f"suppressed and listed by name, not ranked.",
    )
    evidence = evidence_summary(span, issues)
    compare_rows = []
    for i in top[:8]:
        compare_rows += [
            {"x": i.name[:28], "y": i.this, "series": span.period.label},
            {"x": i.name[:28], "y": i.last if i.last >= SMALL else 0, "series": span.previous.label},
        ]
    compare = Chart(
        key="compare",
        title="This period against the last",
        answer=_rising_sentence(span, top),
        columns=["Issue", span.period.label, span.previous.label],
        rows=[[i.name, shown(i.this), shown(i.last)] for i in top[:8]],
        spec=charts.grouped_columns(compare_rows, x_title="Issue", y_title="Issues", series_title="Period"),
    )
    return Dashboard("tech", "Student technology issues", span, [chart, compare], evidence)


# --- Equipment --------------------------------------------------------------------------------------


def _months(period: Period) -> list[dt.date]:
    out, month = [], period.first.replace(day=1)
    while month <= period.last:
        out.append(month)
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out


def equipment_dashboard(span: Span, *, user: Any) -> Dashboard:
    from liaison.labs import figures
    from liaison.labs import stats as labs_stats

    period = span.period
    days = max(1, min(period.days, 366 * 5))  # a reliability ranking over at most five years
    devices, models = figures.reliability(user=user, days=days, now=period.end)
    ranked = [m for m in models if m.failures][:10]
    rank = Chart(
        key="models",
        title="Least reliable models",
        answer=(
            f"{ranked[0].label} failed most often per device: {_n(ranked[0].failures, 'failure')} on "
            f"{_n(ranked[0].devices, 'device')}, "
            f"{ranked[0].availability}% available."
            if ranked
            else "No device failed in this period."
        ),
        columns=["Model", "Kind", "Devices", "Failures", "Per device", "Availability %", "MTTR (h)", "MTBF (h)"],
        rows=[
            [
                m.label,
                m.kind_label,
                m.devices,
                m.failures,
                m.failures_per_device,
                m.availability,
                m.mttr_hours,
                m.mtbf_hours,
            ]
            for m in models
        ],
        spec=charts.bars([{"label": m.label, "n": m.failures} for m in ranked], x_title="Failures"),
        note="Availability counts every hour of the period less planned maintenance (labs, ADR 0022).",
    )
    worst = [d for d in devices if d.failures][:10]
    device_chart = Chart(
        key="devices",
        title="Devices, worst first",
        answer=(
            f"{worst[0].key} ({worst[0].room}) was the least reliable device: {worst[0].failures} failures, "
            f"{worst[0].availability}% available."
            if worst
            else "No device failed in this period."
        ),
        columns=["Device", "Lab", "Failures", "Availability %", "Down (h)", "MTTR (h)", "Chronic"],
        rows=[
            [
                d.key,
                d.room,
                d.failures,
                d.availability,
                round(d.down_hours, 1),
                d.mttr_hours,
                "yes" if d.chronic else "",
            ]
            for d in devices[:50]
        ],
        spec=charts.bars([{"label": d.key, "n": d.failures} for d in worst], x_title="Failures"),
    )
    group = ("month",)
    failures = _read(labs_stats.FAILURES, period, group)
    repairs = _read(labs_stats.REPAIRS, period, group)
    months = _months(period)
    trend_rows: list[list[Any]] = []
    data: list[dict[str, Any]] = []
    for month in months:
        f, r = failures.get((month,), 0), repairs.get((month,), 0)
        trend_rows.append([f"{month:%b %Y}", f, r, f - r])
        data += [
            {"x": month.isoformat(), "y": f, "series": "Failures"},
            {"x": month.isoformat(), "y": r, "series": "Repairs"},
        ]
    total_f, total_r = sum(r[1] for r in trend_rows), sum(r[2] for r in trend_rows)
    fleet_hours = sum(d.period_hours - d.planned_hours for d in devices)
    down = sum(d.down_hours for d in devices)
    availability = _pct(fleet_hours - down, fleet_hours)
    trend = Chart(
        key="trend",
        title="Failures and repairs by month",
        answer=(
            f"{total_f:,} failures and {total_r:,} repairs; the fleet was "
            f"{availability if availability is not None else 100:.1f}% available."
        ),
        columns=["Month", "Failures", "Repairs", "Backlog change"],
        rows=trend_rows,
        spec=charts.lines(data, x_title="Month", y_title="Incidents", series_title="")
        if len(months) > 1
        else charts.grouped_columns(
            [{"x": d["x"][:7], "y": d["y"], "series": d["series"]} for d in data],
            x_title="Month",
            y_title="Incidents",
            series_title="",
        ),
    )
    return Dashboard("equipment", "Equipment", span, [rank, device_chart, trend], trend.answer)


# --- Staffing ---------------------------------------------------------------------------------------


def staffing_dashboard(span: Span) -> Dashboard:
    from liaison.staffing import selectors as staffing_selectors
    from liaison.staffing.solver import REASONS

    period = span.period
    end = period.last + dt.timedelta(days=1)
    terms = [t for t in staffing_selectors.term_list() if t.starts_on <= period.last and t.ends_on >= period.first]
    needed: dict[str, int] = defaultdict(int)
    need_at: dict[tuple[int, int, int, int], int] = defaultdict(int)  # (term, point, weekday, hour) → minimum
    point_names: dict[int, str] = {}
    reasons: dict[str, int] = defaultdict(int)
    staffed: dict[tuple[int, dt.date, int], int] = defaultdict(int)
    scheduled_until: dt.date | None = None
    for point, day, start, stop in staffing_selectors.worked_shifts(period.first, end).values_list(
        "service_point_id", "date", "start_hour", "end_hour"
    ):
        scheduled_until = day if scheduled_until is None else max(scheduled_until, day)
        for hour in range(start, stop):
            staffed[(point, day, hour)] += 1
    # Needs count up to the end of the published schedule (or today): days nobody has scheduled
    # yet are not "short", they are not planned.
    horizon = min(period.last, max(timezone.localdate(), scheduled_until or period.first))
    if terms:
        from django.db.models import Q

        term_ids = [t.pk for t in terms]
        need_model = staffing_selectors.needs_for(terms[0]).model  # one query for every term's needs
        needs = need_model.objects.filter(term_id__in=term_ids).filter(~Q(minimum=0))
        weekday_days: dict[tuple[int, int], int] = {}
        for term in terms:
            first, last = max(term.starts_on, period.first), min(term.ends_on, horizon)
            for weekday in range(7):
                weekday_days[(term.pk, weekday)] = _weekdays_between(first, last, weekday)
        for term_id, point, point_name, weekday, hour, minimum in needs.values_list(
            "term_id", "service_point_id", "service_point__name", "weekday", "hour", "minimum"
        ):
            point_names[point] = point_name
            needed[point_name] += minimum * weekday_days.get((term_id, weekday), 0)
            need_at[(term_id, point, weekday, hour)] += minimum  # positions (skills) at one hour add up
        for term in terms[:3]:  # the latest three terms in the period (term_list is newest first)
            try:
                schedule = term.schedule
            except ObjectDoesNotExist:
                continue
            run = staffing_selectors.latest_runs(schedule, limit=1).first()
            for _pos, _d, _h, below_min, _bi, reason in run.result.get("unmet", []) if run else []:
                if below_min:
                    reasons[REASONS.get(reason, reason)] += below_min
    met: dict[str, int] = defaultdict(int)
    for (point, day, hour), n in staffed.items():
        day_term = next((t.pk for t in terms if t.starts_on <= day <= t.ends_on), 0)
        minimum = need_at.get((day_term, point, day.weekday(), hour), 0)
        if minimum and point in point_names:
            met[point_names[point]] += min(n, minimum)
    rows, data = [], []
    for name in sorted(needed):
        need, got = needed[name], met.get(name, 0)
        rows.append([name, need, got, need - got, _pct(got, need)])
        data += [{"x": name, "y": need, "series": "Needed (minimum)"}, {"x": name, "y": got, "series": "Met"}]
    total_need, total_met = sum(needed.values()), sum(met.values())
    coverage = Chart(
        key="coverage",
        title="Coverage met against needs",
        answer=(
            f"{_pct(total_met, total_need):.0f}% of the {total_need:,} worker-hours needed were staffed; "
            f"{_n(total_need - total_met, 'hour')} short."
            if total_need > total_met
            else f"Every one of the {total_need:,} worker-hours needed was staffed."
            if total_need
            else "No coverage needs are set for a term in this period."
        ),
        columns=["Service point", "Hours needed", "Hours met", "Hours short", "% met"],
        rows=rows,
        spec=charts.grouped_columns(data, x_title="Service point", y_title="Worker-hours", series_title=""),
        note="Needed: each need's minimum for every matching day of the period up to today or the end of the "
        "published schedule; met: published shifts, up to the minimum.",
    )
    reason_items = sorted(reasons.items(), key=lambda kv: -kv[1])
    why = Chart(
        key="unmet",
        title="Why hours go unmet",
        answer=(
            f"Most unmet hours in the latest schedule run: “{reason_items[0][0]}” ({reason_items[0][1]} hours a week)."
            if reason_items
            else "The latest schedule runs left no hour below its minimum."
        ),
        columns=["Reason", "Hours a week below minimum"],
        rows=[[r, n] for r, n in reason_items],
        spec=charts.bars([{"label": r, "n": n} for r, n in reason_items], x_title="Hours a week"),
        note="From the solver's explanation of the latest run for each term (hours of a typical week).",
    )
    by_dept = staffing_selectors.payroll_by_department(staffing_selectors.payroll(start=period.first, end=end))
    pay = Chart(
        key="departments",
        title="Hours per paying department",
        answer=(
            ", ".join(f"{dept} paid {hours:,} hours ({people} workers)" for dept, people, hours in by_dept) + "."
            if by_dept
            else "No published shifts were worked in this period."
        ),
        columns=["Paying department", "Workers", "Hours"],
        rows=[[d, p, h] for d, p, h in by_dept],
        spec=charts.bars([{"label": d, "n": h} for d, _p, h in by_dept], x_title="Hours"),
    )
    return Dashboard("staffing", "Staffing", span, [coverage, why, pay], coverage.answer)


def _weekdays_between(first: dt.date, last: dt.date, weekday: int) -> int:
    if last < first:
        return 0
    offset = (weekday - first.weekday()) % 7
    start = first + dt.timedelta(days=offset)
    return 0 if start > last else (last - start).days // 7 + 1


# --- Partnership ------------------------------------------------------------------------------------


def partnership_dashboard(span: Span) -> Dashboard:
    from liaison.partnership import selectors as partnership_selectors

    period = span.period
    balance = partnership_selectors.balance(start=period.first.replace(day=1), end=period.last + dt.timedelta(days=1))
    data, rows = [], []
    for month in balance.months:
        rows.append([f"{month.month:%b %Y}", month.name, month.asks, month.gives, month.give_share])
        if month.give_share is not None:
            data.append({"x": month.month.isoformat(), "y": month.give_share, "series": month.name})
    over_time = Chart(
        key="balance",
        title="Give and take over time",
        answer=(
            " ".join(
                f"Of all {d.name} asked for and gave, {d.give_share:.0f}% was giving."
                for d in balance.departments
                if d.give_share is not None
            )
            or "The ledger holds no entries for this period."
        ),
        text=balance.text_alternative(),
        columns=["Month", "Department", "Asked", "Gave", "Share given %"],
        rows=rows,
        spec=charts.lines(data, x_title="Month", y_title="Share given (%)", series_title="Department", percent=True),
        note="From the partnership ledger; a share above 50% means the department gave more than it asked.",
    )
    kinds = Chart(
        key="kinds",
        title="What was asked and given",
        answer=(
            f"The largest flow: {balance.by_kind[0].summary} — {balance.by_kind[0].label} "
            f"({balance.by_kind[0].count:,})."
            if balance.by_kind
            else "Nothing was asked or given."
        ),
        columns=["Kind", "Who", "Count", "Hours"],
        rows=[[k.label, k.summary, k.count, float(k.hours)] for k in balance.by_kind],
        spec=charts.bars(
            [
                {"label": k.label, "n": k.count, "series": k.summary, "series_no": 0}
                for k in sorted(balance.by_kind, key=lambda k: -k.count)[:12]
            ],
            x_title="Count",
            colour_field="series",
            colour_title="",
        ),
    )
    return Dashboard("partnership", "Partnership", span, [over_time, kinds], over_time.answer)


# --- The director's page ----------------------------------------------------------------------------


def _monthly(period_end: dt.date) -> Chart:
    last = period_end
    first = dt.date(last.year - 1, last.month, 1)
    months = desk_reports.by_month_for_years(period=desk_reports.period_for("custom", first=first, last=last))
    items = sorted(months.items())
    data = [{"x": m.isoformat(), "y": n, "series": "Questions"} for m, n in items]
    answer = "Not enough history to see a direction yet."
    if len(items) >= 6:
        recent, earlier = sum(n for _m, n in items[-3:]), sum(n for _m, n in items[-6:-3])
        answer = (
            f"The last three months had {_change(recent, earlier)} the three before ({recent:,} against {earlier:,})."
        )
    return Chart(
        key="direction",
        title="Where is this going: questions per month",
        answer=answer,
        columns=["Month", "Questions"],
        rows=[[f"{m:%b %Y}", n] for m, n in items],
        spec=charts.lines(data, x_title="Month", y_title="Questions"),
    )


def director_dashboard(span: Span, *, user: Any) -> Dashboard:
    labels = _labels()
    desk = desk_dashboard(span, labels=labels)
    tech = tech_dashboard(span, labels=labels)
    equipment = equipment_dashboard(span, user=user)
    staffing = staffing_dashboard(span)
    busy = desk.chart("heatmap")
    busy = Chart(
        key="busy",
        title="How busy",
        answer=desk.summary + " " + busy.answer,
        text=busy.text,
        columns=busy.columns,
        rows=busy.rows,
        spec=busy.spec,
        note=busy.note,
    )
    questions = [
        busy,
        _retitle(desk.chart("effort"), "hard", "How hard"),
        _retitle(equipment.chart("models"), "breaks", "What breaks"),
        _retitle(tech.chart("issues"), "struggle", "What students struggle with"),
        _retitle(staffing.chart("coverage"), "covered", "Are we covered"),
        _monthly(span.period.last),
    ]
    return Dashboard("director", "Insights", span, questions, desk.summary)


def _retitle(chart: Chart, key: str, title: str) -> Chart:
    return Chart(
        key=key,
        title=title,
        answer=chart.answer,
        text=chart.text,
        columns=chart.columns,
        rows=chart.rows,
        spec=chart.spec,
        note=chart.note,
    )


# --- Access and dispatch ------------------------------------------------------------------------------

DASHBOARDS = {
    "director": "Overview",
    "desk": "Desk",
    "tech": "Student technology issues",
    "equipment": "Equipment",
    "staffing": "Staffing",
    "partnership": "Partnership",
}


def dashboard_for_user(*, user: Any, key: str, span: Span) -> Dashboard:
    """The dashboard `key` for the span, if `user` may see insights (PermissionDenied if not)."""
    if not policy.can_view_insights(user):
        raise PermissionDenied("Your role does not show insights.")
    return dashboard_build(key=key, span=span, user=user)


def dashboard_build(*, key: str, span: Span, user: Any) -> Dashboard:
    """Build without an access check: for the scheduled-report job (the recipients were chosen
    by a supervisor) and for callers that checked already."""
    if key not in DASHBOARDS:
        raise reject("dashboard", f"Choose one of: {', '.join(DASHBOARDS)}.", code="insights.dashboard_unknown")
    if key == "desk":
        return desk_dashboard(span)
    if key == "tech":
        return tech_dashboard(span)
    if key == "equipment":
        return equipment_dashboard(span, user=user)
    if key == "staffing":
        return staffing_dashboard(span)
    if key == "partnership":
        return partnership_dashboard(span)
    return director_dashboard(span, user=user)


def demand_url() -> str | None:
    """The demand and forecasts page, when that app is installed."""
    try:
        return reverse("demand:overview")
    except NoReverseMatch:
        return None


def data_ready_until() -> dt.datetime | None:
    """How far every desk count table is filled (a scheduled report waits for its period)."""
    filled = [counts._filled_until(stat) for stat in desk_stats.ALL]
    return None if any(f is None for f in filled) else min(f for f in filled if f is not None)


# --- Scheduled reports --------------------------------------------------------------------------------


def scheduled_reports_for_user(*, user: Any):
    from liaison.insights.models import ScheduledReport

    if not policy.can_view_insights(user):
        return ScheduledReport.objects.none()
    return ScheduledReport.objects.select_related("created_by").prefetch_related("deliveries")


def scheduled_report_get_for_user(*, user: Any, report_id: int | str, for_edit: bool = False):
    """A scheduled report: 404 for a made-up id or a role that does not see insights; 403 when
    `for_edit` and the person may see but not change schedules."""
    from django.http import Http404

    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        raise Http404("No such report.") from None
    report = scheduled_reports_for_user(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report.")
    if for_edit and not policy.can_schedule_reports(user):
        raise PermissionDenied("Only supervisors change scheduled reports.")
    return report
