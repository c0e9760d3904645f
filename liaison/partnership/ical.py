"""The rollout calendar as iCalendar (RFC 5545), for a calendar app to subscribe to.

One all-day event per rollout (its days, start to end), summary prefixed with
"[Not consulted]" until the library's consultation is recorded; the description carries the
expected effect on the library and what the library said. Cancelled rollouts are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from liaison.partnership.models import Rollout


def rollouts_ical(rollouts: Iterable[Rollout], *, site_url: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Liaison//IT rollout calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "IT rollouts (library view)")
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    now = timezone.now()
    for rollout in rollouts:
        event = Event()
        flag = "" if rollout.was_consulted else "[Not consulted] "
        event.add("uid", f"rollout-{rollout.pk}@liaison")
        event.add("summary", f"{flag}{rollout.title} ({rollout.get_kind_display()})")
        event.add("dtstart", rollout.starts_on)
        event.add("dtend", (rollout.ends_on or rollout.starts_on) + dt.timedelta(days=1))
        event.add("dtstamp", now)
        event.add("last-modified", rollout.updated_at)
        lines = [f"Expected effect on the library: {rollout.effect_on_library}"]
        if rollout.affected_services:
            lines.append(f"Spaces and services: {rollout.affected_services}")
        if rollout.was_consulted:
            lines.append(f"Library consulted on {rollout.consulted_on:%-d %B %Y}: {rollout.library_response}")
        else:
            lines.append("The library has not been consulted yet.")
        if rollout.description:
            lines.append(rollout.description)
        event.add("description", "\n\n".join(lines))
        event.add("categories", [rollout.get_kind_display()])
        event.add("status", "CONFIRMED" if rollout.status == Rollout.Status.DONE else "TENTATIVE")
        event.add("url", f"{site_url}{reverse('partnership:rollout', args=[rollout.pk])}")
        cal.add_component(event)
    return cal.to_ical()
