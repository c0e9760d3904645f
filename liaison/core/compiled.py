"""Reads whose SQL Django compiles once per connection, then runs with new values.

Building a queryset and compiling it to SQL costs a few hundred microseconds of Python per
statement, every time: on the ticket page that was about a fifth of the request, more than
PostgreSQL took to answer (bench/README.md, "The ticket page, fourth round"). A `CompiledRead`
asks Django to build and compile its queryset once per database connection, with stand-in
values for what changes from call to call; each call then sends the same SQL with the real
values and turns the rows into model instances exactly as the queryset would have (Django's
own converters and `select_related` populators). Prepared statements (ADR 0062) then make the
database's side as cheap.

Only plain reads qualify: every value that changes between calls must be an argument, the
statement must not depend on the arguments' count or kind (no `__in` over a list), and
arguments are compared and bound as the named fields prepare them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class _Compiled:
    model: Any  # the model class the queryset reads
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, argument index)
    compiler: Any
    init_list: tuple[str, ...]
    model_start: int
    model_end: int
    col_count: int | None
    populators: tuple[Any, ...]
    annotation_col_map: dict[str, int]


class CompiledRead(Generic[M]):
    """`build(*stand_ins)` returns the queryset; `fields[i]` prepares argument i for the
    database (as the queryset's filter would) and `stand_ins[i]` is a value no real call uses,
    found in the compiled parameters to learn where argument i goes."""

    def __init__(self, name: str, build: Callable[..., QuerySet[M]], fields: Sequence[Field], stand_ins: Sequence[Any]):
        if len(fields) != len(stand_ins):
            raise ValueError("one field per stand-in value")
        self.name = name
        self._build = build
        self._fields = tuple(fields)
        self._stand_ins = tuple(stand_ins)

    def fetch(self, *values: Any, using: str = "default") -> list[M]:
        connection = connections[using]
        compiled = _per_connection(connection).get(self.name)
        if compiled is None:
            compiled = self._compile(using)
            _per_connection(connection)[self.name] = compiled
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = self._fields[index].get_db_prep_value(values[index], connection, prepared=False)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.col_count is not None:
            rows = [row[: compiled.col_count] for row in rows]
        model_cls = compiled.model
        objects: list[M] = []
        for row in compiled.compiler.results_iter([rows]):
            obj = model_cls.from_db(using, compiled.init_list, row[compiled.model_start : compiled.model_end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for attr, position in compiled.annotation_col_map.items():
                setattr(obj, attr, row[position])
            objects.append(obj)
        return objects

    def first(self, *values: Any, using: str = "default") -> M | None:
        rows = self.fetch(*values, using=using)
        return rows[0] if rows else None

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        queryset = self._build(*self._stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        prepared = [
            f.get_db_prep_value(v, connection, prepared=False)
            for f, v in zip(self._fields, self._stand_ins, strict=True)
        ]
        slots = []
        for position, param in enumerate(params):
            for index, stand_in in enumerate(prepared):
                if type(param) is type(stand_in) and param == stand_in:
                    slots.append((position, index))
        found = {index for _position, index in slots}
        if found != set(range(len(prepared))):
            missing = sorted(set(range(len(prepared))) - found)
            raise ValueError(f"{self.name}: stand-in value(s) {missing} not found in the compiled statement")
        klass_info = compiler.klass_info
        select = compiler.select
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        return _Compiled(
            model=queryset.model,
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            compiler=compiler,
            init_list=tuple(f[0].target.attname for f in select[start:end]),
            model_start=start,
            model_end=end,
            col_count=compiler.col_count if compiler.has_extra_select else None,
            populators=tuple(get_related_populators(klass_info, select, using)),  # type: ignore[call-arg]  # stubs of a later Django
            annotation_col_map=dict(compiler.annotation_col_map or {}),
        )


def _per_connection(connection) -> dict[str, _Compiled]:
    """Compiled reads live on the connection object (one per thread), so a compiler built on
    one thread's connection is never used by another's."""
    cache = getattr(connection, "_liaison_compiled_reads", None)
    if cache is None:
        cache = {}
        connection._liaison_compiled_reads = cache
    return cache
