"""A short-lived, per-process index of small reference tables (service points, kinds,
categories) so hot write paths like the desk log do not look them up on every request.

Rows are indexed by primary key, slug and lower-cased name. Saving or deleting a row of an
indexed model clears this process's copy at once; other processes see the change within
`TTL_SECONDS`. A miss is never an answer: callers fall back to the database, so a row made
a moment ago on another server is still found."""

from __future__ import annotations

import time
from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_save

TTL_SECONDS = 30.0

_indexes: dict[type[models.Model], tuple[float, dict[str, models.Model]]] = {}
_related: dict[type[models.Model], tuple[str, ...]] = {}


def load_with(model: type[models.Model], *fields: str) -> None:
    """Load `model`'s rows with these relations (`select_related`), so what callers read of a
    cached row (a queue's department) costs no query either."""
    _related[model] = fields
    _indexes.pop(model, None)


def lookup(model: type[models.Model], key: str | int) -> models.Model | None:
    index = _index(model)
    if isinstance(key, int) and not isinstance(key, bool):
        return index.get(f"pk:{key}")
    text = str(key).strip()
    return index.get(f"slug:{text.lower()}") or index.get(f"name:{text.lower()}")


def rows(model: type[models.Model]) -> list[models.Model]:
    """Every row of `model` from this process's copy (for menus of a small table)."""
    index = _index(model)
    return [row for key, row in index.items() if key.startswith("pk:")]


def _index(model: type[models.Model]) -> dict[str, models.Model]:
    now = time.monotonic()
    cached = _indexes.get(model)
    if cached is not None and now - cached[0] < TTL_SECONDS:
        return cached[1]
    if model not in _watched:
        post_save.connect(_forget, sender=model, weak=False)
        post_delete.connect(_forget, sender=model, weak=False)
        _watched.add(model)
    index: dict[str, Any] = {}
    row: Any
    rows = model._default_manager.all()
    if _related.get(model):  # never a bare select_related(), which would follow every key
        rows = rows.select_related(*_related[model])
    for row in rows:
        index[f"pk:{row.pk}"] = row
        if (slug := getattr(row, "slug", None)) is not None:
            index[f"slug:{slug}"] = row
        index.setdefault(f"name:{row.name.lower()}", row)
    _indexes[model] = (now, index)
    return index


_watched: set[type[models.Model]] = set()


def _forget(sender, **kwargs) -> None:
    _indexes.pop(sender, None)


def clear() -> None:
    """Forget everything (tests call this between cases, whose rows vanish on rollback)."""
    _indexes.clear()
