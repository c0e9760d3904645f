"""Writes for places. Setup mostly happens in the admin; these are for the API and imports."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit.services import audit_record, snapshot
from liaison.places.models import HoursException, ServicePoint


@transaction.atomic
def hours_exception_set(
    *,
    actor,
    service_point: ServicePoint,
    date: dt.date,
    reason: str,
    is_closed: bool = True,
    opens: dt.time | None = None,
    closes: dt.time | None = None,
) -> HoursException:
    """Close a service point on a date, or give it special hours (replaces any earlier exception)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the hours change (e.g. 'Thanksgiving')."})
    if not is_closed:
        if opens is None or closes is None:
            raise ValidationError({"opens": "Special hours need an opening and a closing time."})
        if closes <= opens:
            raise ValidationError({"closes": "Closing time must be after opening time."})
    else:
        opens = closes = None
    existing = HoursException.objects.filter(service_point=service_point, date=date).first()
    before = snapshot(existing) if existing else None
    exception, _ = HoursException.objects.update_or_create(
        service_point=service_point,
        date=date,
        defaults={"reason": reason, "is_closed": is_closed, "opens": opens, "closes": closes},
    )
    audit_record(actor=actor, action="hours_exception.set", obj=exception, before=before, after=snapshot(exception))
    return exception
