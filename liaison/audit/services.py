"""Writing the audit trail. Domains call `audit_record` from their `events.py` (or their
services) inside their own transaction, so an audit row exists exactly when the change it
describes does. It takes no policy decision of its own: the calling service has already
asked its policy whether `actor` may make the change. `actor=None` is a system job."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.models import model_to_dict

from liaison.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from liaison.accounts.models import User

# Never copy secrets into the trail.
_REDACTED_FIELDS = {"password", "key_hash"}


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model's concrete fields, for before/after."""
    data = model_to_dict(instance, fields=fields)
    for name in list(data):
        if name in _REDACTED_FIELDS:
            data[name] = "[redacted]"
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    person = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=person,
        actor_label=(person.get_username() if person is not None else "anonymous")[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
    )
