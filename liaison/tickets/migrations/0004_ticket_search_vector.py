"""A stored tsvector for ticket search on PostgreSQL.

Searching `to_tsvector(search_text)` through an expression index still computes the vector
for every row the planner visits outside the index (counts, sorts, sequential scans); with
100,000 tickets that dominated a search. Now a trigger keeps `search_vector` in step with
`search_text` on every INSERT and UPDATE (bulk ones included), a GIN index covers it, and the
old expression index goes. On SQLite the column exists but stays empty: search there uses
`icontains` (see selectors._search)."""

import django.contrib.postgres.search
from django.db import migrations

FORWARD_SQL = [
    "DROP INDEX IF EXISTS ticket_search_gin",
    """CREATE TRIGGER ticket_search_vector_update
       BEFORE INSERT OR UPDATE OF search_text ON tickets_ticket
       FOR EACH ROW EXECUTE FUNCTION
       tsvector_update_trigger(search_vector, 'pg_catalog.english', search_text)""",
    "UPDATE tickets_ticket SET search_vector = to_tsvector('pg_catalog.english', COALESCE(search_text, ''))",
    "CREATE INDEX ticket_search_vector_gin ON tickets_ticket USING gin (search_vector)",
]

BACKWARD_SQL = [
    "DROP INDEX IF EXISTS ticket_search_vector_gin",
    "DROP TRIGGER IF EXISTS ticket_search_vector_update ON tickets_ticket",
    """CREATE INDEX ticket_search_gin ON tickets_ticket
       USING gin (to_tsvector('english'::regconfig, COALESCE(search_text, '')))""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_ticket_active_due_index")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(_run(FORWARD_SQL), _run(BACKWARD_SQL)),
    ]
