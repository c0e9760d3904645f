"""Desk interactions through the import engine: presets, saved mappings, idempotency, and
the all-or-nothing rule."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.desk.models import Interaction, TopicTag
from liaison.imports import services
from liaison.imports.mapping import Mapping, mapping_from_preset, value_map_from_text
from liaison.imports.models import ImportRun
from liaison.imports.parsing import parse_file
from liaison.imports.registry import importer_get
from liaison.imports.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
DESK = "desk_interactions"


def preset_mapping(preset: str, content: bytes, name: str) -> Mapping:
    importer = importer_get(DESK)
    return mapping_from_preset(importer.preset(preset), parse_file(content, name).headers)


def import_with(mapping: Mapping, content: bytes, name: str, actor=None, preset: str = "", **kwargs):
    """Import as `actor`, or as the command does when it names no user (a system job)."""
    how = {"importer_key": DESK, "file_name": name, "content": content, "mapping": mapping, "preset_key": preset}
    if actor is None:
        return services.import_file_as_system(**how, **kwargs)
    return services.import_file(actor=actor, **how, **kwargs)


CUSTOM_MAPPING = Mapping(
    columns={
        "occurred_at": ["When"],
        "service_point": ["Desk"],
        "kind": ["What"],
        "read_level": ["Effort"],
        "mode": ["How"],
        "duration_minutes": ["Minutes"],
        "note": ["Notes"],
    },
    value_maps={"mode": {"in person": "in_person"}},
    date_format="dmy",
)


def test_a_gimlet_export_imports_through_the_gimlet_preset(points, users):
    content = fixture_bytes("gimlet_questions.csv")
    mapping = preset_mapping("gimlet", content, "questions.csv")
    run, result = import_with(mapping, content, "questions.csv", actor=users[Role.SUPERVISOR], preset="gimlet")

    assert result.rejections == []
    assert run.status == ImportRun.Status.COMMITTED and run.rows_created == 6
    reference = Interaction.objects.get(note__startswith="Finding peer-reviewed")
    assert reference.kind.slug == "research" and reference.read_level == 4
    assert reference.service_point.slug == "joint-desk" and reference.mode == "in_person"
    assert reference.duration_minutes == 15  # "10-20 minutes" counts as its middle
    assert reference.occurred_at == dt.datetime(2021, 3, 22, 10, 42, tzinfo=NEW_YORK)
    assert reference.logged_at == dt.datetime(2021, 3, 22, 11, 5, 40, tzinfo=NEW_YORK)
    assert sorted(t.slug for t in reference.tags.all()) == ["databases", "thesis"]
    assert reference.source == "import:gimlet"
    assert reference.recorded_by == users[Role.SUPERVISOR]
    vpn = Interaction.objects.get(note__startswith="VPN")
    assert (vpn.kind.slug, vpn.mode, vpn.service_point.slug) == ("technology", "phone", "it-help-desk")
    printing = Interaction.objects.get(note__startswith="How do I add printing")
    assert (printing.kind.slug, printing.duration_minutes) == ("equipment-printing", 1)
    # Logged the next morning: both times kept, and the entry counts as back-dated.
    zotero = Interaction.objects.get(note__startswith="Help setting up Zotero")
    assert zotero.back_dated and zotero.occurred_at.date() == dt.date(2021, 3, 23)
    new_tag = TopicTag.objects.get(slug="zotero")
    assert new_tag.is_active is False and new_tag in zotero.tags.all()
    assert AuditEvent.objects.filter(action="import.commit", object_id=str(run.pk)).exists()


def test_gimlet_title_case_headers_and_separate_date_and_time_columns_work_too(points):
    content = (
        b"Question Number,Location,Format,Question Type,Difficulty,Question Date,Question Time,Question\n"
        b"7,Joint Desk,In person,Directional,1,2021-03-22,09:12 AM,Where is the lift?\n"
    )
    mapping = preset_mapping("gimlet", content, "export.csv")
    assert mapping.columns["occurred_at"] == ["Question Date", "Question Time"]
    run, result = import_with(mapping, content, "export.csv", preset="gimlet")
    assert result.rejections == [] and run.rows_created == 1
    assert Interaction.objects.get().occurred_at == dt.datetime(2021, 3, 22, 9, 12, tzinfo=NEW_YORK)


def test_a_libanswers_export_imports_through_the_libanswers_preset(points):
    content = fixture_bytes("libanswers_transactions.csv")
    mapping = preset_mapping("libanswers", content, "transactions.csv")
    run, result = import_with(mapping, content, "transactions.csv", preset="libanswers")

    assert result.rejections == [] and run.rows_created == 5
    census = Interaction.objects.get(note__startswith="Looking for census")
    assert census.note == "Looking for census data by tract, 1990 and 2000\n(for a GIS project)"
    assert (census.kind.slug, census.read_level, census.mode, census.duration_minutes) == ("research", 4, "chat", 23)
    assert census.occurred_at == dt.datetime(2022, 3, 1, 10, 41, 55, tzinfo=NEW_YORK)
    kinds = dict(Interaction.objects.values_list("note", "kind__slug"))
    assert kinds["Renew all my loans please"] == "account-access"
    assert kinds["Colour printer jammed"] == "equipment-printing"


def test_an_email_address_in_a_note_is_removed_and_reported_as_a_warning(points):
    content = fixture_bytes("libanswers_transactions.csv")
    run, result = import_with(preset_mapping("libanswers", content, "t.csv"), content, "t.csv", preset="libanswers")
    outlook = Interaction.objects.get(note__startswith="Outlook")
    assert "@" not in outlook.note and "[removed]" in outlook.note
    assert [(w.line, w.field) for w in result.warnings] == [(4, "note")]  # spreadsheet row 4 (row 3 spans lines)
    assert "e-mail address" in result.warnings[0].message
    assert run.report["warnings"][0]["line"] == 4  # spreadsheet row


def test_re_importing_the_same_file_adds_nothing_even_through_another_mapping_that_gives_the_same_values(points):
    content = fixture_bytes("desk_log_spring.csv")
    first, _ = import_with(CUSTOM_MAPPING, content, "spring.csv")
    assert first.rows_created == 4
    again, _ = import_with(CUSTOM_MAPPING, content, "spring.csv")
    assert (again.rows_created, again.rows_already_imported, again.rows_rejected) == (0, 4, 0)
    assert again.status == ImportRun.Status.COMMITTED
    # Another mapping that reads the same values (the mode words spelled out) finds them all.
    other = Mapping(**{**CUSTOM_MAPPING.__dict__, "value_maps": {"mode": {"in person": "in_person", "phone": "phone"}}})
    third, _ = import_with(other, content, "renamed.csv")
    assert third.rows_already_imported == 4 and third.rows_created == 0
    assert Interaction.objects.count() == 4
    # One that makes them other interactions (every mode "phone") is new rows: identity is the values.
    not_phone = Interaction.objects.exclude(mode="phone").count()
    changed = Mapping(**{**CUSTOM_MAPPING.__dict__, "value_maps": {"mode": {"*": "phone"}}})
    fourth, _ = import_with(changed, content, "changed.csv")
    assert not_phone > 0 and (fourth.rows_created, fourth.rows_already_imported) == (not_phone, 4 - not_phone)


def test_a_row_repeated_word_for_word_is_two_interactions_and_still_imports_once(points):
    content = (
        b"When;Desk;What;Effort\n02/09/2024 09:40;joint-desk;directional;1\n02/09/2024 09:40;joint-desk;directional;1\n"
    )
    mapping = Mapping(
        columns={"occurred_at": ["When"], "service_point": ["Desk"], "kind": ["What"], "read_level": ["Effort"]},
        date_format="dmy",
    )
    assert import_with(mapping, content, "a.csv")[0].rows_created == 2
    assert import_with(mapping, content, "a.csv")[0].rows_already_imported == 2
    assert Interaction.objects.count() == 2


def test_one_bad_row_commits_nothing_and_the_report_names_line_field_and_reason(points):
    content = fixture_bytes("desk_log_spring.csv").replace(b";Research;4;", b";Research;seven;")
    run, result = import_with(CUSTOM_MAPPING, content, "spring.csv")
    assert Interaction.objects.count() == 0
    assert run.status == ImportRun.Status.REJECTED and run.rows_created == 0
    assert [str(r) for r in result.rejections] == ["row 5: read_level: 'seven' is not a number 1–6"]
    assert run.report["rejections"] == [
        {"line": 5, "field": "read_level", "message": "'seven' is not a number 1–6", "value": "seven"}
    ]
    assert not AuditEvent.objects.filter(action="import.commit").exists()


def test_every_rejected_row_is_reported_not_just_the_first(points):
    content = (
        b"When;Desk;What;Effort\n"
        b"02/09/2024 09:40;joint-desk;directional;1\n"
        b"31/02/2024 09:40;joint-desk;directional;1\n"
        b"02/09/2024 09:41;nowhere;directional;9\n"
        b"02/09/2024 09:42;joint-desk;cooking;2\n"
        b"02/09/2024 09:43;joint-desk\n"
        b"01/01/2099 09:43;joint-desk;directional;2\n"
    )
    mapping = Mapping(
        columns={"occurred_at": ["When"], "service_point": ["Desk"], "kind": ["What"], "read_level": ["Effort"]},
        date_format="dmy",
    )
    _, result = import_with(mapping, content, "bad.csv")
    lines = [(r.line, r.field) for r in result.rejections]
    assert lines == [
        (3, "occurred_at"),
        (4, "service_point"),
        (4, "read_level"),
        (5, "kind"),
        (6, "row"),
        (7, "occurred_at"),
    ]
    messages = {(r.line, r.field): r.message for r in result.rejections}
    assert "'31/02/2024 09:40' is not a date" in messages[(3, "occurred_at")]
    assert "Unknown service point 'nowhere'" in messages[(4, "service_point")]
    assert "Unknown kind 'cooking'" in messages[(5, "kind")]
    assert "2 cells but the header has 4" in messages[(6, "row")]
    assert "future" in messages[(7, "occurred_at")]
    assert result.rows_rejected == 5 and Interaction.objects.count() == 0


def test_notes_with_tabs_newlines_backslashes_and_other_scripts_are_stored_as_the_file_has_them(points):
    """On PostgreSQL the rows go in as COPY text the desk writes itself: every character that
    means something to COPY is escaped, and comes back as the cell had it."""
    notes = [
        "tab\there",
        "a cell\nover two lines",
        "back\\slash, \\N and \\. as text",
        "café — Übung, 東京, Ελληνικά 🙂",
        "all\tat\\once\n\\N",
    ]
    lines = ["When;Desk;What;Effort;How;Minutes;Notes"]
    for day, note in enumerate(notes, start=1):
        quoted = note.replace('"', '""')
        lines.append(f'0{day}/09/2024 09:15;joint-desk;Research;3;in person;12;"{quoted}"')
    content = "\n".join(lines).encode()
    run, result = import_with(CUSTOM_MAPPING, content, "notes.csv")
    assert result.rejections == [] and run.rows_created == len(notes)
    stored = Interaction.objects.order_by("occurred_at").values_list("note", flat=True)
    assert list(stored) == notes


def test_a_failure_while_writing_rolls_back_every_row(points, monkeypatch):
    from liaison.desk import services as desk_services

    real = desk_services.InteractionCopy.write

    def write_then_fail(self, rows):
        real(self, rows)
        # Written inside the transaction (on PostgreSQL this query first ends the open COPY) …
        assert Interaction.objects.count() == 4
        raise IntegrityError("disk full, say")

    monkeypatch.setattr(desk_services.InteractionCopy, "write", write_then_fail)
    with pytest.raises(ValidationError):
        import_with(CUSTOM_MAPPING, fixture_bytes("desk_log_spring.csv"), "spring.csv")
    assert Interaction.objects.count() == 0  # … and gone with it
    assert TopicTag.objects.filter(is_active=False).count() == 0
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED and "nothing was imported" in run.report["failure"]


def test_a_blank_read_level_can_be_derived_from_the_question_type_with_a_value_map(points):
    content = fixture_bytes("gimlet_questions.csv").replace(b",Directional,1,", b",Directional,,")
    mapping = preset_mapping("gimlet", content, "q.csv")
    # The Gimlet preset gives a blank difficulty the default READ level (1), and says so.
    _, result = import_with(mapping, content, "q.csv", dry_run=True)
    assert result.rejections == []
    assert "1 row(s) had a blank READ level and took the default '1'." in result.notes
    # Without a default, the blank is a rejected row.
    mapping.constants.pop("read_level")
    _, result = import_with(mapping, content, "q.csv", dry_run=True)
    assert [(r.line, r.field) for r in result.rejections] == [(2, "read_level")]

    mapping.columns["read_level"] = ["difficulty", "question_type"]
    mapping.value_maps["read_level"] = value_map_from_text("Directional = 1\nPrinting = 1")
    run, result = import_with(mapping, content, "q.csv")
    assert result.rejections == [] and run.rows_created == 6
    assert Interaction.objects.get(note__startswith="Where are the group").read_level == 1
    # a column that has a value wins over the derived one
    assert Interaction.objects.get(note__startswith="Finding peer").read_level == 4


def test_a_date_without_a_time_counts_at_noon_unless_logged_that_same_day(points):
    content = (
        b"Logged,Happened,Kind,READ\n"
        b"1/6/2020 10:18:38,1/3/2020,research,2\n"
        b"1/6/2020 10:19:07,1/6/2020,research,2\n"
        b"1/6/2020 10:20:00,,research,2\n"
    )
    mapping = Mapping(
        columns={"logged_at": ["Logged"], "occurred_at": ["Happened"], "kind": ["Kind"], "read_level": ["READ"]},
        constants={"service_point": "film-study-center"},
    )
    run, result = import_with(mapping, content, "log.csv")
    assert result.rejections == []
    rows = list(Interaction.objects.order_by("logged_at").values_list("occurred_at", "logged_at"))
    assert rows[0] == (
        dt.datetime(2020, 1, 3, 12, 0, tzinfo=NEW_YORK),
        dt.datetime(2020, 1, 6, 10, 18, 38, tzinfo=NEW_YORK),
    )
    assert rows[1][0] == rows[1][1]  # the same day: the logged time is the best there is
    assert rows[2][0] == rows[2][1]
    assert any("12:00" in note for note in run.report["notes"])


LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")


def test_times_are_read_in_the_mappings_time_zone(points):
    """A log kept at Berkeley says 10:18 for 10:18 Pacific: 13:18 on this (Eastern) campus."""
    content = (
        b"Logged,Happened,Kind,READ\n"
        b"1/6/2020 10:18:38,1/3/2020,research,2\n"
        b"1/6/2020 10:19:07,2020-01-06T09:00:00+01:00,research,2\n"
    )
    mapping = Mapping(
        columns={"logged_at": ["Logged"], "occurred_at": ["Happened"], "kind": ["Kind"], "read_level": ["READ"]},
        constants={"service_point": "film-study-center"},
        time_zone="America/Los_Angeles",
    )
    run, result = import_with(mapping, content, "berkeley.csv")
    assert result.rejections == []
    first, second = Interaction.objects.order_by("logged_at")
    assert first.logged_at == dt.datetime(2020, 1, 6, 10, 18, 38, tzinfo=LOS_ANGELES)
    assert first.logged_at.astimezone(NEW_YORK).hour == 13
    assert first.occurred_at == dt.datetime(2020, 1, 3, 12, 0, tzinfo=LOS_ANGELES)  # a date alone: noon there
    assert second.occurred_at == dt.datetime(2020, 1, 6, 8, 0, tzinfo=dt.UTC)  # an offset in the cell wins
    assert run.mapping_snapshot["time_zone"] == "America/Los_Angeles"


def test_an_unknown_time_zone_is_a_mapping_error_naming_the_field(points):
    mapping = Mapping(**{**CUSTOM_MAPPING.__dict__, "time_zone": "Pacific Time"})
    with pytest.raises(ValidationError) as caught:
        import_with(mapping, fixture_bytes("desk_log_spring.csv"), "spring.csv")
    assert caught.value.message_dict["time_zone"] == [
        "'Pacific Time' is not a time zone name such as America/Los_Angeles or Europe/London."
    ]
    assert ImportRun.objects.count() == 0 and Interaction.objects.count() == 0


def test_a_saved_mapping_keeps_its_time_zone(points, users):
    mapping = Mapping(**{**CUSTOM_MAPPING.__dict__, "time_zone": "Europe/London"})
    saved = services.import_mapping_save(
        actor=users[Role.SUPERVISOR], importer_key=DESK, name="London desk", mapping=mapping
    )
    assert saved.time_zone == "Europe/London"
    assert Mapping.from_json(saved.as_mapping_json()).time_zone == "Europe/London"
    services.import_mapping_save(
        actor=users[Role.SUPERVISOR], importer_key=DESK, name="London desk", mapping=CUSTOM_MAPPING
    )
    saved.refresh_from_db()
    assert saved.time_zone == "", "saving again without a zone goes back to the site's"


def test_a_mapping_without_a_time_zone_keeps_its_digest():
    assert "time_zone" not in CUSTOM_MAPPING.as_json()


def test_a_mapping_that_does_not_fit_the_file_is_refused_with_every_reason(points):
    content = fixture_bytes("desk_log_spring.csv")
    wrong = Mapping(columns={"occurred_at": ["Date"], "kind": ["What"]}, constants={"read_level": "seven"})
    with pytest.raises(ValidationError) as caught:
        import_with(wrong, content, "spring.csv")
    errors = caught.value.message_dict
    assert "Column 'Date' is not in the file" in errors["occurred_at"][0]
    assert "Service point is required" in errors["service_point"][0]
    assert "'seven' is not a number 1–6" in errors["read_level"][0]
    assert ImportRun.objects.count() == 0 and Interaction.objects.count() == 0


def test_an_unknown_default_service_point_is_a_mapping_error_not_a_rejection_per_row(points):
    mapping = Mapping(**{**CUSTOM_MAPPING.__dict__, "columns": {**CUSTOM_MAPPING.columns}})
    del mapping.columns["service_point"]
    mapping.constants = {"service_point": "atlantis"}
    with pytest.raises(ValidationError) as caught:
        import_with(mapping, fixture_bytes("desk_log_spring.csv"), "spring.csv")
    assert caught.value.message_dict["service_point"] == ["Default: Unknown service point 'atlantis'."]


def test_a_note_longer_than_the_desk_allows_is_shortened_with_a_warning(points):
    long_note = "x" * 700
    content = f"When;Desk;What;Effort;Notes\n02/09/2024 09:40;joint-desk;research;2;{long_note}\n".encode()
    mapping = Mapping(
        columns={
            "occurred_at": ["When"],
            "service_point": ["Desk"],
            "kind": ["What"],
            "read_level": ["Effort"],
            "note": ["Notes"],
        },
        date_format="dmy",
    )
    _, result = import_with(mapping, content, "long.csv")
    assert len(Interaction.objects.get().note) == 500
    assert "shortened to 500" in result.warnings[0].message


def test_a_dry_run_writes_nothing(points):
    run, result = import_with(CUSTOM_MAPPING, fixture_bytes("desk_log_spring.csv"), "spring.csv", dry_run=True)
    assert run is None and result.rows_new == 4
    assert Interaction.objects.count() == 0 and ImportRun.objects.count() == 0


def test_the_guide_shows_the_same_bampfa_mapping_the_tests_import_with():
    from pathlib import Path

    from django.conf import settings

    from liaison.imports.examples import BAMPFA_KIND_MAP, BAMPFA_MODE_MAP, BAMPFA_READ_MAP

    guide = (Path(settings.BASE_DIR) / "docs" / "importing.md").read_text()
    assert all(line in guide for line in BAMPFA_KIND_MAP.splitlines())
    assert all(f"`{line}`" in guide for line in (BAMPFA_READ_MAP + "\n" + BAMPFA_MODE_MAP).splitlines())
