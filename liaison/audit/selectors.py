"""Reads for the audit trail: only through these, and only for those `policy.py` allows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from liaison.audit import policy
from liaison.audit.models import AuditEvent


def audit_event_list_for_user(
    *, user: Any, action: str = "", object_type: str = "", actor: str = ""
) -> QuerySet[AuditEvent]:
    """The trail, newest first, filtered by action prefix, object type and person; 403 for
    anyone but administrators."""
    if not policy.can_read_audit_trail(user):
        raise PermissionDenied("Only administrators read the audit trail.")
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if actor:
        events = events.filter(actor_label__iexact=actor)
    return events


def audit_event_recent_for_user(*, user: Any, limit: int = 6) -> list[AuditEvent]:
    """The latest few events, for the administrators' home panel."""
    return list(audit_event_list_for_user(user=user).order_by("-at", "-id")[:limit])
