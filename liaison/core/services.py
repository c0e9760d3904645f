"""Helpers every domain's write services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, fields: Iterable[str], data: Mapping[str, Any]) -> tuple[M, dict[str, Any]]:
    """Set the `fields` that `data` carries on `instance` and save only what changed.

    One signature for every update service (after HackSoft's styleguide): the service cleans
    `data` (raising `reject(...)` for bad input), decides which `fields` may change, and calls
    this; the database's constraints are the last line. Returns the instance and the
    changed fields with their *old* values (empty when nothing changed, and then nothing is
    written), so the caller can write its event and audit rows from them.
    """
    allowed = list(fields)
    unknown = set(data) - set(allowed)
    if unknown:
        # A programming error, not bad input: forms and schemas decide what reaches a service.
        raise ValueError(f"{type(instance).__name__} cannot update {', '.join(sorted(unknown))}.")
    before: dict[str, Any] = {}
    for name in allowed:
        if name not in data:
            continue
        field = instance._meta.get_field(name)
        if field.many_to_many:
            raise ValueError(f"Update many-to-many field {name} in the service, not through model_update.")
        old = getattr(instance, name)
        new = data[name]
        if old != new:
            before[name] = old
            setattr(instance, name, new)
    if not before:
        return instance, before
    update_fields = list(before)
    if any(f.name == "updated_at" for f in instance._meta.fields):
        instance.updated_at = timezone.now()  # type: ignore[attr-defined]
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    return instance, before
