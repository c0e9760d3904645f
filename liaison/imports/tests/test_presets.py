"""Each preset is detected from its tool's documented header and imports a file with exactly
those columns (../shared/reference/peers-desk.md, section c). The files are written here from
the documented headers; they are not real exports."""

import datetime as dt
import json
import zoneinfo

import pytest

from liaison.desk.models import Interaction
from liaison.imports import services
from liaison.imports.mapping import Mapping, mapping_from_preset, prepared_file, preset_for_headers
from liaison.imports.parsing import parse_file
from liaison.imports.registry import importer_get
from liaison.imports.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db
DESK = "desk_interactions"
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

DOCUMENTED_HEADERS = {
    "gimlet": (
        "question_number, initials, email, location, duration, format, asked_by, question_type, difficulty, "
        "asked_at, question_date, question_time, question_half_hour, question_weekday, added_at, tags, site, "
        "account, question, answer"
    ),
    "libanswers": "Id, Date, Time, Ticket #, Chat #, Entered By, Location, Communication, Question Type, Duration, READ",
    "libstats": (
        "question_id, patron_type, question_type, time_spent, question_format, library_name, location_name, "
        "added_stamp, asked_at, question_time, question_half_hour, question_date, question_weekday, initials"
    ),
    "libinsight": "_id, _start_date, _entered_by, Department, Notes, Number of Participants",
    "desktracker": (
        "response_set, response_id, parent_response_id, date_time, page, question, response, optional_text, "
        "user, branch, desk, library"
    ),
}


@pytest.mark.parametrize("key", list(DOCUMENTED_HEADERS))
def test_each_tool_is_recognised_from_its_documented_header(key):
    headers = [h.strip() for h in DOCUMENTED_HEADERS[key].split(",")]
    assert preset_for_headers(importer_get(DESK), headers).key == key
    # Title Case (Gimlet's admin export) is the same export.
    title = [h.replace("_", " ").title() for h in headers]
    assert preset_for_headers(importer_get(DESK), title).key == key


def run_preset(key, content, name, *, extra_maps=None, actor=None):
    importer = importer_get(DESK)
    parsed = parse_file(content, name)
    preset = preset_for_headers(importer, parsed.headers)
    assert preset is not None and preset.key == key
    mapping = mapping_from_preset(preset, prepared_file(parsed, Mapping(long_format=dict(preset.long_format))).headers)
    for field_name, value_map in (extra_maps or {}).items():
        mapping.value_maps[field_name] = {**mapping.value_maps.get(field_name, {}), **value_map}
    return services.import_file_as_system(
        importer_key=DESK, file_name=name, content=content, mapping=mapping, preset_key=key
    )


def test_gimlets_own_documented_example_imports_with_its_blank_difficulty(points):
    content = fixture_bytes("gimlet_documented_example.csv")
    run, result = run_preset(
        "gimlet", content, "questions.csv", extra_maps={"service_point": {"Reference": "joint-desk"}}
    )
    assert result.rejections == [] and run.rows_created == 2
    first = Interaction.objects.get(occurred_at=dt.datetime(2021, 3, 24, 10, 40, tzinfo=NEW_YORK))
    assert (first.kind.slug, first.mode, first.read_level, first.duration_minutes) == ("technology", "phone", 1, 3)
    assert first.logged_at == dt.datetime(2021, 3, 24, 10, 40, 28, tzinfo=NEW_YORK)
    assert "2 row(s) had a blank READ level and took the default '1'." in result.notes
    assert first.source == "import:gimlet"
    # Again: nothing new.
    again, _ = run_preset("gimlet", content, "questions.csv", extra_maps={"service_point": {"Reference": "joint-desk"}})
    assert (again.rows_created, again.rows_already_imported) == (0, 2)


def test_gimlets_api_json_shape_is_the_same_rows(points):
    csv_content = fixture_bytes("gimlet_documented_example.csv")
    rows = parse_file(csv_content, "q.csv").rows
    questions = [{k: (v or None) for k, v in r.values.items()} for r in rows]
    questions[0]["question_number"] = int(questions[0]["question_number"])
    content = json.dumps({"questions": questions}).encode()
    maps = {"service_point": {"Reference": "joint-desk"}}
    run, result = run_preset("gimlet", content, "questions.json", extra_maps=maps)
    assert result.rejections == [] and run.rows_created == 2
    again, _ = run_preset("gimlet", csv_content, "questions.csv", extra_maps=maps)
    assert (again.rows_created, again.rows_already_imported) == (0, 2)


def test_libanswers_read_0_and_level_n_and_its_date_and_time_columns(points):
    run, result = run_preset("libanswers", fixture_bytes("libanswers_ref_analytics.csv"), "transactions.csv")
    assert result.rejections == [] and run.rows_created == 3
    levels = dict(Interaction.objects.values_list("duration_minutes", "read_level"))
    assert levels == {8: 3, 90: 2, 3: 1}  # READ 3; "Level 2"; READ 0 (not rated) counts as 1
    assert Interaction.objects.filter(mode="chat", kind__slug="technology").count() == 1


def test_libstats_data_dump_with_read_derived_from_time_spent(points):
    run, result = run_preset("libstats", fixture_bytes("libstats_data_dump.csv"), "dump.csv")
    assert result.rejections == [] and run.rows_created == 3
    by_minutes = dict(Interaction.objects.values_list("duration_minutes", "read_level"))
    assert by_minutes == {15: 3, 1: 1, 60: 4}  # 10-20 min → 15 → READ 3; 0-1 → 1; 60+ → 4
    late = Interaction.objects.get(duration_minutes=60)
    assert late.back_dated and late.mode == "email"


def test_libinsight_records_with_a_count_column(points):
    run, result = run_preset("libinsight", fixture_bytes("libinsight_dataset.csv"), "records.csv")
    assert result.rejections == [] and run.rows_created == 2
    assert result.records_new == 13  # a tally row of 12 and one question
    assert sorted(Interaction.objects.values_list("weight", flat=True)) == [1, 12]


def test_desk_tracker_long_format_is_folded_into_one_interaction_per_response_set(points):
    content = fixture_bytes("desktracker_standard_format.csv")
    run, result = run_preset("desktracker", content, "standard.csv")
    assert result.rejections == [] and (run.rows_total, run.rows_created) == (2, 2)
    research = Interaction.objects.get(kind__slug="research")
    assert (research.read_level, research.mode, research.service_point.slug) == (3, "in_person", "joint-desk")
    directional = Interaction.objects.get(kind__slug="directional")
    assert (directional.mode, directional.weight) == ("phone", 4)  # the head count in optional_text
    again, _ = run_preset("desktracker", content, "standard.csv")
    assert (again.rows_created, again.rows_already_imported) == (0, 2)


def test_a_desk_tracker_file_through_the_browser_is_folded_before_it_is_mapped(client_as, points):
    from liaison.core.roles import Role
    from liaison.imports.tests.test_browser_flow import uploaded_run

    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "standard.csv", fixture_bytes("desktracker_standard_format.csv"))
    assert run.preset == "desktracker"
    page = client.get(f"/imports/runs/{run.public_id}/")
    form = page.context["form"]
    assert {"Question Type", "READ Scale", "Format", "Count"} <= set(form.headers)
    assert form.initial["col__read_level__0"] == "READ Scale" and form.initial["long_format"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "")}
    response = client.post(f"/imports/runs/{run.public_id}/check/", data)
    run.refresh_from_db()
    assert response.status_code == 200 and (run.rows_total, run.rows_rejected) == (2, 0)
