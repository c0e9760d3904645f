"""A row's identity survives a re-save (ADR 0040), ids of two tools never clash, identical
rows of a tally are counted, and a Count column makes the desk's reports add up to the file."""

import csv
import datetime as dt
import io
import random
import uuid

import pytest
from openpyxl import Workbook

from liaison.desk import reports
from liaison.desk.importers import NAMESPACE
from liaison.desk.models import Interaction, InteractionKind
from liaison.imports import services
from liaison.imports.mapping import Mapping
from liaison.imports.models import ImportRun

pytestmark = pytest.mark.django_db
DESK = "desk_interactions"

LOG = [
    ["When", "Desk", "What", "Effort", "How", "Patron affiliation"],
    ["24/03/2021 09:30", "joint-desk", "research", "3", "in person", "Undergraduate"],
    ["24/03/2021 09:30", "joint-desk", "directional", "1", "phone", "Faculty"],
    ["24/03/2021 14:05", "it-help-desk", "technology", "2", "chat", "Staff"],
]
LOG_MAPPING = Mapping(
    columns={
        "occurred_at": ["When"],
        "service_point": ["Desk"],
        "kind": ["What"],
        "read_level": ["Effort"],
        "mode": ["How"],
    },
    value_maps={"mode": {"in person": "in_person"}},
    date_format="dmy",
)


