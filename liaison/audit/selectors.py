from django.db.models import QuerySet

from liaison.audit.models import AuditEvent


def audit_event_list(*, action: str = "", object_type: str = "", actor: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action__startswith=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if actor:
        events = events.filter(actor_label__iexact=actor)
    return events
