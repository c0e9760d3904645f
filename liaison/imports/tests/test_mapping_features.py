"""What real files need from a mapping: a fallback date column, value maps by range, durations
in every shape, defaults for blanks (browser and command), more modes; and files in old
encodings, with private columns, too many columns or rows, or a rejected value fixed in one
click from the report."""

import csv
import datetime as dt
import io
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.core.roles import Role
from liaison.desk.models import Interaction
from liaison.imports import services, values
from liaison.imports.mapping import Mapping
from liaison.imports.models import ImportRun
from liaison.imports.parsing import parse_file
from liaison.imports.screening import flagged_columns, mask
from liaison.imports.tests.test_browser_flow import uploaded_run

pytestmark = pytest.mark.django_db
DESK = "desk_interactions"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def load(content, mapping, name="f.csv", **kwargs):
    return services.import_file_as_system(importer_key=DESK, file_name=name, content=content, mapping=mapping, **kwargs)


BASE = {"service_point": "joint-desk", "kind": "research"}


def test_a_blank_date_falls_back_to_another_column_and_a_blank_everywhere_is_named(points):
    rows = [
        ["Asked", "Added", "READ"],
        ["2021-03-24 10:40", "2021-03-24 10:41", "2"],
        ["", "2021-03-24 11:05", "2"],
        ["", "", "2"],
    ]
    mapping = Mapping(
        columns={"occurred_at": ["Asked"], "read_level": ["READ"]},
        fallbacks={"occurred_at": ["Added"]},
        constants=BASE,
        date_format="ymd",
    )
    run, result = load(as_csv(rows), mapping)
    assert [(r.line, r.field) for r in result.rejections] == [(4, "occurred_at")]
    run, result = load(as_csv(rows[:3]), mapping)
    assert run.rows_created == 2
    assert Interaction.objects.filter(occurred_at=dt.datetime(2021, 3, 24, 11, 5, tzinfo=NEW_YORK)).exists()


def test_value_maps_by_range_turn_minutes_in_any_shape_into_a_read_level(points):
    rows = [["When", "Time spent"]] + [
        [f"2021-03-24 10:{i:02d}", spent]
        for i, spent in enumerate(["2", "05-10 minutes", "0:12:30", "25 min", "1:30", "over 30 min"])
    ]
    mapping = Mapping(
        columns={"occurred_at": ["When"], "read_level": ["Time spent"], "duration_minutes": ["Time spent"]},
        value_maps={"read_level": {"..5": "1", "5..15": "2", "15..30": "3", "30..": "4"}},
        constants=BASE,
        date_format="ymd",
    )
    run, result = load(as_csv(rows), mapping)
    assert result.rejections == [] and run.rows_created == 6
    got = list(Interaction.objects.order_by("occurred_at").values_list("duration_minutes", "read_level"))
    assert got == [(2, 1), (8, 2), (13, 2), (25, 3), (90, 4), (30, 4)]


def test_the_1_30_ambiguity_is_the_mappings_choice(points):
    assert values.parse_minutes("1:30") == 90
    assert values.parse_minutes("1:30", clock=values.CLOCK_MINUTES) == 2  # a minute and a half, rounded
    assert values.parse_minutes("1:05:30") == 66  # h:mm:ss is never ambiguous
    rows = [["When", "Length"], ["2021-03-24 10:40", "12:30"]]
    mapping = Mapping(
        columns={"occurred_at": ["When"], "duration_minutes": ["Length"]},
        constants={**BASE, "read_level": "1"},
        date_format="ymd",
        clock="ms",
    )
    load(as_csv(rows), mapping)
    assert Interaction.objects.get().duration_minutes == 13


