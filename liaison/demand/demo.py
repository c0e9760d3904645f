"""Demo data for demand: four years of monthly history, imported through the imports app as a
library would (a wide table of visits per desk, long files of lab peak headcounts, Wi-Fi
sessions and printer pages, two weeks of hourly headcounts), and a READ calibration round for
last month with ratings from the desk staff. Idempotent: a second run imports nothing new
(the import's identity) and keeps the round."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable

from django.http import Http404
from django.utils import timezone

from liaison.accounts.selectors import user_get_by_username
from liaison.demand import selectors, services
from liaison.demand.models import CalibrationRound
from liaison.demand.periods import add_months
from liaison.imports import services as import_services
from liaison.imports.mapping import Mapping
from liaison.imports.parsing import WIDE_PERIOD, WIDE_VALUE
from liaison.places import selectors as places_selectors

YEARS = 4
# Busy in term (Sep–Nov, Feb–Apr), quiet in summer and over the winter break.
SEASON = {1: 0.8, 2: 1.05, 3: 1.1, 4: 1.05, 5: 0.75, 6: 0.45, 7: 0.4, 8: 0.55, 9: 1.15, 10: 1.2, 11: 1.1, 12: 0.7}


def _months(today: dt.date) -> list[dt.date]:
    last = add_months(today.replace(day=1), -1)
    return [add_months(last, -i) for i in range(YEARS * 12 - 1, -1, -1)]


def _figure(rng: random.Random, base: float, month: dt.date, index: int, growth: float) -> int:
    trend = base * (1 + growth) ** (index / 12)
    return max(0, round(trend * SEASON[month.month] * (1 + rng.gauss(0, 0.05))))


def seed_demand(log: Callable[[str], None]) -> dict[str, int]:
    rng = random.Random(2026)  # noqa: S311 - demo figures, not secrets
    today = timezone.localdate()
    months = _months(today)
    supervisor = user_get_by_username(username="supervisor")
    points = [p.name for p in places_selectors.service_point_choices() if p.kind in ("desk", "lab_desk")][:3]
    labs = list(places_selectors.lab_list())
    created = 0

    # Visits per desk: a wide table, one column per month, headers as a spreadsheet writes them.
    header = ["Library", *[m.strftime("%b-%y") for m in months]]
    lines = [",".join(header)]
    for n, name in enumerate(points):
        base = [5200, 2100, 1300][n % 3]
        lines.append(",".join([f'"{name}"', *[f'"{_figure(rng, base, m, i, 0.04):,}"' for i, m in enumerate(months)]]))
    created += _import(supervisor, "visits-by-month.csv", "\n".join(lines), Mapping(
        columns={"place": ["Library"], "period": [WIDE_PERIOD], "value": [WIDE_VALUE]},
        constants={"measure": "visits"}, wide={"keep": ["Library"]},
    ))  # fmt: skip

    # Lab peak headcounts per month (ISO intervals), Wi-Fi sessions and printer pages.
    rows = ["place,measure,period,figure"]
    for n, lab in enumerate(labs):
        seats = lab.capacity or 20
        start_share, growth = [(0.62, 0.10), (0.55, 0.03), (0.45, 0.0)][n % 3]
        for i, m in enumerate(months):
            peak = seats * start_share * (1 + growth) ** (i / 12) * (0.55 + 0.45 * SEASON[m.month] / 1.2)
            rows.append(f'"{lab.name}",headcount,{m:%Y-%m-%d}/P1M,{min(seats, round(peak + rng.gauss(0, 1)))}')
    for i, m in enumerate(months):
        rows.append(f"Campus Wi-Fi,wifi_sessions,{m:%Y-%m},{_figure(rng, 41000, m, i, 0.08)}")
        rows.append(f"Learning Commons printers,printer_pages,{m:%Y-%m},{_figure(rng, 52000, m, i, -0.03)}")
    created += _import(supervisor, "lab-peaks-wifi-printing.csv", "\n".join(rows), Mapping(
        columns={"place": ["place"], "measure": ["measure"], "period": ["period"], "value": ["figure"]},
    ))  # fmt: skip

    # Two weeks of hourly headcounts in the busiest lab, in local time (DST handled on the way in).
    if labs:
        hourly = ["Lab,Hour,Count"]
        lab = labs[0]
        for day in range(14, 0, -1):
            date = today - dt.timedelta(days=day)
            if date.weekday() >= 5:
                continue
            for hour in range(8, 22):
                shape = math.exp(-((hour - 13.5) ** 2) / 12)
                count = round((lab.capacity or 20) * 0.7 * shape + rng.gauss(0, 1.5))
                hourly.append(f'"{lab.name}",{date:%Y-%m-%d} {hour:02d}:00,{max(0, min(count, lab.capacity or 20))}')
        created += _import(supervisor, "hourly-headcounts.csv", "\n".join(hourly), Mapping(
            columns={"place": ["Lab"], "period": ["Hour"], "value": ["Count"]}, constants={"measure": "headcount"},
        ))  # fmt: skip

    rated = _calibration(rng, supervisor, today)
    log(f"demand: {created} figures imported, {rated} calibration ratings")
    return {"demand figures": created, "calibration ratings": rated}


def _import(actor, name: str, text: str, mapping: Mapping) -> int:
    _run, result = import_services.import_file(
        actor=actor, importer_key="demand_history", file_name=name, content=text.encode(), mapping=mapping,
        via="command",
    )  # fmt: skip
    if result.rejections:
        raise RuntimeError(f"demand demo import {name} rejected rows: {result.rejections[:3]}")
    return result.rows_new


def _calibration(rng: random.Random, supervisor, today: dt.date) -> int:
    month = today.replace(day=1)
    round = CalibrationRound.objects.filter(month=month).first()
    if round is None:
        try:
            round = services.calibration_round_start(actor=supervisor, month=month, size=24)
        except Exception:  # no desk questions last month in this database: no round
            return 0
    rated = 0
    # The supervisor rates a few and leaves the rest, so the demo shows a question to rate. IT
    # staff and the student rate the harder questions (level 3 and up) lower than they were
    # logged: the drift the report is there to show.
    for username, drift, limit in (
        ("supervisor", 0.0, 6),
        ("library", 0.2, 99),
        ("it", -0.6, 99),
        ("student", -1.2, 99),
    ):
        try:
            rater = user_get_by_username(username=username)
        except Http404:
            continue
        while True:
            question, done, _total = selectors.calibration_progress(user=rater, round=round)
            if question is None or done >= limit:
                break
            item = selectors.calibration_item_get_for_rater(user=rater, round=round, item_id=question.item_id)
            original = item.interaction.read_level
            shift = drift if original >= 3 else 0.0
            level = min(6, max(1, round_half(original + shift + rng.gauss(0, 0.5))))
            _rating, made = services.calibration_rate(actor=rater, item=item, level=level)
            rated += made
    return rated


def round_half(value: float) -> int:
    return math.floor(value + 0.5)
