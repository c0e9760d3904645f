"""Who may read and write which knowledge-base article: the one policy the pages, the API,
the services and other apps (tickets links articles) ask.

- Anyone, signed in or not, may read a published **public** article (the FAQ at /help/).
- Desk roles (student workers up) may read every **published** article, staff-only included.
- Writers (supervisors, library staff, IT staff; administrators pass every rule) may also read
  drafts, and write, edit, publish and unpublish any article. There is no per-article lock:
  the author is shown, not enforced.

Selectors turn these answers into 404 (not yours to see) and 403 (seen, not yours to change).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.kb.models import Article

READER_ROLES = DESK_ROLES
WRITER_ROLES = STAFF_ROLES

_PUBLISHED = Article.Status.PUBLISHED
_PUBLIC = Article.Audience.PUBLIC


def can_read_articles(user: Any) -> bool:
    """The staff knowledge base (published articles of every audience)."""
    return user_has_role(user, *READER_ROLES)


def can_write_articles(user: Any) -> bool:
    """Write new articles, and see drafts."""
    return user_has_role(user, *WRITER_ROLES)


def can_see_article(user: Any, article: Article) -> bool:
    """Drafts only for writers; published staff articles for desk roles; published public
    articles for anyone."""
    if can_write_articles(user):
        return True
    if not article_is_published(article):
        return False
    return article.audience == _PUBLIC or can_read_articles(user)


def can_edit_article(user: Any, article: Article) -> bool:
    return can_write_articles(user) and can_see_article(user, article)


def can_publish_article(user: Any, article: Article) -> bool:
    """Publish or unpublish (back to draft)."""
    return can_write_articles(user) and can_see_article(user, article)


def article_is_published(article: Article) -> bool:
    """Only published articles are answers others may rely on (tickets links only these)."""
    return article.status == _PUBLISHED


def visible_articles_filter(user: Any) -> Q:
    """A Q over Article for the articles `user` may see in the staff knowledge base."""
    if can_write_articles(user):
        return Q()
    if can_read_articles(user):
        return Q(status=_PUBLISHED)
    return Q(status=_PUBLISHED, audience=_PUBLIC)
