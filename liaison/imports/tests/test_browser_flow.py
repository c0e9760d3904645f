"""The import screens through the HTTP client: upload → preview → check → import."""

import datetime as dt
import uuid
import zoneinfo
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.desk.models import Interaction
from liaison.imports import services
from liaison.imports.mapping import Mapping
from liaison.imports.models import ImportMapping, ImportRun
from liaison.imports.tests.conftest import FIXTURES, fixture_bytes

pytestmark = pytest.mark.django_db

SPRING_FORM = {
    "col__occurred_at__0": "When",
    "col__service_point__0": "Desk",
    "col__kind__0": "What",
    "col__read_level__0": "Effort",
    "col__mode__0": "How",
    "map__mode": "in person = in_person",
    "col__duration_minutes__0": "Minutes",
    "col__note__0": "Notes",
    "date_format": "dmy",
}


def upload(client, name: str, content: bytes, importer: str = "desk_interactions"):
    return client.post("/imports/", {"importer": importer, "file": SimpleUploadedFile(name, content, "text/csv")})


def uploaded_run(client, name: str, content: bytes) -> ImportRun:
    response = upload(client, name, content)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportRun.objects.get(public_id=response["Location"].rstrip("/").rsplit("/", 1)[1])


def as_post(form) -> dict:
    """What the browser would send back for the form as shown."""
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data.setdefault("date_format", "mdy")
    return data


def test_a_gimlet_file_goes_from_upload_to_preview_to_check_to_import(
    client_as, points, django_capture_on_commit_callbacks
):
    client = client_as(Role.LIBRARY_STAFF)
    run = uploaded_run(client, "questions.csv", fixture_bytes("gimlet_questions.csv"))
    assert run.preset == "gimlet"  # recognised from its columns
    assert (services.import_storage_dir() / run.stored_file).exists()

    preview = client.get(f"/imports/runs/{run.public_id}/")
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "question_number" in page and "Where are the group study rooms?" in page
    form = preview.context["form"]
    assert form.initial["col__kind__0"] == "question_type"
    assert "reference = research" in form.initial["map__kind"]

    checked = client.post(f"/imports/runs/{run.public_id}/check/", as_post(form))
    assert checked.status_code == 200
    assert "Import 6 rows" in checked.content.decode()
    assert Interaction.objects.count() == 0  # a check writes nothing

    run.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/imports/runs/{run.public_id}/commit/", {"digest": run.report["mapping_digest"]})
    assert done.status_code == 302
    result = client.get(done["Location"])
    assert "Imported 6 row(s)" in result.content.decode()
    run.refresh_from_db()
    assert (run.status, run.rows_created, run.stored_file) == ("committed", 6, "")
    assert Interaction.objects.count() == 6
    assert list(services.import_storage_dir().iterdir()) == []


