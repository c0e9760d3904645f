"""Pages: the demand page (figures, forecast, labs), READ calibration rating and its report.
Thin: parse, call a selector or service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import roles
from liaison.core.adapters import message_and_redirect
from liaison.core.exports import csv_response, xlsx_response
from liaison.demand import charts, policy, selectors, services
from liaison.demand.forms import DemandForm, RateForm, RoundForm
from liaison.demand.models import SUMMED, Measure

PREFERRED = [Measure.VISITS, Measure.HEADCOUNT, Measure.ENQUIRIES, Measure.COMPUTER_SESSIONS]


def _choice(request):
    """The measure, place and years asked for, falling back to what there is."""
    form = DemandForm(request.GET or None)
    available = selectors.measures_available()
    codes = [m.code for m in available]
    measure, place, years = "", "", 5
    if form.is_bound and form.is_valid():
        measure = form.cleaned_data["measure"] or ""
        place = (form.cleaned_data["place"] or "").strip().casefold()
        years = form.cleaned_data["years"] or 5
    if measure not in codes:
        measure = next((m for m in PREFERRED if m in codes), codes[0] if codes else "")
    places = selectors.series_list(measure=measure) if measure else []
    if place and place not in {s.place_key for s in places}:
        place = ""
    return form, available, measure, place, years, places


def _figures(measure: str, place: str, years: int):
    history = selectors.monthly_figures(measure=measure, place_key=place) if measure else []
    forecast = selectors.cached_forecast(measure=measure, place_key=place, history=history)
    shown = history
    if history:
        cutoff = history[-1][0].replace(year=max(history[-1][0].year - years, 1900))
        shown = [(m, v) for m, v in history if m > cutoff]
    return history, shown, forecast


def _text_alternative(label: str, where: str, shown, forecast) -> str:
    if not shown:
        return f"No {label.lower()} figures have been imported yet."
    peak = max(shown, key=lambda p: p[1])
    text = (
        f"{label}, {where}, monthly from {shown[0][0]:%B %Y} to {shown[-1][0]:%B %Y}: highest {peak[1]:,.0f} in "
        f"{peak[0]:%B %Y}, latest {shown[-1][1]:,.0f} in {shown[-1][0]:%B %Y}."
    )
    if forecast.ok:
        first, last = forecast.months[0], forecast.months[-1]
        high = max(forecast.months, key=lambda f: f.mean)
        text += (
            f" Forecast for the next {len(forecast.months)} months: {first.mean:,.0f} in {first.month:%B %Y} "
            f"(likely {first.low:,.0f} to {first.high:,.0f}), highest {high.mean:,.0f} in {high.month:%B %Y}, "
            f"{last.mean:,.0f} in {last.month:%B %Y} (likely {last.low:,.0f} to {last.high:,.0f})."
        )
    else:
        text += f" No forecast: {forecast.reason}"
    return text


@roles(*policy.REPORT_ROLES)
@require_GET
def overview(request):
    form, available, measure, place, years, places = _choice(request)
    history, shown, forecast = _figures(measure, place, years)
    label = Measure(measure).label if measure else "Figures"
    where = next((s.place_name for s in places if s.place_key == place), "all places") if place else "all places"
    summed = measure in SUMMED
    term_name, term_months = selectors.next_term(history[-1][0]) if history else ("", [])
    term_rows = [f for f in forecast.months if f.month in term_months]
    text = _text_alternative(label, where, shown, forecast)
    chart = (
        charts.history_chart(title=f"{label}, {where}", unit=label, history=shown, forecast=forecast)
        if shown
        else {"src": ""}
    )
    context = {
        "form": form, "available": available, "measure": measure, "label": label, "place": place, "where": where,
        "places": places, "years": years, "shown": list(reversed(shown))[:36], "shown_count": len(shown),
        "forecast": forecast, "chart": chart, "text_alternative": text, "summed": summed,
        "terms": list(reversed(selectors.by_term(shown, summed=summed)))[:9],
        "term_name": term_name, "term_rows": term_rows,
        "full": selectors.labs_full(), "labs_now": selectors.labs_now(),
        "printers": selectors.printer_pages_recent(),
        "query": request.GET.urlencode(),
    }  # fmt: skip
    return render(request, "demand/overview.html", context)


@roles(*policy.REPORT_ROLES)
@require_GET
def export(request):
    _form, _available, measure, place, years, _places = _choice(request)
    _history, shown, forecast = _figures(measure, place, years)
    label = Measure(measure).label if measure else "figures"
    rows: list[list] = [["month", "measure", "place", "figure", "kind", "low (80%)", "high (80%)"]]
    rows += [[m.isoformat()[:7], label, place or "all places", round(v, 2), "recorded", "", ""] for m, v in shown]
    rows += [
        [f.month.isoformat()[:7], label, place or "all places", round(f.mean, 2), "forecast", round(f.low, 2),
         round(f.high, 2)]
        for f in forecast.months
    ]  # fmt: skip
    name = f"demand-{measure or 'none'}-{place or 'all'}"
    if request.GET.get("format") == "xlsx":
        return xlsx_response([(label, rows)], filename=name)
    return csv_response(rows, filename=name)


# --- READ calibration --------------------------------------------------------------------------


@roles(*policy.RATE_ROLES)
@require_http_methods(["GET", "POST"])
def calibration_rate(request):
    round = selectors.calibration_round_current()
    form = RateForm()
    if round is not None and request.method == "POST":
        form = RateForm(request.POST)
        if form.is_valid():
            item = selectors.calibration_item_get_for_rater(
                user=request.user, round=round, item_id=form.cleaned_data["item"]
            )
            try:
                _rating, created = services.calibration_rate(
                    actor=request.user, item=item, level=form.cleaned_data["level"]
                )
            except ValidationError as exc:
                return message_and_redirect(request, exc, "demand:calibration_rate")
            if created:
                messages.success(request, f"Question {item.position} rated.")
            else:
                messages.info(request, f"You had rated question {item.position} already; your first rating stands.")
            return redirect("demand:calibration_rate")
    question, done, total = (None, 0, 0)
    if round is not None:
        question, done, total = selectors.calibration_progress(user=request.user, round=round)
        if question is not None and not form.is_bound:
            form = RateForm(initial={"item": question.item_id})
    context = {"round": round, "question": question, "done": done, "total": total, "form": form,
               "may_report": policy.can_view_calibration_report(request.user)}  # fmt: skip
    return render(request, "demand/calibration_rate.html", context)


def _round_from(request):
    text = (request.GET.get("month") or "").strip()
    if text:
        try:
            month = dt.datetime.strptime(text[:7], "%Y-%m").date()
        except ValueError:
            month = None
        if month is not None and 1900 <= month.year <= 2100:
            return selectors.calibration_round_for_month(month=month)
    return selectors.calibration_round_current()


@roles(*policy.REPORT_ROLES)
@require_GET
def calibration_report(request):
    round = _round_from(request)
    report = selectors.calibration_agreement(round=round) if round else None
    context = {
        "round": round, "report": report, "rounds": selectors.calibration_round_list(),
        "may_start": policy.can_start_round(request.user),
        "round_form": RoundForm(initial={"month": dt.date.today().strftime("%Y-%m"), "size": 20}),
    }  # fmt: skip
    return render(request, "demand/calibration_report.html", context)


@roles(*policy.REPORT_ROLES)
@require_GET
def calibration_export(request):
    round = _round_from(request)
    rows: list[list] = [["group", "by", "pairs", "exact %", "within one %", "weighted kappa", "mean original",
                         "mean re-rated"]]  # fmt: skip
    if round is not None:
        report = selectors.calibration_agreement(round=round)
        for by, groups in (("all", [report.overall]), ("desk", report.by_desk), ("level", report.by_level)):
            for g in groups:
                rows.append([g.label, by, g.pairs, g.exact_pct, g.within_one_pct, g.kappa,
                             round_or_none(g.mean_original), round_or_none(g.mean_rated)])  # fmt: skip
    name = f"read-calibration-{round.month:%Y-%m}" if round else "read-calibration"
    if request.GET.get("format") == "xlsx":
        return xlsx_response([("Agreement", rows)], filename=name)
    return csv_response(rows, filename=name)


def round_or_none(value):
    return None if value is None else round(value, 2)


@roles(*policy.ROUND_ROLES)
@require_POST
def calibration_start(request):
    form = RoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the month as YYYY-MM and a number of questions from 1 to 200.")
        return redirect("demand:calibration_report")
    try:
        round = services.calibration_round_start(
            actor=request.user, month=form.cleaned_data["month"], size=form.cleaned_data["size"]
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, "demand:calibration_report")
    except PermissionDenied:
        raise
    messages.success(request, f"The round for {round.month:%B %Y} has {round.sample_size} questions to rate.")
    return redirect(f"/demand/calibration/report/?month={round.month:%Y-%m}")
