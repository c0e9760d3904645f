"""CompiledRead: a read compiled to SQL once per connection gives what the queryset gives."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core.compiled import CompiledRead

pytestmark = pytest.mark.django_db


def _by_codename(codename):
    return Permission.objects.filter(codename=codename).select_related("content_type").order_by("pk")


BY_CODENAME = CompiledRead(
    "tests.permissions_by_codename", _by_codename, [Permission._meta.get_field("codename")], ["stand-in 7919"]
)


def test_each_call_reads_with_its_own_value_and_gives_what_the_queryset_gives():
    for codename in ("add_group", "change_permission", "view_contenttype"):
        got = BY_CODENAME.fetch(codename)
        want = list(_by_codename(codename))
        assert len(got) == len(want) >= 1
        assert [(p.pk, p.name, p.codename, p.content_type_id) for p in got] == [
            (p.pk, p.name, p.codename, p.content_type_id) for p in want
        ]
        assert got[0].content_type.app_label == want[0].content_type.app_label
    assert BY_CODENAME.fetch("nothing like this") == []
    assert BY_CODENAME.first("add_group").codename == "add_group"
    assert BY_CODENAME.first("nothing like this") is None


def test_a_compiled_read_is_one_statement_and_reads_related_rows_without_more():
    BY_CODENAME.fetch("add_group")
    with CaptureQueriesContext(connection) as queries:
        (permission,) = BY_CODENAME.fetch("delete_group")
        assert permission.content_type.model == "group"
    assert len(queries) == 1


def test_a_stand_in_the_statement_does_not_carry_is_refused():
    read = CompiledRead(
        "tests.stand_in_unused",
        lambda codename: Permission.objects.filter(codename="add_group"),
        [Permission._meta.get_field("codename")],
        ["never bound 7919"],
    )
    with pytest.raises(ValueError, match="not found in the compiled statement"):
        read.fetch("anything")