def test_modes_beyond_the_four_are_stored_and_counted(points):
    rows = [
        ["When", "Channel"],
        ["2021-03-24 10:40", "Zoom"],
        ["2021-03-24 10:41", "Virtual"],
        ["2021-03-24 10:42", "Unknown"],
    ]
    mapping = Mapping(
        columns={"occurred_at": ["When"], "mode": ["Channel"]},
        value_maps={"mode": {"zoom": "video", "virtual": "remote"}},
        constants={**BASE, "read_level": "1"},
        date_format="ymd",
    )
    _run, result = load(as_csv(rows), mapping)
    assert result.rejections == []
    assert sorted(Interaction.objects.values_list("mode", flat=True)) == ["remote", "unknown", "video"]


def test_the_command_gives_a_blank_field_a_default(points, tmp_path):
    path = tmp_path / "questions.csv"
    path.write_bytes(
        b"question_number,location,question_type,difficulty,asked_at,site\n"
        b"800,Joint Desk,Technology,,2021-03-24 10:40:00 AM,Humanities Library\n"
    )
    out = StringIO()
    call_command(
        "import_interactions", str(path), "--preset", "gimlet", "--default", "read_level=2", "--no-progress", stdout=out
    )
    assert Interaction.objects.get().read_level == 2
    assert "1 row(s) had a blank READ level and took the default '2'." in out.getvalue()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_interactions", str(path), "--preset", "gimlet", "--default", "colour=blue", "--no-progress"
        )
    assert "--default FIELD=VALUE" in str(caught.value)


# --- Files -------------------------------------------------------------------------------------


def test_mac_roman_and_windows_1252_are_told_apart_and_the_guess_is_shown():
    text = "Kind,Note\nresearch,Caf\u00e9 cr\u00e8me \u2013 r\u00e9sum\u00e9 for Ren\u00e9e\n"
    mac = parse_file(text.encode("mac_roman"), "x.csv")
    assert mac.rows[0].values["Note"] == "Café crème – résumé for Renée"
    assert "Mac Roman" in mac.encoding and "guessed" in mac.describe()
    windows = parse_file(text.encode("cp1252"), "x.csv")
    assert windows.rows[0].values["Note"] == "Café crème – résumé for Renée" and "Windows-1252" in windows.encoding


def test_limits_on_columns_rows_and_cells_have_clear_messages(settings):
    settings.IMPORT_MAX_COLUMNS = 200
    wide = ",".join(f"c{i}" for i in range(10_000)).encode() + b"\n" + b"1," * 9_999 + b"1\n"
    with pytest.raises(Exception) as caught:
        parse_file(wide, "wide.csv")
    assert "10,000 columns; imports take up to 200" in str(caught.value)
    settings.IMPORT_MAX_ROWS = 1000
    tall = b"a\n" + b"x\n" * 2500
    with pytest.raises(Exception) as caught:
        parse_file(tall, "tall.csv")
    assert "more than 1,000 rows" in str(caught.value)
    # A preview reads only what it shows, so even this file previews.
    assert len(parse_file(tall, "tall.csv", preview=20).rows) == 20
    huge_cell = b'a,b\n1,"' + b"y" * 40_000 + b'"\n'
    with pytest.raises(Exception) as caught:
        parse_file(huge_cell, "cell.csv")
    assert "a cell has 40,000 characters" in str(caught.value)


