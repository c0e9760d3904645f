"""Desk statistics out: last month's figures by service point and READ level, a cross-table,
downloads a spreadsheet opens safely, saved reports, the ACRL figures, and bad periods."""

import datetime as dt
import io
import uuid

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from liaison.core import counts
from liaison.core.roles import Role
from liaison.desk import reports, services, stats

pytestmark = pytest.mark.django_db


def _log(user, point, when, *, kind="research", level=3, mode="in_person"):
    services.interaction_log(
        actor=user,
        service_point=point,
        kind=kind,
        read_level=level,
        mode=mode,
        client_id=uuid.uuid4(),
        occurred_at=when.isoformat(),
    )


@pytest.fixture
def last_month(joint_desk, chat_point, users):
    """Five entries last month (three at the joint desk, two on chat), one this month."""
    first_of_this_month = timezone.localdate().replace(day=1)
    day = first_of_this_month - dt.timedelta(days=10)
    at = lambda hour: timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))  # noqa: E731
    staff = users[Role.LIBRARY_STAFF]
    _log(staff, joint_desk, at(9), kind="research", level=4)
    _log(staff, joint_desk, at(10), kind="technology", level=2)
    _log(staff, joint_desk, at(11), kind="directional", level=1)
    _log(staff, chat_point, at(14), kind="research", level=5, mode="chat")
    _log(staff, chat_point, at(15), kind="research", level=3, mode="chat")
    _log(staff, joint_desk, timezone.make_aware(dt.datetime.combine(first_of_this_month, dt.time(9))), level=2)
    return day


@pytest.fixture
def chat_point(departments):
    from liaison.places.models import ServicePoint

    return ServicePoint.objects.create(name="Ask Us Chat", slug="ask-us-chat", kind=ServicePoint.Kind.CHAT)


def test_last_month_by_service_point_and_read_level_is_a_cross_table(last_month, joint_desk, chat_point):
    period = reports.period_for("month", anchor=last_month)
    table = reports.desk_table(period=period, rows="service_point", columns="read_level")
    assert table.total == 5
    assert table.cell(joint_desk.pk, 4) == 1 and table.cell(chat_point.pk, 5) == 1
    assert table.row_total(joint_desk.pk) == 3
    grid = table.grid()
    assert grid[0][0] == "Service point \\ READ level" and grid[0][-1] == "Total"
    assert grid[-1] == ["Total", 1, 1, 1, 1, 1, 0, 5]


def test_the_figures_are_the_same_after_the_count_tables_are_filled(last_month):
    period = reports.period_for("month", anchor=last_month)
    before = reports.desk_table(period=period, rows="hour_of_day", columns="weekday").cells
    counts.fill(stats.INTERACTIONS)
    assert reports.desk_table(period=period, rows="hour_of_day", columns="weekday").cells == before


def test_a_supervisor_gets_last_month_as_xlsx_in_three_clicks(client_as, last_month):
    client = client_as(Role.SUPERVISOR)
    page = client.get("/desk/reports/")
    assert page.status_code == 200 and "Desk reports" in page.content.decode()
    shown = client.get("/desk/reports/", {"period": "month", "anchor": last_month.isoformat(), "rows": "service_point"})
    html = shown.content.decode()
    assert "5 interactions" in html and "Download XLSX" in html
    xlsx = client.get(
        "/desk/reports/",
        {"period": "month", "anchor": last_month.isoformat(), "rows": "service_point", "format": "xlsx"},
    )
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Service point", "Interactions"]
    assert ["Total", 5] in rows


