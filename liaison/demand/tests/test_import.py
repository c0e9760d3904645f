"""Aggregate history comes in through the imports app's preview-and-mapping flow: wide tables
with inconsistent month headers, long files with ISO-8601 intervals, hourly headcounts across
DST, and every bad cell reported with nothing kept."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.core.roles import Role
from liaison.demand.models import Observation, Series
from liaison.imports import services as import_services
from liaison.imports.forms import MappingForm
from liaison.imports.mapping import Mapping, mapping_guess
from liaison.imports.models import ImportRun
from liaison.imports.parsing import WIDE_PERIOD, WIDE_VALUE, parse_file
from liaison.imports.registry import importer_get

pytestmark = pytest.mark.django_db

REAL = Path(settings.BASE_DIR).parent / "shared" / "realdata" / "newcastle-libraries-monthly"
NY = zoneinfo.ZoneInfo("America/New_York")

WIDE = "Library,Apr-08,April 2008x,2008-06,Apr 08\n"  # deliberately bad second header, used in one test
GOOD_WIDE = (
    "Library,Apr-08,May 2008,2008-06,Jul 08,2008-8\n"
    'City,"16,326",19763,16439,16118,21817\n'
    "Walker,3159,-,,n/a,3302\n"
    "Jesmond,12165,11865,11374,12712,12538\n"
)


def wide_mapping(measure="visits", keep=("Library",)) -> Mapping:
    return Mapping(
        columns={"place": ["Library"], "period": [WIDE_PERIOD], "value": [WIDE_VALUE]},
        constants={"measure": measure},
        wide={"keep": list(keep)},
        time_zone="Europe/London",
    )


def run_import(user, content: bytes, mapping: Mapping, name="history.csv"):
    return import_services.import_file(
        actor=user, importer_key="demand_history", file_name=name, content=content, mapping=mapping
    )


def figures(measure="visits", place="city"):
    return {
        o.start.astimezone(zoneinfo.ZoneInfo("Europe/London")).strftime("%Y-%m"): o.value
        for o in Observation.objects.filter(series__measure=measure, series__place_key=place)
    }


def test_a_wide_table_with_mixed_month_headers_imports_one_figure_per_cell(users):
    run, result = run_import(users[Role.LIBRARY_STAFF], GOOD_WIDE.encode(), wide_mapping())
    assert result.rejections == []
    assert run.status == ImportRun.Status.COMMITTED
    assert figures() == {
        "2008-04": Decimal("16326.00"), "2008-05": Decimal("19763.00"), "2008-06": Decimal("16439.00"),
        "2008-07": Decimal("16118.00"), "2008-08": Decimal("21817.00"),
    }  # fmt: skip
    # Blank, "-" and "n/a" hold no figure: Walker has two months, not five.
    assert sorted(figures(place="walker")) == ["2008-04", "2008-08"]
    first = Observation.objects.filter(series__place_key="city").first()
    assert first.grain == "month" and first.import_run == run
    assert Series.objects.get(place_key="city").service_point is None  # kept by name: not a Liaison desk


def test_importing_the_same_table_again_adds_nothing(users):
    run_import(users[Role.LIBRARY_STAFF], GOOD_WIDE.encode(), wide_mapping())
    count = Observation.objects.count()
    _run, result = run_import(users[Role.LIBRARY_STAFF], GOOD_WIDE.encode(), wide_mapping())
    assert Observation.objects.count() == count
    assert result.already_imported == count and result.rows_new == 0


def test_a_corrected_figure_is_said_before_the_commit_and_replaces_the_stored_one(users):
    run_import(users[Role.LIBRARY_STAFF], GOOD_WIDE.encode(), wide_mapping())
    corrected = GOOD_WIDE.replace("19763", "19800").encode()
    _run, result = run_import(users[Role.LIBRARY_STAFF], corrected, wide_mapping())
    assert any("1 figure(s) differ" in n and "19763.00 → 19800.00" in n for n in result.notes), result.notes
    assert figures()["2008-05"] == Decimal("19800.00")
    assert Observation.objects.filter(series__place_key="city").count() == 5


def test_a_header_that_is_not_a_month_is_named_on_the_mapping_screen(users):
    importer = importer_get("demand_history", actor=users[Role.LIBRARY_STAFF])
    parsed = parse_file((WIDE + "City,1,2,3,4\n").encode(), "w.csv")
    form = MappingForm(
        {"date_format": "ymd", "col__place__0": "Library", "col__period__0": WIDE_PERIOD,
         "col__value__0": WIDE_VALUE, "const__measure": "visits", "wide": "on", "wide_keep": ["Library"]},
        importer=importer, headers=parsed.headers,
    )  # fmt: skip
    assert not form.is_valid()
    text = " ".join(form.errors["wide"])
    assert "'April 2008x'" in text and "Apr-08" not in text.replace("'April 2008x'", "")


def test_the_mapping_screen_guesses_a_wide_table(users, client_as):
    client = client_as(Role.LIBRARY_STAFF)
    response = client.post(
        "/imports/",
        {"importer": "demand_history", "file": SimpleUploadedFile("visits.csv", GOOD_WIDE.encode(), "text/csv")},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert ('name="wide"' in page and "checked" in page.split('name="wide"')[1][:200]) or 'name="wide" checked' in page
    assert WIDE_PERIOD in page


def test_bad_cells_are_each_reported_and_nothing_is_kept(users):
    bad = b"Library,2008-04,2008-05,2008-06\nCity,12o,1 234,-5\nWalker,1,2,3\n"
    _run, result = run_import(users[Role.LIBRARY_STAFF], bad, wide_mapping())
    assert Observation.objects.count() == 0
    messages = [(r.line, r.field, r.message) for r in result.rejections]
    assert (
        2,
        "value",
        "'12o' is not a number (write 1234 or 1,234; leave a cell with no figure blank) (period '2008-04').",
    ) in messages
    assert any(line == 2 and "below zero" in m for line, _f, m in messages)
    assert len(messages) == 2  # "1 234" is a number


def test_a_period_twice_in_one_file_with_two_figures_is_rejected(users):
    content = b"Library,Month,Visits\nCity,2024-01,10\nCity,Jan 2024,12\nCity,2024-01,10\n"
    mapping = Mapping(columns={"place": ["Library"], "period": ["Month"], "value": ["Visits"]},
                      constants={"measure": "visits"})  # fmt: skip
    _run, result = run_import(users[Role.LIBRARY_STAFF], content, mapping)
    assert [(r.line, r.message) for r in result.rejections] == [
        (3, "The same id appears again with other values (first on row 2).")
    ]
    assert Observation.objects.count() == 0


def test_iso_intervals_in_a_long_file(users):
    content = (
        b"place,period,count\n"
        b"Main Library,2024-01-01/P1M,1200\n"
        b"Main Library,2024-03/2024-04,900\n"
        b"Main Library,2024-01-01T09:00/2024-01-01T10:00,41\n"
    )
    mapping = Mapping(columns={"place": ["place"], "period": ["period"], "value": ["count"]},
                      constants={"measure": "visits"}, time_zone="America/New_York")  # fmt: skip
    _run, result = run_import(users[Role.LIBRARY_STAFF], content, mapping)
    assert result.rejections == []
    got = sorted(
        (o.grain, o.start.astimezone(NY).isoformat(), o.end.astimezone(NY).isoformat())
        for o in Observation.objects.all()
    )
    assert got == [
        ("hour", "2024-01-01T09:00:00-05:00", "2024-01-01T10:00:00-05:00"),
        ("month", "2024-01-01T00:00:00-05:00", "2024-02-01T00:00:00-05:00"),
        ("month", "2024-03-01T00:00:00-05:00", "2024-04-01T00:00:00-04:00"),
    ]


@pytest.mark.parametrize(
    "period, words",
    [
        ("2024-01-01/P0D", "lasts no time"),
        ("2024-02/2024-01", "ends before it starts"),
        ("2000-01-01T00:00/PT262800H", "a period is at most a year and a day"),
        ("1990-01-01T00:00/2020-01-01T00:00", "a period is at most a year and a day"),
        ("", "the period is blank"),
        ("Smarch 2024", "'smarch' is not the name of a month"),
    ],
)
def test_empty_negative_zero_and_absurd_periods_are_refused(users, period, words):
    content = f"place,period,count\nMain,{period},5\n".encode()
    mapping = Mapping(columns={"place": ["place"], "period": ["period"], "value": ["count"]},
                      constants={"measure": "visits"})  # fmt: skip
    _run, result = run_import(users[Role.LIBRARY_STAFF], content, mapping)
    assert Observation.objects.count() == 0
    assert result.rejections and words.casefold() in " ".join(r.message for r in result.rejections).casefold()


def test_hourly_headcounts_across_both_dst_changes(users):
    content = (
        b"Lab,Hour,Count\n"
        b"Main Lab,2024-11-03 00:00,5\n"
        b"Main Lab,2024-11-03 01:00,7\n"
        b"Main Lab,2024-11-03 01:00,6\n"  # the repeated hour: the second is 01:00 EST
        b"Main Lab,2024-11-03 02:00,4\n"
    )
    mapping = Mapping(columns={"place": ["Lab"], "period": ["Hour"], "value": ["Count"]},
                      constants={"measure": "headcount"}, time_zone="America/New_York")  # fmt: skip
    _run, result = run_import(users[Role.LIBRARY_STAFF], content, mapping)
    assert result.rejections == []
    starts = [o.start.isoformat() for o in Observation.objects.order_by("start")]
    assert starts == ["2024-11-03T04:00:00+00:00", "2024-11-03T05:00:00+00:00", "2024-11-03T06:00:00+00:00",
                      "2024-11-03T07:00:00+00:00"]  # fmt: skip
    spring = b"Lab,Hour,Count\nMain Lab,2024-03-10 02:30,3\n"
    _run, result = run_import(users[Role.LIBRARY_STAFF], spring, mapping)
    assert "clocks went forward" in result.rejections[0].message


def test_students_cannot_import_history(users):
    with pytest.raises((ValidationError, Exception)):
        run_import(users[Role.STUDENT_WORKER], GOOD_WIDE.encode(), wide_mapping())
    assert Observation.objects.count() == 0


# --- The real Newcastle files (private fixtures, read in place) -------------------------------


@pytest.fixture
def newcastle():
    if not REAL.is_dir():
        pytest.skip("../shared/realdata/newcastle-libraries-monthly is not present")
    return REAL


@pytest.mark.parametrize(
    "file_name, measure, branches, first, value",
    [
        ("2008-onwards-monthly-visits.csv", "visits", 19, "2008-04", Decimal("16326")),
        ("2008-onwards-monthly-enquiries.csv", "enquiries", 20, "2008-04", Decimal("4865")),
        ("2019-onwards-monthly-wifi-users.csv", "wifi_users", 12, "2019-04", Decimal("1957")),
    ],
)
def test_the_real_newcastle_tables_import_through_the_wide_mapping(
    users, newcastle, file_name, measure, branches, first, value
):
    content = (newcastle / file_name).read_bytes()
    importer = importer_get("demand_history")
    guess = mapping_guess(importer, parse_file(content, file_name).headers)
    assert guess.wide == {"keep": ["Library"]}  # the screen starts with "these columns are months" ticked
    assert guess.columns["period"] == [WIDE_PERIOD] and guess.columns["place"] == ["Library"]
    mapping = wide_mapping(measure)
    run, result = run_import(users[Role.SUPERVISOR], content, mapping, name=file_name)
    assert result.rejections == [], result.rejections[:5]
    assert run.status == ImportRun.Status.COMMITTED
    assert Series.objects.filter(measure=measure).count() == branches
    assert figures(measure)[first] == value
    # Inconsistent headers ("2024-2" beside "2008-04") land on their months; blanks make no rows.
    if measure == "visits":
        assert figures(measure)["2024-02"] == Decimal("29171")  # the column "2024-2"
        assert "2020-07" not in figures(measure)  # closed: the file has no such column
    _again_run, again = run_import(users[Role.SUPERVISOR], content, mapping, name=file_name)
    assert again.rows_new == 0 and again.already_imported == result.rows_new


def test_the_real_computer_use_table_is_refused_for_its_one_impossible_cell(users, newcastle):
    """Blakelaw's January 2024 says 198% of the time: the check names the cell, nothing is kept."""
    content = (newcastle / "2008-onwards-monthly-computer-use.csv").read_bytes()
    run, result = run_import(users[Role.SUPERVISOR], content, wide_mapping("computer_use_percent"))
    assert [(r.line, r.field, r.value) for r in result.rejections] == [(2, "value", "198%")]
    assert "period '2024-1'" in result.rejections[0].message
    assert run.status == ImportRun.Status.REJECTED
    assert Observation.objects.count() == 0 and result.rows_total == 2854  # one row per figure


def test_the_mapping_page_names_a_bad_header_and_imports_nothing(users, client_as):
    client = client_as(Role.LIBRARY_STAFF)
    content = b"Library,2008-04,Apr-08x,2008-06\nCity,1,2,3\n"
    response = client.post(
        "/imports/", {"importer": "demand_history", "file": SimpleUploadedFile("v.csv", content, "text/csv")}
    )
    run_url = response["Location"]
    posted = {
        "date_format": "ymd", "col__place__0": "Library", "col__period__0": WIDE_PERIOD,
        "col__value__0": WIDE_VALUE, "const__measure": "visits", "wide": "on", "wide_keep": ["Library"],
    }  # fmt: skip
    page = client.post(f"{run_url}check/", posted).content.decode()
    assert "Column &#x27;Apr-08x&#x27;" in page or "Column 'Apr-08x'" in page
    assert "2008-04&#x27;:" not in page and Observation.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.PREVIEWED
