"""Knowledge-base articles linked to a ticket (read through the kb's selectors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from liaison.core.errors import reject
from liaison.kb import selectors as kb_selectors
from liaison.tickets import events, policy
from liaison.tickets.models import Ticket

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.kb.models import Article


@transaction.atomic
def ticket_link_article(*, actor: User, ticket: Ticket, article_id: int | None) -> Article:
    """Link a knowledge-base article to the ticket. Only published articles can be linked
    (drafts are not ready to hand on); the article is read through the kb's selectors, so a
    person never links an article they may not see."""
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    if not article_id:
        raise reject("article", "Choose an article to link.", code="tickets.article_required")
    article = kb_selectors.article_list(user=actor).filter(pk=article_id).first()
    if article is None:
        raise reject("article", f"No article {article_id}.", code="tickets.article_not_found")
    if article.status != article.Status.PUBLISHED:
        raise reject("article", "Only published articles can be linked.", code="tickets.article_not_published")
    if ticket.linked_articles.filter(pk=article.pk).exists():
        return article
    ticket.linked_articles.add(article)
    events.ticket_article_linked(ticket=ticket, actor=actor, article=article)
    return article


@transaction.atomic
def ticket_unlink_article(*, actor: User, ticket: Ticket, article_id: int) -> Ticket:
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    article = ticket.linked_articles.filter(pk=article_id).first()
    if article is None:
        raise reject("article", "That article is not linked to this ticket.", code="tickets.article_not_linked")
    ticket.linked_articles.remove(article)
    events.ticket_article_unlinked(ticket=ticket, actor=actor, article=article)
    return ticket