def test_htmx_asks_for_the_mapping_fragment_only(client_as, points):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    response = client.post(
        f"/imports/runs/{run.public_id}/check/", SPRING_FORM, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-work"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="import-work">') and "<html" not in body
    assert "Import 4 rows" in body
    reload = client.get(
        f"/imports/runs/{run.public_id}/?start=guess", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-work"
    )
    assert reload.content.decode().lstrip().startswith('<div id="import-work">')


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.csv", b"\x00\x01\x02binary\x00junk" * 50, "does not look like a text file"),
        ("noheader.csv", b"1/6/2020 10:18:38,walk in,3\n1/7/2020 11:00:00,email,2\n", "looks like data"),
        ("bad.csv", b"\x81\xb0\xb2\xb3\xb6\xb7" * 20 + b",x\n1,2\n", "encoding"),
        ("empty.csv", b"", "empty"),
        ("book.xlsx", b"PK\x03\x04broken", "could not be read"),
    ],
)
def test_a_malformed_file_gets_a_clear_message_not_a_500(client_as, name, content, message):
    response = upload(client_as(Role.IT_STAFF), name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_with_the_limit(client_as, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    response = upload(client_as(Role.SUPERVISOR), "big.csv", b"a,b\n" + b"1,2\n" * 270_000)
    assert response.status_code == 400
    assert "imports take files up to 1 MB" in response.content.decode()
    huge = upload(client_as(Role.SUPERVISOR), "huge.csv", b"a,b\n" + b"1,2\n" * 600_000)
    assert huge.status_code == 413 and "imports take files up to 1 MB" in huge.content.decode()
    assert ImportRun.objects.count() == 0


def test_a_wrong_mapping_is_shown_on_the_form_and_nothing_is_checked(client_as, points):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    wrong = {**SPRING_FORM, "col__service_point__0": "", "col__occurred_at__0": "Date", "map__kind": "no equals sign"}
    response = client.post(f"/imports/runs/{run.public_id}/check/", wrong)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Column &#x27;Date&#x27; is not in the file" in page  # offered as "(not in this file)"
    assert "Service point is required" in page
    assert "write &#x27;source value = target value&#x27;" in page
    run.refresh_from_db()
    assert run.checked_at is None and run.status == "previewed"


def test_importing_needs_a_check_first_and_the_mapping_that_was_checked(client_as, points):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    early = client.post(f"/imports/runs/{run.public_id}/commit/", {"digest": "x"}, follow=True)
    assert "Check all rows before importing" in early.content.decode()
    client.post(f"/imports/runs/{run.public_id}/check/", SPRING_FORM)
    stale = client.post(f"/imports/runs/{run.public_id}/commit/", {"digest": "not-the-checked-one"}, follow=True)
    assert "The mapping changed since these rows were checked" in stale.content.decode()
    assert Interaction.objects.count() == 0


def test_a_saved_mapping_is_offered_and_reused_for_the_next_file(client_as, points, users):
    client = client_as(Role.LIBRARY_STAFF)
    spring = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    saved = client.post(f"/imports/runs/{spring.public_id}/mapping/", {**SPRING_FORM, "name": "Semicolon desk log"})
    assert saved.status_code == 302
    mapping = ImportMapping.objects.get(name="Semicolon desk log")
    assert mapping.owner == users[Role.LIBRARY_STAFF] and mapping.columns["kind"] == ["What"]
    assert mapping.date_format == "dmy"

    summer = uploaded_run(client, "summer.csv", fixture_bytes("desk_log_summer.csv"))
    preview = client.get(f"/imports/runs/{summer.public_id}/?start=saved:{mapping.pk}")
    assert f"saved:{mapping.pk}" in preview.content.decode()
    checked = client.post(f"/imports/runs/{summer.public_id}/check/", as_post(preview.context["form"]))
    assert "Import 3 rows" in checked.content.decode()
    summer.refresh_from_db()
    assert summer.mapping == mapping
    client.post(f"/imports/runs/{summer.public_id}/commit/", {"digest": summer.report["mapping_digest"]})
    summer.refresh_from_db()
    assert summer.status == "committed" and summer.mapping == mapping
    eduroam = Interaction.objects.get(note__contains="eduroam")
    # day-first, in the site's time zone
    assert eduroam.occurred_at == dt.datetime(2024, 6, 11, 16, 45, tzinfo=zoneinfo.ZoneInfo("America/New_York"))


def test_someone_elses_mapping_name_cannot_be_overwritten_but_a_supervisor_may(client_as, points, users):
    mine = services.import_mapping_save(
        actor=users[Role.IT_STAFF],
        importer_key="desk_interactions",
        name="IT log",
        mapping=Mapping(
            constants={"service_point": "it-help-desk", "kind": "technology", "read_level": "2"},
            columns={"occurred_at": ["When"]},
        ),
    )
    client = client_as(Role.LIBRARY_STAFF)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    refused = client.post(f"/imports/runs/{run.public_id}/mapping/", {**SPRING_FORM, "name": "it log"})
    assert refused.status_code == 400
    assert "belongs to" in refused.content.decode()
    assert "Delete the mapping IT log" not in client.get("/imports/").content.decode()
    assert client.post(f"/imports/mappings/{mine.pk}/delete/").status_code == 403
    assert ImportMapping.objects.filter(pk=mine.pk).exists()
    client.force_login(users[Role.SUPERVISOR])
    assert "Delete the mapping IT log" in client.get("/imports/").content.decode()
    client.post(f"/imports/mappings/{mine.pk}/delete/")
    assert not ImportMapping.objects.filter(pk=mine.pk).exists()


def test_only_the_uploader_or_a_supervisor_may_work_on_an_upload(client_as, users, points, client):
    run = uploaded_run(client_as(Role.LIBRARY_STAFF), "spring.csv", fixture_bytes("desk_log_spring.csv"))
    client.force_login(users[Role.IT_STAFF])
    assert client.post(f"/imports/runs/{run.public_id}/check/", SPRING_FORM).status_code == 403
    summary = client.get(f"/imports/runs/{run.public_id}/")
    assert summary.status_code == 200 and "Literature search" not in summary.content.decode()
    client.force_login(users[Role.SUPERVISOR])
    assert client.post(f"/imports/runs/{run.public_id}/check/", SPRING_FORM).status_code == 200


def test_student_workers_do_not_import(client_as):
    client = client_as(Role.STUDENT_WORKER)
    assert client.get("/imports/").status_code == 403
    assert client.get("/api/v1/imports/runs").status_code == 403


def test_the_rejected_rows_download_lists_every_one(client_as, points):
    client = client_as(Role.SUPERVISOR)
    lines = ["When;Desk;What;Effort"] + [f"02/09/2024 09:{m:02d};joint-desk;research;{7 + m}" for m in range(30)]
    run = uploaded_run(client, "many.csv", ("\n".join(lines) + "\n").encode())
    client.post(
        f"/imports/runs/{run.public_id}/check/",
        {**SPRING_FORM, "col__mode__0": "", "col__duration_minutes__0": "", "col__note__0": ""},
    )
    response = client.get(f"/imports/runs/{run.public_id}/rejected-rows.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().strip().splitlines()
    assert rows[0] == "row,field,reason,When,Desk,What,Effort" and len(rows) == 31
    # Each rejected row comes with its own cells, so it can be fixed in the spreadsheet.
    assert rows[1] == "2,read_level,'7' is not a number 1–6,02/09/2024 09:00,joint-desk,research,7"


def test_discarding_an_upload_deletes_its_file_once_the_discard_is_saved(
    client_as, points, django_capture_on_commit_callbacks
):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        client.post(f"/imports/runs/{run.public_id}/discard/")
    run.refresh_from_db()
    assert run.status == "discarded" and len(list(services.import_storage_dir().iterdir())) == 1
    for callback in after_commit:
        callback()
    assert list(services.import_storage_dir().iterdir()) == []
    assert AuditEvent.objects.filter(action="import.discard", object_id=str(run.pk)).exists()


def test_kept_files_are_purged_after_a_day_and_never_served(client_as, points):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    assert client.get(f"/media-not-served-directly/imports/{run.stored_file}").status_code == 404
    stray = services.import_storage_dir() / f"{uuid.uuid4()}.csv"
    stray.write_bytes(b"a,b\n")
    assert services.import_files_purge() == 0  # young files stay
    assert services.import_files_purge(now=timezone.now() + dt.timedelta(hours=25)) == 2
    run.refresh_from_db()
    assert run.stored_file == "" and not run.is_open
    gone = client.get(f"/imports/runs/{run.public_id}/")
    assert gone.status_code == 200 and "Import another file" in gone.content.decode()


def test_the_api_lists_runs_and_shows_a_report(client_as, points):
    client = client_as(Role.IT_STAFF)
    run = uploaded_run(
        client, "spring.csv", fixture_bytes("desk_log_spring.csv").replace(b";Research;4;", b";Research;seven;")
    )
    client.post(f"/imports/runs/{run.public_id}/check/", SPRING_FORM)
    listing = client.get("/api/v1/imports/runs")
    assert listing.status_code == 200
    assert [r["file_name"] for r in listing.json()["results"]] == ["spring.csv"]
    detail = client.get(f"/api/v1/imports/runs/{run.public_id}").json()
    assert detail["status"] == "rejected" and detail["rows_rejected"] == 1
    assert detail["rejections"] == [{"line": 5, "field": "read_level", "message": "'seven' is not a number 1–6"}]
    assert detail["mapping"]["columns"]["kind"] == ["What"]
    importers = client.get("/api/v1/imports/importers").json()["results"]
    desk = next(i for i in importers if i["key"] == "desk_interactions")  # other apps register theirs too
    assert [p["key"] for p in desk["presets"]] == [
        "gimlet",
        "libanswers",
        "libstats",
        "libinsight",
        "desktracker",
    ]
    missing = client.get(f"/api/v1/imports/runs/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_every_api_list_is_one_page_shape(client_as, points, users):
    client = client_as(Role.SUPERVISOR)
    for n in range(3):
        uploaded_run(client, f"s{n}.csv", fixture_bytes("desk_log_spring.csv"))
    services.import_mapping_save(
        actor=users[Role.SUPERVISOR],
        importer_key="desk_interactions",
        name="Spring",
        mapping=Mapping(
            constants={"service_point": "joint-desk", "kind": "research", "read_level": "2"},
            columns={"occurred_at": ["When"]},
        ),
    )
    second = client.get("/api/v1/imports/runs?page=2&page_size=2").json()
    assert {k: second[k] for k in ("count", "page", "pages", "page_size")} == {
        "count": 3,
        "page": 2,
        "pages": 2,
        "page_size": 2,
    }
    assert [r["file_name"] for r in second["results"]] == ["s0.csv"]  # newest first
    assert client.get("/api/v1/imports/runs?page=3&page_size=2").json()["results"] == []
    assert [m["name"] for m in client.get("/api/v1/imports/mappings").json()["results"]] == ["Spring"]
    importers = client.get("/api/v1/imports/importers").json()  # every app's importers, the desk's among them
    assert importers["count"] == len(importers["results"]) >= 1
    assert "desk_interactions" in {i["key"] for i in importers["results"]}
    too_far = client.get("/api/v1/imports/runs?page=0")
    assert too_far.status_code == 400 and too_far.json()["errors"][0]["field"] == "page"


def test_the_runs_list_takes_a_fixed_number_of_queries(client_as, points, django_assert_max_num_queries):
    client = client_as(Role.SUPERVISOR)
    for n in range(4):
        uploaded_run(client, f"s{n}.csv", fixture_bytes("desk_log_spring.csv"))
    with django_assert_max_num_queries(12):
        assert client.get("/imports/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/imports/runs").status_code == 200


def test_the_command_imports_a_gimlet_export_with_a_service_point_for_every_row(points):
    out = StringIO()
    call_command(
        "import_interactions",
        str(FIXTURES / "gimlet_questions.csv"),
        preset="gimlet",
        service_point="film-study-center",
        no_progress=True,
        stdout=out,
        stderr=StringIO(),
    )
    assert "Imported 6 row(s)" in out.getvalue()
    assert set(Interaction.objects.values_list("service_point__slug", flat=True)) == {"film-study-center"}
    assert ImportRun.objects.get().via == "command"


def test_the_command_dry_run_writes_nothing_and_bad_input_exits_with_a_message(points, tmp_path):
    out = StringIO()
    call_command(
        "import_interactions",
        str(FIXTURES / "libanswers_transactions.csv"),
        preset="libanswers",
        dry_run=True,
        no_progress=True,
        stdout=out,
        stderr=StringIO(),
    )
    assert "Dry run: 5 row(s) would be imported." in out.getvalue()
    assert Interaction.objects.count() == 0 and ImportRun.objects.count() == 0
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01binary")
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_interactions", str(junk), preset="gimlet", no_progress=True, stdout=StringIO(), stderr=StringIO()
        )
    assert caught.value.returncode == 2 and "not look like a text file" in str(caught.value)
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_interactions",
            str(FIXTURES / "gimlet_questions.csv"),
            mapping="nope",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert "No saved mapping named 'nope'" in str(caught.value)


def test_the_command_records_the_user_it_names_if_they_may_import(points, users):
    def run_as(username: str) -> None:
        call_command(
            "import_interactions",
            str(FIXTURES / "gimlet_questions.csv"),
            preset="gimlet",
            service_point="film-study-center",
            user=username,
            no_progress=True,
            stdout=StringIO(),
            stderr=StringIO(),
        )

    for refused, reason in [("nobody-here", "No active user named"), (users[Role.STUDENT_WORKER].username, "may not")]:
        with pytest.raises(CommandError) as caught:
            run_as(refused)
        assert caught.value.returncode == 2 and reason in str(caught.value)
    assert Interaction.objects.count() == 0 and ImportRun.objects.count() == 0
    run_as(users[Role.LIBRARY_STAFF].username)
    run = ImportRun.objects.get()
    assert run.started_by == run.committed_by == users[Role.LIBRARY_STAFF] and run.rows_created == 6


def test_a_second_click_on_import_cannot_undo_or_repeat_the_first(client_as, points, users):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    client.post(f"/imports/runs/{run.public_id}/check/", SPRING_FORM)
    stale = ImportRun.objects.get(pk=run.pk)  # the second request loaded the run before the first finished
    first, _ = services.import_run_commit(actor=users[Role.SUPERVISOR], run=ImportRun.objects.get(pk=run.pk))
    assert first.rows_created == 4
    with pytest.raises(services.RunClosed):
        services.import_run_commit(actor=users[Role.SUPERVISOR], run=stale)
    run.refresh_from_db()
    assert (run.status, run.rows_created) == ("committed", 4)
    assert Interaction.objects.count() == 4
