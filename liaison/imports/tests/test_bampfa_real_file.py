"""The real BAMPFA Film Library desk log (2020) imports through a mapping.

The file (../shared/realdata/bampfa-desk-log-2020/libstats_2020.csv) is a private fixture:
read in place, never copied. It has 470 responses in 472 lines (one cell spans four lines),
no READ column, free-text topics, blanks, and 179 entries logged after the fact ("Date if not
today"). Six responses give "other" as the interaction source, which has no mode in Liaison:
until the mapping says what to do with them, the whole file is refused.
"""

import datetime as dt
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.core.roles import Role
from liaison.desk.models import Interaction
from liaison.imports import services
from liaison.imports.examples import BAMPFA_MODE_MAP, bampfa_form_data
from liaison.imports.forms import MappingForm
from liaison.imports.models import ImportRun
from liaison.imports.parsing import parse_file
from liaison.imports.registry import importer_get

pytestmark = pytest.mark.django_db

REAL_FILE = Path(settings.BASE_DIR).parent / "shared" / "realdata" / "bampfa-desk-log-2020" / "libstats_2020.csv"
ROWS = 470
OTHER_SOURCE_LINES = [335, 336, 368, 370, 376, 381]  # "interaction source" = other


@pytest.fixture
def real_file():
    if not REAL_FILE.parent.is_dir():
        pytest.skip("../shared/realdata is not present")
    return REAL_FILE.read_bytes()


