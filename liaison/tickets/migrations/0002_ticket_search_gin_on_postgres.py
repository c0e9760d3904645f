"""Full-text search index for tickets, on PostgreSQL only.

The index expression is exactly what selectors._search filters on
(`to_tsvector('english', COALESCE(search_text, ''))`), so the planner uses it. SQLite has no
GIN indexes; there search falls back to `icontains` and this migration does nothing. The
index is not part of the model state on purpose: it exists only where the database can hold it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "ticket_search_gin"


def _index():
    return GinIndex(SearchVector("search_text", config="english"), name=INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("tickets", "Ticket"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("tickets", "Ticket"), _index())


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_queues_tickets_history")]

    operations = [migrations.RunPython(add_index, remove_index)]
