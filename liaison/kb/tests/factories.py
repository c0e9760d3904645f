from __future__ import annotations

import itertools

from liaison.kb.models import Article, Category
from liaison.kb.services import article_create

_n = itertools.count(1)


def make_category(name: str = "Printing & scanning", slug: str = "printing", order: int = 10) -> Category:
    return Category.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})[0]


def make_article(*, published: bool = True, audience: str = Article.Audience.PUBLIC, **fields) -> Article:
    n = next(_n)
    values = {"title": f"Article {n}", "body": f"Body of article {n}."} | fields
    return article_create(actor=None, audience=audience, publish=published, **values)
