from __future__ import annotations

import itertools

from liaison.accounts.models import User
from liaison.core.roles import Role
from liaison.kb.models import Article, Category
from liaison.kb.services import article_create

_n = itertools.count(1)


def make_category(name: str = "Printing & scanning", slug: str = "printing", order: int = 10) -> Category:
    return Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})[0]


def writer() -> User:
    """Someone the policy lets write articles (services refuse anyone else)."""
    return User.objects.get_or_create(
        username="kb_writer", defaults={"role": Role.LIBRARY_STAFF, "email": "kb_writer@college.example"}
    )[0]


def make_article(
    *, published: bool = True, audience: str = Article.Audience.PUBLIC, actor: User | None = None, **fields
) -> Article:
    n = next(_n)
    values = {"title": f"Article {n}", "body": f"Body of article {n}."} | fields
    return article_create(actor=actor or writer(), audience=audience, publish=published, **values)