def as_csv(rows, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def load(content, name, mapping=LOG_MAPPING, preset=""):
    return services.import_file_as_system(
        importer_key=DESK, file_name=name, content=content, mapping=mapping, preset_key=preset
    )


def test_the_same_data_resaved_as_xlsx_trimmed_or_reformatted_adds_nothing(points):
    first, _ = load(as_csv(LOG), "log.csv")
    assert first.rows_created == 3
    # Re-saved as an Excel workbook.
    assert load(as_xlsx(LOG), "log.xlsx")[0].rows_already_imported == 3
    # A column deleted for privacy (one the mapping does not use).
    trimmed = [row[:5] for row in LOG]
    assert load(as_csv(trimmed, ";"), "trimmed.csv")[0].rows_already_imported == 3
    # Times written another way ("09:30" as "9:30", with seconds), and the columns in another order.
    reformatted = [[r[4], r[3], r[2], r[1], r[0].replace(" 09:30", " 9:30:00")] for r in LOG]
    again, _ = load(as_csv(reformatted), "again.csv")
    assert (again.rows_created, again.rows_already_imported) == (0, 3)
    assert Interaction.objects.count() == 3


def test_twelve_identical_tally_rows_stay_twelve_and_a_second_import_adds_none(points):
    rows = [LOG[0]] + [LOG[2]] * 12
    assert load(as_csv(rows), "tally.csv")[0].rows_created == 12
    assert load(as_csv(rows), "tally.csv")[0].rows_already_imported == 12
    assert Interaction.objects.count() == 12


ID_MAPPING = Mapping(**{**LOG_MAPPING.__dict__, "columns": {**LOG_MAPPING.columns, "external_id": ["Id"]}})


def with_ids(ids):
    return [["Id", *LOG[0]]] + [[i, *row] for i, row in zip(ids, LOG[1:], strict=False)]


def test_the_same_id_from_two_tools_is_two_rows_and_ids_survive_edits(points):
    gimlet = Mapping(**{**ID_MAPPING.__dict__, "source": "gimlet"})
    libanswers = Mapping(**{**ID_MAPPING.__dict__, "source": "libanswers"})
    assert load(as_csv(with_ids(["800", "801", "802"])), "g.csv", gimlet)[0].rows_created == 3
    other, _ = load(as_csv(with_ids(["800", "801", "802"])), "l.csv", libanswers)
    assert (other.rows_created, other.rows_already_imported) == (3, 0)
    # With ids, an edited row is still the same row.
    edited = with_ids(["800", "801", "802"])
    edited[1][4] = "4"
    assert load(as_csv(edited), "g2.csv", gimlet)[0].rows_already_imported == 3


def test_a_repeated_id_counts_once_when_identical_and_is_rejected_when_not(points):
    rows = [*with_ids(["800", "801", "802"]), with_ids(["800"])[1]]
    run, result = load(as_csv(rows), "dup.csv", ID_MAPPING)
    assert run.rows_created == 3 and result.merged == 1
    clash = [*with_ids(["900", "901", "902"]), ["900", *LOG[2]]]
    run, result = load(as_csv(clash), "clash.csv", ID_MAPPING)
    assert run.status == ImportRun.Status.REJECTED and Interaction.objects.count() == 3
    assert [(r.line, r.field) for r in result.rejections] == [(5, "external_id")]
    assert "first on row 2" in result.rejections[0].message


def test_rows_imported_before_the_new_identity_are_still_found_but_only_from_their_own_tool(points):
    """Before ADR 0040 an id row was keyed "id:<id>" whatever the tool."""
    kind = InteractionKind.objects.get(slug="research")
    Interaction.objects.create(
        client_id=uuid.uuid5(NAMESPACE, "desk_interactions:id:800"),
        service_point=points["joint-desk"],
        kind=kind,
        read_level=3,
        occurred_at=dt.datetime(2021, 3, 24, 9, 30, tzinfo=dt.UTC),
        source="import:gimlet",
        content_fingerprint="x",
    )
    rows = with_ids(["800"])
    gimlet = Mapping(**{**ID_MAPPING.__dict__, "source": "gimlet"})
    assert load(as_csv(rows), "g.csv", gimlet)[0].rows_already_imported == 1
    libanswers = Mapping(**{**ID_MAPPING.__dict__, "source": "libanswers"})
    assert load(as_csv(rows), "l.csv", libanswers)[0].rows_created == 1


def tally_file(seed: int = 7) -> tuple[bytes, int]:
    """Date × desk × category × mode with a Count, as a tool's summary export gives it."""
    rng = random.Random(seed)
    rows = [["Date", "Desk", "Category", "Mode", "Count"]]
    total = 0
    for day in range(1, 29):
        for desk in ("joint-desk", "it-help-desk"):
            for kind in ("research", "directional", "technology"):
                for mode in ("in_person", "phone"):
                    n = rng.randint(0, 40)
                    if n:
                        rows.append([f"2021-02-{day:02d}", desk, kind, mode, str(n)])
                        total += n
    rows.append(rows[-1])  # the same tally twice in one file: two rows, both counted
    total += int(rows[-1][4])
    return as_csv(rows), total


TALLY_MAPPING = Mapping(
    columns={
        "occurred_at": ["Date"],
        "service_point": ["Desk"],
        "kind": ["Category"],
        "mode": ["Mode"],
        "count": ["Count"],
    },
    constants={"read_level": "1"},
    date_format="ymd",
)


def test_a_tally_files_total_is_the_desk_reports_total_to_the_row(points):
    content, total = tally_file()
    run, result = load(content, "tally.csv", TALLY_MAPPING)
    assert result.rejections == [] and result.records_new == total
    assert Interaction.objects.count() == run.rows_created < total  # one row per tally, not N copies
    february = reports.period_for("month", anchor=dt.date(2021, 2, 10))
    assert reports.desk_table(period=february, rows="service_point").total == total
    assert reports.desk_table(period=february, rows="kind", columns="mode").total == total
    figures = reports.acrl_figures(period=february)
    assert figures.information_services + figures.directional == total
    assert sum(reports.by_month_for_years(period=february).values()) == total
    # Importing it again adds nothing, and the total stays the file's.
    assert load(content, "tally.csv", TALLY_MAPPING)[0].rows_created == 0
    assert reports.desk_table(period=february, rows="service_point").total == total


def test_an_unmapped_numeric_count_column_is_a_warning_before_commit(points):
    content, _total = tally_file()
    mapping = Mapping(
        **{**TALLY_MAPPING.__dict__, "columns": {k: v for k, v in TALLY_MAPPING.columns.items() if k != "count"}}
    )
    _run, result = services.import_file_as_system(
        importer_key=DESK, file_name="tally.csv", content=content, mapping=mapping, dry_run=True
    )
    assert len(result.cautions) == 1 and "'Count' holds numbers and is not mapped" in result.cautions[0]
    # Mapped, no warning.
    _run, result = services.import_file_as_system(
        importer_key=DESK, file_name="tally.csv", content=content, mapping=TALLY_MAPPING, dry_run=True
    )
    assert result.cautions == []


def test_a_count_column_of_text_rejects_those_rows_and_imports_nothing(points):
    content = as_csv(
        [["Date", "Desk", "Category", "Mode", "Count"], ["2021-02-01", "joint-desk", "research", "phone", "a dozen"]]
    )
    run, result = load(content, "tally.csv", TALLY_MAPPING)
    assert run.status == ImportRun.Status.REJECTED and Interaction.objects.count() == 0
    assert [(r.line, r.field) for r in result.rejections] == [(2, "count")]
    assert "'a dozen' is not a number 1–1,000,000" in result.rejections[0].message


def test_a_row_keeps_the_identity_every_earlier_import_gave_it(points):
    """ADR 0040's identity, written out here as it was first made (JSON of the tool and the
    values, SHA-256, uuid5): the importer works it out faster and must reach the same id, or a
    file imported before would come in twice."""
    import hashlib
    import json

    run, _ = load(as_csv(LOG[:2] + [LOG[2]] * 2), "log.csv")
    assert run.rows_created == 3
    kind = InteractionKind.objects.get(slug="directional")
    moment = dt.datetime(2021, 3, 24, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4))).astimezone(dt.UTC)
    key = [moment.strftime("%Y-%m-%dT%H:%M"), points["joint-desk"].pk, kind.pk, 1, "phone", None, None, None, [], 1]
    digest = hashlib.sha256(json.dumps(["csv", key], ensure_ascii=False, default=str).encode()).hexdigest()
    identity = f"csv:values:{digest[:40]}"
    for suffix in ("", "#2"):  # the repeated row is the second of its values
        stored = Interaction.objects.get(client_id=uuid.uuid5(NAMESPACE, f"{DESK}:{identity}{suffix}"))
        assert (stored.kind, stored.mode, stored.read_level) == (kind, "phone", 1)