def upload(client, content: bytes) -> ImportRun:
    response = client.post(
        "/imports/",
        {"importer": "desk_interactions", "file": SimpleUploadedFile("libstats_2020.csv", content, "text/csv")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRun.objects.get(public_id=response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_real_desk_log_is_read_with_its_multi_line_cell_and_every_row(real_file):
    parsed = parse_file(real_file, "libstats_2020.csv")
    assert parsed.rows_total == ROWS and parsed.problems == []
    assert len(parsed.headers) == 12
    multi = [r for r in parsed.rows if "\n" in r.values["research need"]]
    assert [r.line for r in multi] == [390]
    assert parsed.rows[-1].line == 471  # spreadsheet rows: 470 rows + the header (a multi-line cell is one row)


def test_the_example_mapping_built_in_the_form_imports_all_470_rows_and_again_adds_none(real_file, points, users):
    headers = parse_file(real_file, "libstats_2020.csv").headers
    form = MappingForm(bampfa_form_data(), importer=importer_get("desk_interactions"), headers=headers)
    assert form.is_valid(), form.errors

    run, result = services.import_file(
        actor=users[Role.SUPERVISOR],
        importer_key="desk_interactions",
        file_name="libstats_2020.csv",
        content=real_file,
        mapping=form.mapping,
    )
    assert result.rejections == []
    assert (run.status, run.rows_total, run.rows_created, run.rows_rejected) == ("committed", 470, 470, 0)
    # Distributions follow the file's own columns (counted by reading it).
    assert Counter(Interaction.objects.values_list("read_level", flat=True)) == {1: 151, 2: 118, 3: 112, 4: 89}
    assert Counter(Interaction.objects.values_list("mode", flat=True)) == {
        "email": 337,
        "in_person": 116 + 6,
        "phone": 11,
    }
    assert Counter(Interaction.objects.values_list("kind__slug", flat=True)) == {
        "research": 369,
        "other": 47,
        "directional": 31,
        "equipment-printing": 19,
        "technology": 4,
    }
    # The log was kept at Berkeley: its first timestamp, 1/6/2020 10:18:38, is Pacific time.
    first = Interaction.objects.order_by("logged_at").first()
    assert first.logged_at == dt.datetime(2020, 1, 6, 18, 18, 38, tzinfo=dt.UTC)
    # 179 entries carry "Date if not today": logged after the fact, both times kept.
    assert sum(1 for i in Interaction.objects.only("occurred_at", "logged_at") if i.back_dated) == 179
    assert Interaction.objects.filter(note="").count() == 14  # blank "research need"

    again, result = services.import_file_as_system(
        importer_key="desk_interactions", file_name="copy.csv", content=real_file, mapping=form.mapping
    )
    assert (again.rows_created, again.rows_already_imported, again.rows_rejected) == (0, 470, 0)
    assert Interaction.objects.count() == 470


def test_through_the_browser_the_log_is_refused_until_other_has_a_mode_then_imports(
    real_file, points, client_as, django_capture_on_commit_callbacks
):
    client = client_as(Role.LIBRARY_STAFF)
    run = upload(client, real_file)
    preview = client.get(f"/imports/runs/{run.public_id}/")
    assert preview.status_code == 200
    assert "Agnes Varda films" in preview.content.decode()

    # The guess from the header finds no READ column: a mapping error, not a 500.
    guessed = preview.context["form"]
    guessed_data = {k: v for k, v in guessed.initial.items() if v}
    guessed_data.setdefault("date_format", "mdy")
    refused = client.post(f"/imports/runs/{run.public_id}/check/", guessed_data)
    assert refused.status_code == 400
    assert "READ level is required" in refused.content.decode()

    without_other = {**bampfa_form_data(), "map__mode": BAMPFA_MODE_MAP.replace("other = in_person", "")}
    checked = client.post(f"/imports/runs/{run.public_id}/check/", without_other)
    assert checked.status_code == 400
    run.refresh_from_db()
    assert (run.status, run.rows_rejected) == ("rejected", 6)
    assert [r["line"] for r in run.report["rejections"]] == OTHER_SOURCE_LINES
    assert {r["field"] for r in run.report["rejections"]} == {"mode"}
    page = checked.content.decode()
    assert "row 335" in page and "Unknown mode &#x27;other&#x27;" in page
    commit = client.post(f"/imports/runs/{run.public_id}/commit/", {"digest": run.report["mapping_digest"]})
    assert commit.status_code == 302 and Interaction.objects.count() == 0

    ok = client.post(f"/imports/runs/{run.public_id}/check/", bampfa_form_data())
    assert ok.status_code == 200 and "Import 470 rows" in ok.content.decode()
    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/imports/runs/{run.public_id}/commit/", {"digest": run.report["mapping_digest"]})
    assert done.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.rows_created) == ("committed", 470)
    assert Interaction.objects.count() == 470
    assert list(services.import_storage_dir().iterdir()) == []  # the kept upload is deleted


def test_the_command_imports_the_log_with_a_saved_mapping_and_a_rerun_adds_nothing(real_file, points, users):
    headers = parse_file(real_file, "libstats_2020.csv").headers
    form = MappingForm(bampfa_form_data(), importer=importer_get("desk_interactions"), headers=headers)
    assert form.is_valid()
    services.import_mapping_save(
        actor=users[Role.SUPERVISOR], importer_key="desk_interactions", name="BAMPFA desk log", mapping=form.mapping
    )
    out = StringIO()
    call_command(
        "import_interactions",
        str(REAL_FILE),
        mapping="BAMPFA desk log",
        no_progress=True,
        stdout=out,
        stderr=StringIO(),
    )
    assert "Imported 470 row(s)" in out.getvalue()
    out = StringIO()
    call_command(
        "import_interactions",
        str(REAL_FILE),
        mapping="BAMPFA desk log",
        no_progress=True,
        stdout=out,
        stderr=StringIO(),
    )
    assert "new: 0   already imported: 470   rejected: 0" in out.getvalue()
    assert Interaction.objects.count() == 470


def test_the_command_exits_non_zero_and_lists_every_rejected_line(real_file, points, users):
    headers = parse_file(real_file, "libstats_2020.csv").headers
    data = {**bampfa_form_data(), "map__mode": "walk in = in_person\nphone call = phone"}
    form = MappingForm(data, importer=importer_get("desk_interactions"), headers=headers)
    assert form.is_valid()
    services.import_mapping_save(
        actor=users[Role.SUPERVISOR], importer_key="desk_interactions", name="strict", mapping=form.mapping
    )
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_interactions", str(REAL_FILE), mapping="strict", no_progress=True, stdout=out, stderr=StringIO()
        )
    assert caught.value.returncode == 1
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("row ")]
    assert lines == [
        f"row {n}: mode: Unknown mode 'other'; use one of in_person, phone, chat, email, remote, video, unknown. "
        "A value map line 'other = …' translates it."
        for n in OTHER_SOURCE_LINES
    ]
    assert Interaction.objects.count() == 0
