"""Hourly headcounts from door counters and manual count sheets (issue 11, item 8), through the
imports app's preview-and-mapping flow: mixed date and time formats are read; a weekday that
is not the date's and areas that do not add up to the total are reported as warnings, kept with
the import, and never corrected; a malformed sheet is refused row by row with nothing kept.
And the PaperCut Print Logger's banner line above its header."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from liaison.core.roles import Role
from liaison.imports.mapping import mapping_from_preset
from liaison.imports.models import ImportRun
from liaison.imports.parsing import parse_file
from liaison.imports.registry import importer_get
from liaison.imports.services import import_file
from liaison.labs import selectors
from liaison.labs.importers import parse_hour
from liaison.labs.models import Headcount, PrintJob

pytestmark = pytest.mark.django_db


def run(importer_key, preset_key, content, user, name="file.csv", constants=None):
    importer = importer_get(importer_key)
    parsed = parse_file(content, name)
    mapping = mapping_from_preset(importer.preset(preset_key), parsed.headers)
    if constants:
        mapping.constants.update(constants)
    return import_file(actor=user, importer_key=importer_key, file_name=name, content=content, mapping=mapping,
                       preset_key=preset_key)  # fmt: skip


# Typed up from the paper sheet: ISO, US and spelled-out times side by side; Tuesday's row says
# "Wed"; the 11 o'clock areas add up to 40, not 42; one row has no total.
SHEET = b"""Date,Day,Time,Quiet study,Group tables,Computers,Total
2026-11-03,Tue,9:00,4,10,12,26
11/3/2026,Tuesday,10am,6,12,20,38
2026-11-03,Wed,11-12pm,8,14,18,42
11/03/2026,Tue,1:30 PM,5,5,5,
"""


def test_parse_hour_reads_the_ways_people_write_an_hour():
    assert parse_hour("9") == (9, 0) and parse_hour("09:00") == (9, 0) and parse_hour("9am") == (9, 0)
    assert parse_hour("9:00 PM") == (21, 0) and parse_hour("14h") == (14, 0) and parse_hour("1400") == (14, 0)
    assert parse_hour("9-10am") == (9, 0) and parse_hour("11-12pm") == (11, 0) and parse_hour("1-2pm") == (13, 0)
    assert parse_hour("12-1pm") == (12, 0) and parse_hour("12 a.m.") == (0, 0) and parse_hour("09:00 – 10:00") == (9, 0)
    for bad in ("noon-ish", "25", "13pm", "9:75"):
        with pytest.raises(ValueError):
            parse_hour(bad)


def test_a_count_sheet_is_stored_per_hour_and_area_and_every_disagreement_is_reported(users, rooms):
    user = users[Role.IT_STAFF]
    import_run, result = run("lab_headcounts", "count_sheet", SHEET, user,
                             constants={"room": "Learning Commons Lab"})  # fmt: skip
    assert not result.rejections and result.rows_new == 4
    warnings = {(w.line, w.field): w.message for w in result.warnings}
    assert "The sheet says Wednesday, but 2026-11-03 is a Tuesday" in warnings[(4, "weekday")]
    assert "The areas add up to 40, but the total says 42" in warnings[(4, "total")]
    assert "the areas' sum (15) is stored as the total" in warnings[(5, "total")]
    assert "counted in the hour from 13:00" in warnings[(5, "hour")]
    assert (2, "weekday") not in warnings and (3, "total") not in warnings

    # Kept as the sheet says: the total 42 stays 42, and the date stays the 3rd.
    totals = selectors.headcounts_by_hour(room_id=rooms["commons"].pk)
    assert [(timezone.localtime(r["hour_start"]).strftime("%Y-%m-%d %H"), r["count"]) for r in totals] == [
        ("2026-11-03 09", 26), ("2026-11-03 10", 38), ("2026-11-03 11", 42), ("2026-11-03 13", 15),
    ]  # fmt: skip
    assert {r["weekday"] for r in totals} == {1}
    areas = selectors.headcounts_by_hour(room_id=rooms["commons"].pk, area=None)
    assert {r["area"] for r in areas} == {"", "Quiet study", "Group tables", "Computers"}
    assert [r["count"] for r in selectors.headcounts_by_hour(area="Computers")] == [12, 20, 18, 5]

    # The warnings are kept with the import (its report), for whoever looks at it later.
    stored = ImportRun.objects.get(pk=import_run.pk).report
    assert stored["warnings_total"] == 4
    assert any("Wednesday" in w["message"] for w in stored["warnings"])

    # The same sheet again adds nothing.
    _run, again = run("lab_headcounts", "count_sheet", SHEET, user, constants={"room": "Learning Commons Lab"})
    assert again.rows_new == 0 and again.already_imported == 4 and Headcount.objects.filter(area="").count() == 4


def test_the_warnings_show_in_the_preview_before_anything_is_committed(users, rooms, client_as):
    from liaison.imports.services import import_run_check, import_run_start

    user = users[Role.IT_STAFF]
    import_run = import_run_start(actor=user, importer_key="lab_headcounts", file_name="counts.csv", content=SHEET)
    importer = importer_get("lab_headcounts")
    mapping = mapping_from_preset(importer.preset("count_sheet"), parse_file(SHEET, "counts.csv").headers)
    mapping.constants["room"] = "Learning Commons Lab"
    import_run_check(actor=user, run=import_run, mapping=mapping, preset_key="count_sheet")
    page = client_as(Role.IT_STAFF).get(f"/imports/runs/{import_run.public_id}/").content.decode()
    assert "4 warnings" in page
    assert "The sheet says Wednesday, but 2026-11-03 is a Tuesday" in page
    assert "The areas add up to 40, but the total says 42" in page
    assert not Headcount.objects.exists()  # a preview writes nothing


def test_a_door_counter_export_with_timestamps(users, rooms):
    export = b"""Timestamp,Location,Count
