"""An import's rows written through the COPY text the desk formats itself (`log._copy_text`):
every value read back from the database as it was built, whatever the note holds. On SQLite
the same rows go through `bulk_create`, and must come back the same."""

import datetime as dt
import uuid
import zoneinfo

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from liaison.core.roles import Role
from liaison.desk import services
from liaison.desk.models import Interaction
from liaison.desk.services import log

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

NOTES = [
    "tab\tinside",
    "two\nlines",
    "carriage\rreturn",
    "back\\slash and \\N and \\. and \\t written out",
    "\\",
    "ends with a backslash \\",
    "café — Übung, 東京, Ελληνικά, emoji 🙂, no-break\u00a0space",
    "all\tof\\them\r\nat once \\N",
]


def _row(batch, point, registrar, **values):
    row, errors = batch.build(
        service_point=point,
        kind="research",
        read_level=3,
        mode=None,
        client_id=uuid.uuid4(),
        occurred_at=dt.datetime(2025, 2, 3, 10, 15, tzinfo=BERLIN),
        **values,
    )
    assert errors == {}
    return row


def _plain(value):
    return str(value) if isinstance(value, uuid.UUID) else value


def _write(rows):
    with transaction.atomic():
        writer = services.InteractionCopy()
        writer.write(rows)
        writer.finish()


def test_the_copy_columns_are_every_field_of_an_interaction_but_its_id():
    fields = [f.attname for f in Interaction._meta.concrete_fields if not f.primary_key]
    assert sorted(log._COPY_ATTNAMES) == sorted(fields)
    assert len(log._COPY_ATTNAMES) == len(fields)


def test_notes_with_tabs_newlines_backslashes_and_other_scripts_come_back_as_written(point, registrar, users):
    batch = services.InteractionBatch(source="import:test", recorded_by=users[Role.LIBRARY_STAFF])
    rows = [_row(batch, point, registrar, note=note) for note in NOTES]
    assert [row.note for row in rows] == NOTES  # the desk's checks keep all of these
    with CaptureQueriesContext(connection) as queries:
        _write(rows)
    if connection.vendor == "postgresql":  # through the COPY, not an INSERT
        assert not [q for q in queries.captured_queries if "INSERT" in q["sql"].upper()]
    stored = dict(Interaction.objects.filter(source="import:test").values_list("client_id", "note"))
    assert {str(k): v for k, v in stored.items()} == {str(row.client_id): row.note for row in rows}


def test_every_value_of_a_copied_row_comes_back_as_built(point, registrar, users):
    batch = services.InteractionBatch(source="import:test", recorded_by=users[Role.LIBRARY_STAFF])
    full = _row(
        batch, point, registrar, note="Übung\t1", duration_minutes="15", referred_to=registrar, tech_category=None
    )
    full.logged_at = dt.datetime(2025, 2, 4, 9, 0, 30, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    bare = _row(services.InteractionBatch(source="import:other"), point, registrar, weight=12)
    bare.client_id = str(bare.client_id)  # an importer's client ids are text
    _write([full, bare])
    for row in (full, bare):
        stored = Interaction.objects.get(client_id=row.client_id)
        for name in log._COPY_ATTNAMES:
            assert _plain(getattr(stored, name)) == _plain(getattr(row, name)), name
    stored = Interaction.objects.get(client_id=full.client_id)
    assert stored.occurred_at == dt.datetime(2025, 2, 3, 9, 15, tzinfo=dt.UTC)
    assert stored.logged_at == dt.datetime(2025, 2, 4, 17, 0, 30, tzinfo=dt.UTC)
    assert (stored.duration_minutes, stored.referred_to, stored.tech_category) == (15, registrar, None)
    assert stored.recorded_by == users[Role.LIBRARY_STAFF]
    other = Interaction.objects.get(client_id=bare.client_id)
    assert (other.weight, other.duration_minutes, other.recorded_by, other.source) == (12, None, None, "import:other")


@on_postgresql
def test_a_note_with_a_nul_is_refused_and_nothing_is_written(point, registrar):
    batch = services.InteractionBatch(source="import:test")
    good = _row(batch, point, registrar, note="fine")
    bad = _row(batch, point, registrar, note="fine")
    bad.note = "nul\x00inside"  # the desk's checks strip it; a row changed afterwards is refused here
    with pytest.raises(DataError):
        _write([good, bad])
    assert not Interaction.objects.filter(source="import:test").exists()


def test_the_copy_text_escapes_what_postgresql_reads_as_structure(point, registrar):
    batch = services.InteractionBatch(source="import:test")
    row = _row(batch, point, registrar, note="a\tb\\c\nd\re")
    line = log._copy_text([row])
    assert line.endswith("\n") and line.count("\n") == 1
    fields = line[:-1].split("\t")
    assert len(fields) == len(log._COPY_ATTNAMES)
    assert fields[log._COPY_ATTNAMES.index("note")] == "a\\tb\\\\c\\nd\\re"
    assert fields[log._COPY_ATTNAMES.index("tech_category_id")] == "\\N"


@on_postgresql
def test_the_look_up_of_stored_ids_is_planned_with_its_ids_and_leaves_the_transaction_as_it_was(point, registrar):
    """ADR 0061 §5: inside an import's transaction the look-up runs under force_custom_plan (a
    generic plan made while the table was empty would scan it whole as it grows), and only it:
    the foreign-key checks at COMMIT keep their cached plans."""
    from liaison.desk import selectors

    batch = services.InteractionBatch(source="import:test")
    rows = [_row(batch, point, registrar, note=str(n)) for n in range(3)]
    with transaction.atomic():
        services.InteractionCopy().write(rows)
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            before = cursor.fetchone()[0]
        for _ in range(7):  # past psycopg's prepare threshold
            found = selectors.interaction_client_ids_stored([str(rows[0].client_id), str(uuid.uuid4())])
            assert found == {str(rows[0].client_id)}
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == before
