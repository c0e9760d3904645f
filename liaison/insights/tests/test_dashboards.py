"""What a director, a librarian or IT staff notices on the insights pages: the heatmap holds the
known counts in campus hours (also across DST changes), small counts are suppressed, exports
open safely, bad periods get a 400 naming the field, students are refused, and the number of
queries does not grow with the data."""

import datetime as dt
import io
import uuid
import zoneinfo

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from liaison.core import counts
from liaison.core.roles import Role
from liaison.desk import services as desk_services
from liaison.desk import stats as desk_stats
from liaison.desk.models import TechCategory
from liaison.insights import periods, selectors

pytestmark = pytest.mark.django_db
NY = zoneinfo.ZoneInfo("America/New_York")


def _log(user, point, when, *, kind="research", level=3, mode="in_person", category=None):
    desk_services.interaction_log(
        actor=user, service_point=point, kind=kind, read_level=level, mode=mode, client_id=uuid.uuid4(),
        occurred_at=when.isoformat(), tech_category=category,
    )  # fmt: skip


def _at(day: dt.date, hour: int, minute: int = 15) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NY)


def _fill(after: dt.datetime) -> None:
    for stat in counts.registered().values():
        if isinstance(stat, counts.CountStat):
            counts.fill(stat, now=after)


def _span(first: dt.date, last: dt.date):
    return periods.resolve("custom", first=first, last=last)


@pytest.fixture
def staff(users):
    return users[Role.LIBRARY_STAFF]


def test_heatmap_cells_equal_the_known_counts(staff, joint_desk):
    monday = dt.date(2026, 10, 5)
    for _ in range(3):
        _log(staff, joint_desk, _at(monday, 11))
    _log(staff, joint_desk, _at(monday + dt.timedelta(days=1), 14))
    span = _span(monday, monday + dt.timedelta(days=6))
    for filled in (False, True):  # the same figures counted live and from the count tables
        if filled:
            _fill(_at(monday + dt.timedelta(days=30), 0))
        chart = selectors.desk_dashboard(span).chart("heatmap")
        columns = chart.columns
        monday_row = next(r for r in chart.rows if r[1] == "Monday")
        tuesday_row = next(r for r in chart.rows if r[1] == "Tuesday")
        assert monday_row[columns.index("11:00")] == 3
        assert tuesday_row[columns.index("14:00")] == 1
        assert monday_row[-1] == 3 and tuesday_row[-1] == 1
        assert "Monday 11:00–12:00" in chart.answer


@override_settings(TIME_ZONE="America/New_York")
@pytest.mark.parametrize(
    "before, after",
    [
        (dt.date(2026, 3, 7), dt.date(2026, 3, 9)),  # spring forward on Sunday 8 March
        (dt.date(2026, 10, 31), dt.date(2026, 11, 2)),  # fall back on Sunday 1 November
    ],
)
def test_a_heatmap_hour_does_not_shift_at_a_dst_change(staff, joint_desk, before, after):
    for day in (before, after):
        _log(staff, joint_desk, _at(day, 10))
    # The change day itself: 10:15 local is after the change in both cases.
    change_day = before + dt.timedelta(days=1)
    _log(staff, joint_desk, _at(change_day, 10))
    _fill(_at(after + dt.timedelta(days=20), 0))
    chart = selectors.desk_dashboard(_span(before, after)).chart("heatmap")
    assert chart.columns[2:-1] == ["10:00"]  # every entry in the 10:00 column, none at 09:00 or 11:00
    assert sum(r[-1] for r in chart.rows) == 3


