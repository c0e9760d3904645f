"""One paginator and one page shape for every list, in the pages and in the API.

Every API list takes `?page=` (from 1) and `?page_size=` and answers

    {"count": int, "count_is_capped": bool, "page": int, "pages": int, "page_size": int, "results": [...]}

A page past the end is an empty `results`, not an error. `page` is bounded (MAX_PAGE), so a
huge number is a 400 naming the field, never a 500.

`CappedPaginator` reads a page in at most three queries whatever the list's length: the count
(optionally stopping at a cap, so a search matching millions says "more than 1,000" instead of
visiting every match), the page's ids (sorted and sliced on the base rows alone, so the
database keeps only the top of the sort), then those rows with their relations.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page, from 1.")
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE, description="How many results on a page.")


class Page(Schema, Generic[T]):
    count: int
    count_is_capped: bool = Field(False, description="True when `count` stopped at a cap (searches).")
    page: int
    pages: int
    page_size: int
    results: list[T]


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_cap: int | None = None, ids_first: bool = True, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_cap = count_cap
        self.ids_first = ids_first and isinstance(object_list, QuerySet)
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        if self.count_cap is None:
            return self.object_list.count()
        found = self.object_list.order_by()[: self.count_cap + 1].count()
        self.is_capped = found > self.count_cap
        return min(found, self.count_cap)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows: Any = self.object_list
        if not self.ids_first:
            return self._get_page(list(rows[bottom:top]), number, self)  # type: ignore[attr-defined]
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        by_id = {row.pk: row for row in rows.filter(pk__in=ids)} if ids else {}
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)  # type: ignore[attr-defined]

    def page_or_last(self, number: Any):
        """For pages: a bad or too-large page number shows the nearest real page, not an error."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)


def api_page(
    items: QuerySet | Sequence[Any],
    *,
    params: PageParams,
    serialize: Callable[[Any], Any] = lambda row: row,
    count_cap: int | None = None,
    ids_first: bool = True,
) -> dict[str, Any]:
    """The one API page shape. A page past the end has no results; it is not an error."""
    paginator = CappedPaginator(items, params.page_size, count_cap=count_cap, ids_first=ids_first)
    count = paginator.count
    pages = max(1, math.ceil(count / params.page_size))
    rows = paginator.page(params.page).object_list if params.page <= pages and count else []
    return {
        "count": count,
        "count_is_capped": paginator.is_capped,
        "page": params.page,
        "pages": pages,
        "page_size": params.page_size,
        "results": [serialize(row) for row in rows],
    }


_page_schemas: dict[type, type] = {}


def page_of(schema: type[Schema]) -> type[Page]:
    """`Page[TicketOut]` under a plain name (`TicketOutPage`) that the OpenAPI document can use."""
    if schema not in _page_schemas:
        _page_schemas[schema] = type(f"{schema.__name__}Page", (Page[schema],), {})  # type: ignore[valid-type]
    return _page_schemas[schema]