2026-11-04 08:00,Digital Media Lab,3
2026-11-04 09:00,Digital Media Lab,11
2026-11-04T10:00:00,204,17
"""
    _run, result = run("lab_headcounts", "door_counter", export, users[Role.IT_STAFF])
    assert not result.rejections and result.rows_new == 3 and not result.warnings
    rows = selectors.headcounts_by_hour(room_id=rooms["media"].pk)
    assert [r["hour"] for r in rows] == [8, 9, 10] and [r["count"] for r in rows] == [3, 11, 17]


def test_a_malformed_sheet_is_refused_row_by_row_and_nothing_is_kept(users, rooms):
    bad = SHEET + (
        b"the 4th,Thu,9:00,1,1,1,3\n"  # not a date
        b"2026-11-04,Wed,noon-ish,1,1,1,3\n"  # not an hour
        b"2026-11-04,Wed,10:00,lots,1,1,3\n"  # not a number
        b"2026-11-04,Wed,11:00,,,,\n"  # no count at all
        b"2026-11-03,Tue,9:00,1,1,1,3\n"  # the 9 o'clock hour again, with other counts
    )
    _run, result = run("lab_headcounts", "count_sheet", bad, users[Role.IT_STAFF],
                       constants={"room": "Learning Commons Lab"})  # fmt: skip
    by_line = {r.line: r.field for r in result.rejections}
    assert by_line[6] == "date" and by_line[7] == "hour" and by_line[8] == "area_1" and by_line[9] == "total"
    assert 10 in by_line
    assert not Headcount.objects.exists()


def test_an_unknown_lab_is_named(users, rooms):
    _run, result = run("lab_headcounts", "count_sheet", SHEET, users[Role.IT_STAFF], constants={"room": "Moon Lab"})
    assert {r.field for r in result.rejections} == {"room"} and "Moon Lab" in result.rejections[0].message
    assert not Headcount.objects.exists()


def test_headcounts_by_hour_filters_by_time_and_lab(users, rooms):
    run("lab_headcounts", "count_sheet", SHEET, users[Role.IT_STAFF], constants={"room": "Learning Commons Lab"})
    start = timezone.make_aware(dt.datetime(2026, 11, 3, 10))
    rows = selectors.headcounts_by_hour(start=start, end=start + dt.timedelta(hours=2))
    assert [r["count"] for r in rows] == [38, 42]
    assert selectors.headcounts_by_hour(room_id=rooms["media"].pk) == []
    assert set(rows[0]) == {"room_id", "room", "area", "hour_start", "weekday", "hour", "count"}


# --- PaperCut Print Logger: the banner line above the header ----------------------------------

PAPERCUT_WITH_BANNER = b"""PaperCut Print Logger : http://www.papercut.com/
Time,User,Pages,Copies,Printer,Document Name,Client,Paper Size,Language,Height,Width,Duplex,Grayscale,Size
2026-11-20 17:50:10,pmerton,3,2,LIB-PRINTER-01,"Essay - final",JUMP01,LETTER,PCL6,,,NOT DUPLEX,GRAYSCALE,19kb,
2026-11-20 17:52:00,akhan,1,1,LIB-PRINTER-01,"Boarding pass",JUMP02,LETTER,PCL6,,,NOT DUPLEX,GRAYSCALE,19kb,
"""


def test_the_papercut_banner_line_is_not_taken_for_the_header(users, printer):
    parsed = parse_file(PAPERCUT_WITH_BANNER, "papercut-print-log-2026-11-20.csv")
    assert parsed.headers[:5] == ["Time", "User", "Pages", "Copies", "Printer"]
    assert [r.line for r in parsed.rows] == [3, 4]  # rows keep their own line numbers
    _run, result = run("lab_print_log", "papercut_logger", PAPERCUT_WITH_BANNER, users[Role.IT_STAFF])
    assert not result.rejections and result.rows_new == 2
    assert sorted(PrintJob.objects.values_list("pages", flat=True)) == [1, 6]


def test_a_one_column_file_keeps_its_header():
    parsed = parse_file(b"Name\nAda\nGrace\n", "names.csv")
    assert parsed.headers == ["Name"] and [r.values["Name"] for r in parsed.rows] == ["Ada", "Grace"]


def test_a_tab_separated_file_with_a_title_line_is_read_by_its_second_line():
    parsed = parse_file(b"Door counts week 45\nDate\tTime\tTotal\n2026-11-03\t9:00\t26\n", "counts.tsv")
    assert parsed.headers == ["Date", "Time", "Total"] and parsed.rows[0].values["Total"] == "26"


def test_the_usage_page_shows_people_counted_per_hour(users, rooms, client_as):
    import datetime as dt

    from liaison.labs.models import Headcount

    today = timezone.localdate()
    for back in (1, 2):
        start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=back), dt.time(11)))
        Headcount.objects.create(room=rooms["commons"], hour_start=start, count=20 + back * 10,
                                 import_identity=f"t:{back}")  # fmt: skip
    page = client_as(Role.STUDENT_WORKER).get("/labs/usage/").content.decode()
    assert "People counted" in page
    assert '<td>11:00</td><td class="num">0.0</td>' in page and '<td class="num">35.0</td>' in page
