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
