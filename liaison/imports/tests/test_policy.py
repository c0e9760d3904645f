"""Who may do what with imports, asked of the services themselves (so a new page or API
handler cannot forget it) and of every route that takes an object id."""

import csv
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied

from liaison.core.roles import Role
from liaison.imports import policy, selectors, services
from liaison.imports.mapping import Mapping
from liaison.imports.models import ImportMapping, ImportRun
from liaison.imports.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db

SPRING = Mapping(
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


def upload_as(user) -> ImportRun:
    return services.import_run_start(
        actor=user,
        importer_key="desk_interactions",
        file_name="spring.csv",
        content=fixture_bytes("desk_log_spring.csv"),
    )


def test_student_workers_cannot_start_an_import_even_by_calling_the_service(users, points):
    with pytest.raises(PermissionDenied):
        upload_as(users[Role.STUDENT_WORKER])
    assert not ImportRun.objects.exists()


def test_someone_elses_upload_cannot_be_checked_imported_or_discarded_through_the_services(users, points):
    run = upload_as(users[Role.LIBRARY_STAFF])
    other = users[Role.IT_STAFF]
    with pytest.raises(PermissionDenied):
        services.import_run_check(actor=other, run=run, mapping=SPRING)
    with pytest.raises(PermissionDenied):
        services.import_run_commit(actor=other, run=run)
    with pytest.raises(PermissionDenied):
        services.import_run_discard(actor=other, run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and run.checked_at is None and run.is_open

    services.import_run_check(actor=users[Role.SUPERVISOR], run=run, mapping=SPRING)
    run, _ = services.import_run_commit(actor=users[Role.SUPERVISOR], run=run)
    assert run.status == ImportRun.Status.COMMITTED and run.committed_by == users[Role.SUPERVISOR]


def test_a_run_the_command_made_for_nobody_is_worked_only_by_supervisors(users, points):
    run = ImportRun.objects.create(importer="desk_interactions", file_name="x.csv", file_sha256="0" * 64)
    assert not policy.can_act_on_run(users[Role.LIBRARY_STAFF], run)
    assert policy.can_act_on_run(users[Role.SUPERVISOR], run)
    assert policy.can_act_on_run(users[Role.ADMINISTRATOR], run)
    assert policy.can_see_run(users[Role.IT_STAFF], run)
    assert not policy.can_see_run(users[Role.STUDENT_WORKER], run)


def test_someone_elses_mapping_cannot_be_deleted_through_the_service(users):
    mine = services.import_mapping_save(
        actor=users[Role.IT_STAFF], importer_key="desk_interactions", name="IT log", mapping=SPRING
    )
    with pytest.raises(PermissionDenied):
        services.import_mapping_delete(actor=users[Role.LIBRARY_STAFF], mapping=mine)
    assert ImportMapping.objects.filter(pk=mine.pk).exists()
    with pytest.raises(PermissionDenied):
        selectors.import_mapping_get_for_user(user=users[Role.LIBRARY_STAFF], pk=mine.pk, to_manage=True)
    services.import_mapping_delete(actor=users[Role.SUPERVISOR], mapping=mine)
    assert not ImportMapping.objects.filter(pk=mine.pk).exists()


def test_another_importer_downloads_the_stored_report_not_a_fresh_check_of_the_kept_file(client_as, users, points):
    run = upload_as(users[Role.LIBRARY_STAFF])
    wrong = Mapping(
        columns={**SPRING.columns, "read_level": ["Minutes"]}, value_maps=SPRING.value_maps, date_format="dmy"
    )
    services.import_run_check(actor=users[Role.LIBRARY_STAFF], run=run, mapping=wrong)
    run.refresh_from_db()
    stored = run.report["rejections"]
    assert stored  # minutes are not READ levels
    run.report = {**run.report, "rejections": stored[:1]}  # as if the report had been capped
    run.save(update_fields=["report"])

    seen_by_other = client_as(Role.IT_STAFF).get(f"/imports/runs/{run.public_id}/rejected-rows.csv")
    assert seen_by_other.status_code == 200
    assert len(list(csv.reader(io.StringIO(seen_by_other.content.decode())))) == 1 + 1
    seen_by_uploader = client_as(Role.LIBRARY_STAFF).get(f"/imports/runs/{run.public_id}/rejected-rows.csv")
    assert len(list(csv.reader(io.StringIO(seen_by_uploader.content.decode())))) == 1 + len(stored)


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("get", "/imports/runs/{id}/"),
        ("post", "/imports/runs/{id}/check/"),
        ("post", "/imports/runs/{id}/commit/"),
        ("post", "/imports/runs/{id}/mapping/"),
        ("post", "/imports/runs/{id}/discard/"),
        ("get", "/imports/runs/{id}/rejected-rows.csv"),
        ("get", "/api/v1/imports/runs/{id}"),
    ],
)
def test_every_run_route_answers_a_made_up_id_with_404_and_a_student_or_a_stranger_with_no_data(
    client, users, points, method, route
):
    run = upload_as(users[Role.LIBRARY_STAFF])
    client.force_login(users[Role.SUPERVISOR])
    assert getattr(client, method)(route.format(id=uuid.uuid4())).status_code == 404
    client.force_login(users[Role.STUDENT_WORKER])
    assert getattr(client, method)(route.format(id=run.public_id)).status_code == 403
    client.logout()
    refused = getattr(client, method)(route.format(id=run.public_id))
    assert refused.status_code in (302, 401, 403) and b"Literature search" not in refused.content
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEWED and run.is_open


def test_a_made_up_or_deleted_mapping_cannot_be_deleted(client_as, users):
    client = client_as(Role.SUPERVISOR)
    assert client.post("/imports/mappings/999999/delete/").status_code == 404
    gone = services.import_mapping_save(
        actor=users[Role.SUPERVISOR], importer_key="desk_interactions", name="Gone", mapping=SPRING
    )
    services.import_mapping_delete(actor=users[Role.SUPERVISOR], mapping=gone)
    assert client.post(f"/imports/mappings/{gone.pk}/delete/").status_code == 404