def test_a_file_cut_off_halfway_is_a_clear_message_or_a_correct_import(points):
    whole = as_csv([["When", "READ"]] + [[f"2021-03-24 10:{i:02d}", "2"] for i in range(40)])
    cut = whole[: len(whole) // 2 - 7]  # mid-row: the last row is short
    mapping = Mapping(columns={"occurred_at": ["When"], "read_level": ["READ"]}, constants=BASE, date_format="ymd")
    run, result = load(cut, mapping)
    assert run.status == ImportRun.Status.REJECTED and Interaction.objects.count() == 0
    assert len(result.rejections) == 1


def test_a_10000_character_transcript_is_flagged_and_can_be_kept_as_its_length(points):
    transcript = "Patron: hello, my e-mail is pat@example.edu ... " + "x" * 10_000
    rows = [["When", "Transcript"], ["2021-03-24 10:40", transcript], ["2021-03-24 10:41", "short"]]
    flags = flagged_columns(["When", "Transcript"], parse_file(as_csv(rows), "t.csv").rows)
    assert [f.column for f in flags] == ["Transcript"]
    mapping = Mapping(
        columns={"occurred_at": ["When"], "note": ["Transcript"]},
        constants={**BASE, "read_level": "1"},
        date_format="ymd",
    )
    _run, result = load(as_csv(rows), mapping, dry_run=True)
    assert any("'Transcript' feeds a field and looks private" in c for c in result.cautions)
    kept_length = Mapping(**{**mapping.__dict__, "treatments": {"Transcript": "length"}})
    run, result = load(as_csv(rows), kept_length)
    assert result.cautions == [] and run.rows_created == 2
    assert Interaction.objects.filter(note__startswith="[10,0").count() == 0  # the length, not the text
    assert set(Interaction.objects.values_list("note", flat=True)) == {
        f"[{len(transcript)} characters in Transcript]",
        "[5 characters in Transcript]",
    }
    dropped = Mapping(**{**mapping.__dict__, "treatments": {"Transcript": "drop"}})
    with pytest.raises(Exception) as caught:
        load(as_csv(rows), dropped)
    assert "left out of the import" in str(caught.value)


def test_the_preview_masks_emails_and_phone_numbers(client_as, points):
    assert mask("ask jane@library.org or 555-123-4567") == "ask •••@••• or •••"
    client = client_as(Role.SUPERVISOR)
    content = as_csv([["When", "Note"], ["2021-03-24 10:40", "call 555-123-4567 or write jo@college.example"]])
    run = uploaded_run(client, "n.csv", content)
    page = client.get(f"/imports/runs/{run.public_id}/").content.decode()
    assert "555-123-4567" not in page and "jo@college.example" not in page and "•••@•••" in page


def test_rejections_are_grouped_by_cause_and_a_value_is_mapped_in_one_click(client_as, points):
    client = client_as(Role.SUPERVISOR)
    rows = [["When", "Desk", "What", "Effort"]] + [
        [f"02/09/2024 09:{m:02d}", "Reference" if m % 3 else "joint-desk", "research", "2"] for m in range(30)
    ]
    run = uploaded_run(client, "desks.csv", as_csv(rows))
    form = {
        "col__occurred_at__0": "When",
        "col__service_point__0": "Desk",
        "col__kind__0": "What",
        "col__read_level__0": "Effort",
        "date_format": "dmy",
    }
    response = client.post(f"/imports/runs/{run.public_id}/check/", form)
    page = response.content.decode()
    assert response.status_code == 400 and "Why, by cause" in page
    run.refresh_from_db()
    [group] = run.report["groups"]
    assert (group["field"], group["value"], group["rows"], group["mappable"]) == (
        "service_point",
        "Reference",
        20,
        True,
    )
    assert "— <strong>20</strong> rows" in page and 'name="source" value="Reference"' in page
    response = client.post(
        f"/imports/runs/{run.public_id}/map-value/",
        {"field": "service_point", "source": "Reference", "target": "joint-desk"},
    )
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.rows_rejected == 0 and run.mapping_snapshot["value_maps"]["service_point"] == {"Reference": "joint-desk"}
    page = client.get(response["Location"]).content.decode()
    assert "Import 30 rows" in page


def test_headers_naming_people_are_flagged_but_not_a_measure_or_a_category_of_them():
    headers = ["Timestamp", "interaction staff time", "patron_type", "Number of people", "Staff",
               "Patron name", "entered by", "Patron e-mail", "user count"]  # fmt: skip
    rows = [headers, ["1/6/2020 10:18:38", "10-30 min", "Faculty", "2", "AV", "Agnes", "av", "a@b.edu", "3"]]
    flags = flagged_columns(headers, parse_file(as_csv(rows), "t.csv").rows)
    assert [f.column for f in flags] == ["Staff", "Patron name", "entered by", "Patron e-mail"]
