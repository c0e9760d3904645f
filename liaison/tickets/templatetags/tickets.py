"""Timeline lines for the ticket pages, from the one wording table (`events.EVENT_TEXT`).
Returned as plain text: the template escapes them."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from liaison.tickets import events
from liaison.tickets.models import TicketEvent

register = template.Library()


@register.filter
def public_summary(event: TicketEvent) -> str:
    """What the patron's status page says: departments, never staff names or notes ("" = not shown)."""
    return events.describe(event, public=True)


@register.simple_tag
def timeline_items(timeline, ticket) -> str:
    """The history's lines, written in one pass in Python (every value escaped by format_html),
    where a template loop drew each line through a dozen tag and filter calls: the history is
    the longest part of the ticket page and was the most costly part of drawing it."""
    attachment_prefix = reverse("tickets:attachment", args=[ticket.reference, 0])[: -len("0/")]
    lines = []
    for event in timeline:
        kind = event.kind
        actor = event.actor.name if event.actor is not None else ""
        at = timezone.localtime(event.at)
        if kind == TicketEvent.Kind.INTERNAL_NOTE:
            badge = '<span class="badge badge--warn">internal</span>'
        elif kind == TicketEvent.Kind.REPLY:
            badge = '<span class="badge badge--ok">patron sees this</span>'
        else:
            badge = ""
        parts = [
            format_html(
                '<li class="timeline__item timeline__item--{}">\n'
                '<p class="timeline__line"><strong>{}</strong> {}\n'
                '<time class="muted small" datetime="{}">{}</time>\n',
                kind,
                actor or "Liaison",
                events.describe(event),
                dateformat.format(at, "c"),
                dateformat.format(at, "M j, Y H:i"),
            ),
            badge,
            "</p>",
        ]
        if event.reply_id:
            internal = " reply--internal" if event.reply.is_internal else ""
            parts.append(
                format_html('\n<div class="ticket-text reply{}">{}</div>', internal, linebreaksbr(event.reply.body))
            )
        if event.note and kind in (TicketEvent.Kind.HANDED_OFF, TicketEvent.Kind.QUEUE_CHANGED):
            parts.append(
                format_html(
                    '\n<div class="ticket-text reply reply--internal"><span class="visually-hidden">Hand-off note: '
                    "</span>{}</div>",
                    linebreaksbr(event.note),
                )
            )
        if kind == TicketEvent.Kind.ATTACHMENT_ADDED and event.attachment_id:
            parts.append(
                format_html(
                    '\n<p class="small"><a href="{}{}/">Download {}</a></p>',
                    attachment_prefix,
                    event.attachment_id,
                    event.note,
                )
            )
        parts.append("\n</li>\n")
        lines.append("".join(parts))
    return mark_safe("".join(lines))