def test_downloads_neutralise_cells_a_spreadsheet_would_run(client_as, joint_desk, last_month):
    joint_desk.name = '=HYPERLINK("http://evil.example","click")'
    joint_desk.save()
    client = client_as(Role.SUPERVISOR)
    query = {"period": "month", "anchor": last_month.isoformat(), "rows": "service_point"}
    csv_text = client.get("/desk/reports/", query | {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text and "\n=HYPERLINK" not in csv_text
    xlsx = client.get("/desk/reports/", query | {"format": "xlsx"})
    values = [c.value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)


def test_a_saved_report_reopens_with_one_click(client_as, last_month):
    client = client_as(Role.SUPERVISOR)
    saved = client.post(
        "/desk/reports/save/",
        {
            "period": "custom",
            "first": "2020-01-01",
            "last": "2020-12-31",
            "rows": "kind",
            "columns": "mode",
            "name": "2020 by kind",
        },
    )
    assert saved.status_code == 302
    page = client.get("/desk/reports/").content.decode()
    assert "2020 by kind" in page
    from liaison.desk.models import SavedReport

    report = SavedReport.objects.get(name="2020 by kind")
    reopened = client.get(f"/desk/reports/saved/{report.pk}/", follow=True)
    assert "1 Jan 2020 – 31 Dec 2020" in reopened.content.decode()
    # Someone else's saved report is not theirs to open.
    other = client_as(Role.LIBRARY_STAFF)
    assert other.get(f"/desk/reports/saved/{report.pk}/").status_code == 404


def test_student_workers_do_not_get_the_reports(client_as):
    assert client_as(Role.STUDENT_WORKER).get("/desk/reports/").status_code == 403


def test_acrl_figures_follow_their_definitions(client_as, last_month):
    figures = reports.acrl_figures(period=reports.period_for("fiscal_year", anchor=last_month))
    # research 4 → consultation; research 5 → consultation; technology 2, research 3 → transactions; directional excluded.
    assert (figures.transactions, figures.consultations, figures.directional) == (3, 2, 1)
    assert figures.information_services == 5
    page = client_as(Role.SUPERVISOR).get("/desk/reports/acrl/").content.decode()
    assert "Z39.7" in page and "Consultations" in page


@pytest.mark.parametrize(
    "query",
    [
        {"period": "custom", "first": "2026-05-01", "last": "2026-04-01", "rows": "kind"},  # empty period
        {"period": "custom", "first": "1900-01-01", "last": "2026-01-01", "rows": "kind"},  # 126 years
        {"period": "custom", "first": "", "last": "2026-01-01", "rows": "kind"},
        {"period": "fortnight", "rows": "kind"},
        {"period": "month", "rows": "nonsense"},
        {"period": "month", "rows": "kind", "columns": "kind"},
        {"period": "month", "rows": "kind", "anchor": "²⁰²⁶-01-01"},
        {"period": "month", "rows": "kind", "service_point": "99999999999999999999"},
    ],
)
def test_bad_periods_and_dimensions_get_a_message_not_a_500(client_as, query):
    response = client_as(Role.SUPERVISOR).get("/desk/reports/", query)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_thirty_years_of_history_is_a_report_not_an_error(client_as, joint_desk, users):
    _log(users[Role.LIBRARY_STAFF], joint_desk, timezone.now() - dt.timedelta(days=365 * 29))
    response = client_as(Role.SUPERVISOR).get(
        "/desk/reports/", {"period": "custom", "first": "1997-01-01", "last": "2026-12-31", "rows": "year"}
    )
    assert response.status_code == 200
    assert "1 interaction" in response.content.decode()


def test_acrl_fiscal_year_bad_input_falls_back_to_this_year(client_as):
    for value in ("²⁰²⁶", "99999999999999999999999", "-5", ""):
        assert client_as(Role.SUPERVISOR).get("/desk/reports/acrl/", {"fy": value}).status_code == 200


def test_the_same_figures_through_the_api(client_as, last_month, joint_desk):
    client = client_as(Role.SUPERVISOR)
    response = client.get(
        "/api/v1/desk/reports",
        {"period": "month", "anchor": last_month.isoformat(), "rows": "service_point", "columns": "read_level"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 5
    cell = next(c for c in body["cells"] if c["row"] == joint_desk.pk and c["column"] == 4)
    assert cell["count"] == 1 and cell["row_label"] == joint_desk.name
    acrl = client.get("/api/v1/desk/reports/acrl").json()
    assert set(acrl) >= {"transactions", "consultations", "definitions"}
    refused = client.get("/api/v1/desk/reports", {"period": "custom", "first": "2026-02-01", "last": "2026-01-01"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "desk.period_empty"
    assert client_as(Role.STUDENT_WORKER).get("/api/v1/desk/reports").status_code == 403
