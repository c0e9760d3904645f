"""Bulk writes of more rows than one bound statement can carry (ADR 0062).

With server-side binding a PostgreSQL statement carries at most 65,535 parameters; an import,
a seed or a cascading delete of more rows must be split, not fail.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not settings.DATABASE_IS_POSTGRES, reason="PostgreSQL's bound-parameter limit")
def test_bulk_create_and_delete_of_more_rows_than_one_statement_may_bind():
    rows = 70_000  # one column each: 70,000 parameters, over the 65,535 one statement may bind
    Group.objects.bulk_create(Group(name=f"bulk-{n}") for n in range(rows))
    assert Group.objects.filter(name__startswith="bulk-").count() == rows
    deleted, _ = Group.objects.filter(name__startswith="bulk-").delete()
    assert deleted == rows


@pytest.mark.skipif(not settings.DATABASE_IS_POSTGRES, reason="PostgreSQL's bound-parameter limit")
def test_batches_are_split_to_the_bound_parameter_limit_on_postgresql():
    fields = [Group._meta.get_field("name")] * 3
    size = connection.ops.bulk_batch_size(fields, list(range(100_000)))
    assert size == (65_535 // 3 if connection.features.uses_server_side_binding else 100_000)


@pytest.mark.skipif(not settings.DATABASE_IS_POSTGRES, reason="PostgreSQL's connection health check")
def test_a_connection_the_server_closed_is_replaced_before_the_next_request_uses_it():
    """The health check asks the socket, not the server (ADR 0062); it must still catch a
    connection that PostgreSQL ended between two requests (a restart, pg_terminate_backend)."""
    import time

    import psycopg

    from liaison.core.db_backends.postgresql.base import DatabaseWrapper

    # A connection of its own, outside the test's transaction, as a gunicorn worker holds one.
    own = DatabaseWrapper({**connection.settings_dict, "CONN_HEALTH_CHECKS": True}, alias="default")
    try:
        with own.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        own.health_check_done = False  # a new request begins
        assert own.is_usable()  # healthy and idle: usable, with nothing sent to the server

        with psycopg.connect(**own.get_connection_params(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        time.sleep(0.2)  # the server's goodbye reaches the socket

        assert not own.is_usable()
        with own.cursor() as cursor:  # the health check closes it; Django opens a new one
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        own.close()
