"""What happened to an article, one function per kind (the shape of `liaison/core/events.py`).

The knowledge base keeps no history table of its own: the audit trail is its history. Each
function writes the audit row in the caller's transaction, and is the one place to add a
side effect for that kind (scheduled with `core.events.after_commit`). Today none sends mail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record, snapshot
from liaison.kb.models import Article

if TYPE_CHECKING:
    from liaison.accounts.models import User

AUDIT_FIELDS = ["title", "slug", "summary", "category", "audience", "status", "tags", "published_at"]


def article_snapshot(article: Article) -> dict[str, Any]:
    """The fields the audit trail keeps before and after a change (never the body)."""
    return snapshot(article, AUDIT_FIELDS)


def article_created(*, actor: User, article: Article) -> None:
    audit_record(actor=actor, action="kb_article.create", obj=article, after=article_snapshot(article))


def article_updated(*, actor: User, article: Article, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="kb_article.update", obj=article, before=before, after=article_snapshot(article))


def article_published(*, actor: User, article: Article, before: dict[str, Any]) -> None:
    audit_record(actor=actor, action="kb_article.publish", obj=article, before=before, after=article_snapshot(article))


def article_unpublished(*, actor: User, article: Article, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor, action="kb_article.unpublish", obj=article, before=before, after=article_snapshot(article)
    )