def test_technology_issues_suppress_small_counts_and_write_a_summary(staff, joint_desk):
    printing = TechCategory.objects.get(slug="printing")
    wifi = TechCategory.objects.get(slug="wifi-network")
    day = dt.date(2026, 10, 6)
    for i in range(7):
        _log(staff, joint_desk, _at(day, 9 + i % 5), kind="technology", category=printing)
    for _ in range(2):
        _log(staff, joint_desk, _at(day, 15), kind="technology", category=wifi)
    for _ in range(5):  # the month before (the comparison period of a custom October)
        _log(staff, joint_desk, _at(dt.date(2026, 9, 15), 10), kind="technology", category=printing)
    board = selectors.tech_dashboard(_span(dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    rows = {r[0]: r for r in board.chart("issues").rows}
    assert rows["Printing"][2:] == ["7", "5", "+2"]
    assert rows["Wi-Fi/network"][2] == "fewer than 5"
    assert "Printing" in board.summary and "Wi-Fi" not in board.summary
    assert "fewer than 5" in board.summary
    assert "Rising since" in board.summary and "Printing (5 → 7)" in board.chart("compare").answer


def test_an_empty_period_shows_every_dashboard_with_words_not_errors(client_as):
    client = client_as(Role.SUPERVISOR)
    for url in ["/insights/", *(f"/insights/{k}/" for k in selectors.DASHBOARDS if k != "director")]:
        response = client.get(url + "?period=custom&first=2001-01-01&last=2001-01-31")
        assert response.status_code == 200, url
    assert "No questions were logged in this period." in client.get("/insights/desk/").content.decode()


@pytest.mark.parametrize(
    "query, field",
    [
        ("period=fortnight", "period"),
        ("period=custom&first=2026-02-30&last=2026-03-01", "first"),
        ("period=custom&first=2026-03-01", "last"),
        ("period=custom&first=2026-03-01&last=2026-02-01", "last"),
        ("period=custom&first=1950-01-01&last=2026-01-01", "last"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_field(client_as, query, field):
    client = client_as(Role.IT_STAFF)
    page = client.get(f"/insights/desk/?{query}")
    assert page.status_code == 400
    assert f"<strong>{field}</strong>" in page.content.decode()
    api = client.get(f"/api/v1/insights/desk?{query}")
    assert api.status_code == 400
    assert api.json()["errors"][0]["field"] == field


def test_thirty_years_answers_from_the_count_tables(client_as, staff, joint_desk):
    _log(staff, joint_desk, _at(dt.date(1998, 5, 4), 13))
    _log(staff, joint_desk, _at(dt.date(2025, 5, 5), 13))
    _fill(timezone.now())
    client = client_as(Role.SUPERVISOR)
    response = client.get("/api/v1/insights/desk?period=custom&first=1996-06-01&last=2026-05-31")
    assert response.status_code == 200
    heat = next(c for c in response.json()["charts"] if c["key"] == "heatmap")
    assert sum(r[-1] for r in heat["rows"]) == 2


def test_student_workers_and_visitors_are_refused(client, client_as):
    assert client.get("/insights/").status_code in (302, 403)
    student = client_as(Role.STUDENT_WORKER)
    assert student.get("/insights/").status_code == 403
    assert student.get("/insights/desk/heatmap.csv").status_code == 403
    assert student.get("/api/v1/insights/desk").status_code == 403


def test_exports_neutralise_formula_like_names(client_as, staff, departments):
    from liaison.places.models import ServicePoint

    evil = ServicePoint.objects.create(name='=HYPERLINK("http://x")', slug="evil", kind=ServicePoint.Kind.DESK)
    day = timezone.localdate() - dt.timedelta(days=1)
    _log(staff, evil, dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone()))
    client = client_as(Role.LIBRARY_STAFF)
    query = f"period=custom&first={day:%Y-%m-%d}&last={day:%Y-%m-%d}"
    csv = client.get(f"/insights/desk/heatmap.csv?{query}").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    workbook = load_workbook(io.BytesIO(client.get(f"/insights/desk/export.xlsx?{query}").content))
    values = [c.value for sheet in workbook for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert not any(v.startswith("=") for v in values)
    pdf = client.get(f"/insights/desk/export.pdf?{query}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_every_chart_has_a_table_downloads_and_a_text_alternative(client_as, staff, joint_desk):
    _log(staff, joint_desk, timezone.now() - dt.timedelta(hours=2))
    page = client_as(Role.SUPERVISOR).get("/insights/desk/?period=this_month").content.decode()
    assert page.count('class="insights-chart card"') == 6
    assert page.count('<details class="insights-table">') == 6
    assert page.count(".csv?") == 6 and page.count(".xlsx?") >= 6
    assert 'alt="The busiest hour was' in page
    assert "<script>" not in page and " style=" not in page  # the CSP allows neither


def _seed(staff, point, n):
    printing = TechCategory.objects.get(slug="printing")
    start = timezone.now() - dt.timedelta(days=20)
    for i in range(n):
        _log(staff, point, start + dt.timedelta(hours=7 * i), kind="technology", category=printing, level=1 + i % 6)


@pytest.mark.parametrize("key", ["desk", "tech", "equipment", "staffing", "partnership", "director"])
def test_queries_do_not_grow_with_the_data(client_as, staff, joint_desk, django_assert_max_num_queries, key):
    client = client_as(Role.SUPERVISOR)
    url = "/insights/" if key == "director" else f"/insights/{key}/"
    _seed(staff, joint_desk, 3)
    limit = {"director": 70}.get(key, 35)
    with django_assert_max_num_queries(limit):
        assert client.get(url + "?period=this_month").status_code == 200
    _seed(staff, joint_desk, 40)
    with django_assert_max_num_queries(limit):
        assert client.get(url + "?period=this_month").status_code == 200


def test_the_api_returns_the_page_figures(client_as, staff, joint_desk):
    _log(staff, joint_desk, timezone.now() - dt.timedelta(hours=3), mode="chat")
    data = client_as(Role.IT_STAFF).get("/api/v1/insights/desk?period=this_month").json()
    modes = next(c for c in data["charts"] if c["key"] == "modes")
    assert modes["rows"][0][:2] == ["Chat", 1]
    assert data["period"]["first"].endswith("-01")


def test_desk_stats_include_the_category_by_level_table():
    assert desk_stats.BY_POINT_CATEGORY_LEVEL in desk_stats.ALL


def test_a_term_is_compared_with_the_teaching_term_before_not_the_summer():
    fall = periods.resolve("this_term", today=dt.date(2026, 10, 1))
    assert fall.period.label == "Fall 2026" and fall.previous.label == "Spring 2026"
    spring = periods.resolve("this_term", today=dt.date(2026, 3, 1))
    assert spring.previous.label == "Fall 2025"
    month = periods.resolve("last_month", today=dt.date(2026, 3, 10))
    assert (month.period.first, month.previous.first) == (dt.date(2026, 2, 1), dt.date(2026, 1, 1))
    # A termly scheduled report still sends the summer that just ended.
    assert periods.last_complete("term", today=dt.date(2026, 9, 1)).label == "Summer 2026"
