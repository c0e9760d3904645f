"""Checks and commits as background jobs (ADR 0043): progress while a worker runs them, a
cancel that leaves nothing behind, a restart that starts them again, and the upload kept
until the run is committed or abandoned."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from liaison.core.roles import Role
from liaison.desk.models import Interaction
from liaison.imports import engine, services
from liaison.imports.mapping import Mapping
from liaison.imports.models import ImportRun
from liaison.imports.tests.conftest import fixture_bytes
from liaison.imports.tests.test_browser_flow import SPRING_FORM, uploaded_run

pytestmark = pytest.mark.django_db
SPRING = Mapping(
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


@pytest.fixture
def on_a_worker(monkeypatch):
    """As with Redis: starting a job only queues it; the test plays the worker."""
    queued = []
    monkeypatch.setattr(services, "_dispatch", lambda run: queued.append(run.pk))
    cache.clear()
    return queued


def test_a_check_on_a_worker_shows_a_progress_bar_until_it_is_done(client_as, points, on_a_worker):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    response = client.post(f"/imports/runs/{run.public_id}/check/", SPRING_FORM, headers={"HX-Request": "true"})
    assert response.status_code == 202 and on_a_worker == [run.pk]  # accepted: a worker runs it
    assert "<progress" in response.content.decode() and "every 1s" in response.content.decode()
    progress = client.get(f"/imports/runs/{run.public_id}/progress/")
    assert progress.status_code == 200 and "0 of 4 rows" in progress.content.decode()
    services.import_run_job(run_pk=run.pk)  # the worker
    done = client.get(f"/imports/runs/{run.public_id}/progress/")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(f"/imports/runs/{run.public_id}/").content.decode()
    assert "Import 4 rows" in page


def test_a_commit_on_a_worker_imports_all_rows_and_a_cancelled_one_imports_none(
    client_as, users, points, on_a_worker, monkeypatch
):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    services.import_run_check(actor=users[Role.SUPERVISOR], run=run, mapping=SPRING)
    run.refresh_from_db()
    digest = run.report["mapping_digest"]
    client.post(f"/imports/runs/{run.public_id}/commit/", {"digest": digest})
    run.refresh_from_db()
    assert run.job == "commit" and run.job_state == "queued" and Interaction.objects.count() == 0
    # Cancelled while it writes: the rows it wrote are rolled back with it.
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(engine, "CHUNK", 1)
    calls = []

    def cancel_after_two():
        calls.append(1)
        if len(calls) == 2:
            client.post(f"/imports/runs/{run.public_id}/cancel/")
        return bool(cache.get(services._cancel_key(run)))

    real_job = services.import_run_commit

    def commit_with_cancel(**kwargs):
        return real_job(**{**kwargs, "cancelled": cancel_after_two})

    monkeypatch.setattr(services, "import_run_commit", commit_with_cancel)
    services.import_run_job(run_pk=run.pk)
    run.refresh_from_db()
    assert Interaction.objects.count() == 0 and run.status != ImportRun.Status.COMMITTED
    assert not run.job_active and "nothing" in run.job_message
    monkeypatch.setattr(services, "import_run_commit", real_job)
    # Again, to the end.
    client.post(f"/imports/runs/{run.public_id}/commit/", {"digest": digest})
    services.import_run_job(run_pk=run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED and Interaction.objects.count() == 4


def test_a_job_a_restart_killed_is_started_again_and_a_second_start_is_refused(users, points, on_a_worker):
    run = services.import_run_start(
        actor=users[Role.SUPERVISOR],
        importer_key="desk_interactions",
        file_name="spring.csv",
        content=fixture_bytes("desk_log_spring.csv"),
    )
    services.import_run_check_start(actor=users[Role.SUPERVISOR], run=run, mapping=SPRING)
    with pytest.raises(Exception) as caught:
        services.import_run_check_start(actor=users[Role.SUPERVISOR], run=run, mapping=SPRING)
    assert "already running" in str(caught.value)
    assert services.import_jobs_resume() == 0  # still fresh
    # The worker died at start; its progress stopped being reported.
    cache.clear()
    ImportRun.objects.filter(pk=run.pk).update(
        job_state="running", job_started_at=timezone.now() - dt.timedelta(minutes=10)
    )
    assert services.import_jobs_resume() == 1 and on_a_worker == [run.pk, run.pk]
    services.import_run_job(run_pk=run.pk)
    run.refresh_from_db()
    assert not run.job_active and run.checked_at is not None and run.rows_rejected == 0


def test_the_upload_is_kept_while_the_run_is_worked_on_and_a_committed_runs_mapping_can_be_saved(
    client_as, users, points
):
    client = client_as(Role.SUPERVISOR)
    run = uploaded_run(client, "spring.csv", fixture_bytes("desk_log_spring.csv"))
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    assert services.import_files_purge() == 0  # touched recently: kept
    run, _ = services.import_run_commit(
        actor=users[Role.SUPERVISOR],
        run=(services.import_run_check(actor=users[Role.SUPERVISOR], run=run, mapping=SPRING) and run),
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.COMMITTED and run.stored_file == ""
    response = client.post(f"/imports/runs/{run.public_id}/save-mapping/", {"name": "Spring log"})
    assert response.status_code == 302
    assert users[Role.SUPERVISOR].import_mappings.get(name="Spring log").columns["occurred_at"] == ["When"]
