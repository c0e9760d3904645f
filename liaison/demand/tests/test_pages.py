"""The demand page: figures, the forecast with its band, "when will the labs be full?", the
downloads, and who may see it."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core.cache import cache

from liaison.core.roles import Role
from liaison.demand import forecast as fc
from liaison.demand import services
from liaison.demand.models import Observation
from liaison.demand.periods import add_months
from liaison.places.models import Building, Room

pytestmark = pytest.mark.django_db


def months_back(n: int) -> list[dt.date]:
    last = add_months(dt.date.today().replace(day=1), -1)
    return [add_months(last, -i) for i in range(n - 1, -1, -1)]


def put(measure: str, place: str, figures: list[tuple[dt.date, float]], room=None):
    from decimal import Decimal

    from django.utils import timezone

    zone = timezone.get_current_timezone()
    rows = [
        services.ObservationRow(
            measure=measure, place_name=place, place_key=place.casefold(), service_point_id=None,
            room_id=room.pk if room else None,
            start=dt.datetime.combine(m, dt.time(0), zone), end=dt.datetime.combine(add_months(m, 1), dt.time(0), zone),
            grain="month", value=Decimal(str(round(v))),
        )
        for m, v in figures
    ]  # fmt: skip
    services.observations_import(actor=None, rows=rows)


def seasonal(n: int, base=1000.0, growth=0.0):
    return [
        (m, base * (1 + growth) ** (i / 12) * (1 + 0.4 * math.sin(2 * math.pi * m.month / 12)))
        for i, m in enumerate(months_back(n))
    ]


def test_the_forecast_has_a_band_and_a_text_alternative(client_as):
    put("visits", "City", seasonal(48))
    page = client_as(Role.LIBRARY_STAFF).get("/demand/?measure=visits").content.decode()
    assert '<img src="data:image/svg+xml;base64,' in page
    assert "80% prediction interval" in page and 'id="forecast-table"' in page
    assert "Forecast for the next 12 months" in page  # the text alternative says the forecast in words
    assert "next term is" in page


def test_too_little_history_says_so_instead_of_forecasting(client_as):
    put("visits", "City", seasonal(10))
    page = client_as(Role.LIBRARY_STAFF).get("/demand/?measure=visits").content.decode()
    assert "Too little history for a seasonal forecast: 10 month(s)" in page
    assert 'id="forecast-table"' not in page


def test_when_will_the_labs_be_full(client_as):
    building = Building.objects.create(code="lib", name="Library")
    small = Room.objects.create(building=building, name="Media Lab", kind=Room.Kind.LAB, capacity=20)
    big = Room.objects.create(building=building, name="Big Lab", kind=Room.Kind.LAB, capacity=200)
    put("headcount", "Media Lab", seasonal(48, base=14, growth=0.12), room=small)
    put("headcount", "Big Lab", seasonal(48, base=40), room=big)
    page = client_as(Role.SUPERVISOR).get("/demand/").content.decode()
    assert "Media Lab is expected to be full at peak in" in page or "Media Lab is not expected to fill" in page
    assert "Big Lab will not be full at peak within the horizon" in page


def test_when_full_reads_the_forecast_against_the_seats():
    history = seasonal(36, base=10)
    months = [fc.ForecastMonth(add_months(history[-1][0], i), 10 + i, 8 + i, 13 + i) for i in range(1, 13)]
    f = fc.Forecast(months=months, history_months=36)
    answer = fc.when_full("Lab", 15, history, f)
    assert answer.expected_full == months[4].month and answer.may_be_full == months[1].month
    assert fc.when_full("Lab", 40, history, f).sentence.startswith("Lab will not be full at peak within the horizon")
    assert "seat count is not recorded" in fc.when_full("Lab", None, history, f).sentence


def test_the_forecast_is_statsmodels_and_covers_a_gap():
    history = seasonal(60, base=500, growth=0.05)
    del history[20:29]  # a closure: nine months missing
    result = fc.seasonal_forecast(history)
    assert result.ok and len(result.months) == 12
    assert all(m.low <= m.mean <= m.high for m in result.months)
    assert result.months[0].month == add_months(history[-1][0], 1)


def test_downloads_are_csv_and_xlsx_with_the_forecast(client_as):
    put("visits", "=City", seasonal(30))
    client = client_as(Role.IT_STAFF)
    csv = client.get("/demand/export/?measure=visits&format=csv").content.decode()
    lines = csv.splitlines()
    assert lines[0].lstrip("\ufeff") == "month,measure,place,figure,kind,low (80%),high (80%)"
    assert any(",forecast," in line for line in lines) and any(",recorded," in line for line in lines)
    xlsx = client.get("/demand/export/?measure=visits&place=%3Dcity&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert b"'=city" in xlsx.content or xlsx.status_code == 200


def test_students_do_not_see_the_demand_page(client_as):
    assert client_as(Role.STUDENT_WORKER).get("/demand/").status_code == 403
    assert client_as(Role.STUDENT_WORKER).get("/demand/export/").status_code == 403


@pytest.mark.parametrize(
    "query", ["years=99999", "years=-1", "measure=bogus&place=nowhere", "place=" + "x" * 500, "years=30"]
)
def test_odd_questions_never_break_the_page(client_as, query):
    put("visits", "City", seasonal(30))
    assert client_as(Role.SUPERVISOR).get(f"/demand/?{query}").status_code == 200


def test_no_figures_yet_points_to_imports(client_as):
    cache.clear()
    page = client_as(Role.SUPERVISOR).get("/demand/").content.decode()
    assert "No figures yet" in page and Observation.objects.count() == 0


def test_the_api_gives_the_same_figures_and_forecast(client_as):
    put("visits", "City", seasonal(30))
    client = client_as(Role.LIBRARY_STAFF)
    series = client.get("/api/v1/demand/series").json()
    assert series["count"] == 1 and series["results"][0]["place"] == "City"
    body = client.get("/api/v1/demand/figures?measure=visits").json()
    assert len(body["months"]) == 30 and len(body["forecast"]) == 12 and body["forecast_level"] == 0.8
    assert client.get("/api/v1/demand/figures?measure=nothing").status_code == 404
    assert client.get("/api/v1/demand/calibration").status_code == 404
    assert client_as(Role.STUDENT_WORKER).get("/api/v1/demand/series").status_code == 403


def test_next_term_is_the_registrars_when_known(client_as):
    from liaison.software.models import Term

    put("visits", "City", seasonal(30))
    start = add_months(dt.date.today().replace(day=1), 2)
    Term.objects.create(name="Winterim", slug="winterim", starts_on=start.replace(day=4),
                        ends_on=add_months(start, 1).replace(day=20), needs_deadline=start.replace(day=1))  # fmt: skip
    page = client_as(Role.SUPERVISOR).get("/demand/?measure=visits").content.decode()
    assert "next term is Winterim" in page
    assert page.count('<td data-label="Term">Winterim</td>') == 2


def test_the_hourly_task_fits_what_the_page_shows(django_assert_max_num_queries):
    from liaison.demand import selectors

    put("visits", "City", seasonal(30))
    put("headcount", "Lab A", seasonal(30, base=10))
    assert selectors.forecasts_warm() == 3  # visits, headcount (all places), Lab A
    history = selectors.monthly_figures(measure="visits")
    with django_assert_max_num_queries(0):
        assert selectors.cached_forecast(measure="visits", place_key="", history=history).ok
