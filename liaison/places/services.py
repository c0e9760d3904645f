"""Writes for places. Setup mostly happens in the admin; these are for the API and imports.
Each write takes the person making it and asks policy.py itself."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from liaison.audit.services import audit_record, snapshot
from liaison.core.errors import reject
from liaison.places import policy
from liaison.places.models import HoursException, ServicePoint

if TYPE_CHECKING:
    from liaison.accounts.models import User


@transaction.atomic
def hours_exception_set(
    *,
    actor: User,
    service_point: ServicePoint,
    date: dt.date,
    reason: str,
    is_closed: bool = True,
    opens: dt.time | None = None,
    closes: dt.time | None = None,
) -> HoursException:
    """Close a service point on a date, or give it special hours (replaces any earlier exception)."""
    if not policy.can_edit_hours(actor, service_point):
        raise PermissionDenied("Only supervisors change a service point's hours.")
    reason = (reason or "").strip()
    if not reason:
        raise reject("reason", "Say why the hours change (e.g. 'Thanksgiving').", code="places.reason_missing")
    if not is_closed:
        if opens is None or closes is None:
            raise reject(
                "opens", "Special hours need an opening and a closing time.", code="places.special_hours_incomplete"
            )
        if closes <= opens:
            raise reject("closes", "Closing time must be after opening time.", code="places.closes_before_opens")
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
