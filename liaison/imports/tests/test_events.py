"""What imports leave in the audit trail: one row per event, written with the change."""

import pytest

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.imports import services
from liaison.imports.mapping import Mapping
from liaison.imports.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db

SPRING = Mapping(
    columns={"occurred_at": ["When"], "service_point": ["Desk"], "kind": ["What"], "read_level": ["Effort"]},
    date_format="dmy",
)


def trail(obj, pk=None) -> list[str]:
    rows = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(pk or obj.pk))
    return list(rows.order_by("pk").values_list("action", flat=True))


def test_an_upload_leaves_one_row_when_started_checked_and_committed(users, points):
    staff = users[Role.LIBRARY_STAFF]
    run = services.import_run_start(
        actor=staff, importer_key="desk_interactions", file_name="s.csv", content=fixture_bytes("desk_log_spring.csv")
    )
    services.import_run_check(actor=staff, run=run, mapping=SPRING)
    run, _ = services.import_run_commit(actor=staff, run=run)
    assert trail(run) == ["import.start", "import.check", "import.commit"]
    commit = AuditEvent.objects.get(action="import.commit", object_id=str(run.pk))
    assert commit.actor == staff and commit.after["rows_created"] == 4 and commit.after["source"] == "import:csv"
    check = AuditEvent.objects.get(action="import.check", object_id=str(run.pk))
    assert check.after["rows_total"] == 4 and check.after["mapping_digest"] == SPRING.digest()


def test_a_discarded_upload_and_a_saved_then_deleted_mapping_leave_their_rows(users, points):
    staff = users[Role.IT_STAFF]
    run = services.import_run_start(
        actor=staff, importer_key="desk_interactions", file_name="s.csv", content=fixture_bytes("desk_log_spring.csv")
    )
    services.import_run_discard(actor=staff, run=run)
    assert trail(run) == ["import.start", "import.discard"]

    saved = services.import_mapping_save(actor=staff, importer_key="desk_interactions", name="Spring", mapping=SPRING)
    services.import_mapping_save(
        actor=staff,
        importer_key="desk_interactions",
        name="spring",
        mapping=Mapping(**{**SPRING.as_json(), "date_format": "mdy"}),
    )
    pk = saved.pk
    services.import_mapping_delete(actor=staff, mapping=saved)
    assert trail(saved, pk) == ["import_mapping.create", "import_mapping.update", "import_mapping.delete"]
