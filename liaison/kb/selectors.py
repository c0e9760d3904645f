"""Reads for the knowledge base, with search: PostgreSQL full-text when the site runs on
PostgreSQL, weighted word matching on SQLite. Access follows `policy.py`: a draft or a
staff-only article is simply not found (404) by someone who may not see it, and an article
they may see but not change is 403 when asked for editing."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, FloatField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.http import Http404
from django.shortcuts import get_object_or_404

from liaison.core.errors import reject
from liaison.core.search import hyphenated_forms, search_terms
from liaison.kb import policy
from liaison.kb.models import Article, Category

# Field weights for the SQLite fallback; PostgreSQL uses the A/B/C weights of the same order.
_WEIGHTS = (("title", 8.0), ("tags", 6.0), ("summary", 3.0), ("body", 1.0))
_TSQUERY_SAFE = re.compile(r"[^0-9a-z]")


def _base() -> QuerySet[Article]:
    return Article.objects.select_related("category", "updated_by").defer("body", "body_html")


def _search(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Keep the articles that match every word typed, best first."""
    terms = search_terms(query)
    if not terms:
        return articles
    if settings.DATABASE_IS_POSTGRES:
        return _search_postgres(articles, query, terms)
    score: Combinable = Value(0.0, output_field=FloatField())
    for term in terms:
        forms = [term, *hyphenated_forms(term)]  # 'wifi' also finds 'Wi-Fi'
        matches = {field: Q() for field, _ in _WEIGHTS}
        for field, _ in _WEIGHTS:
            for form in forms:
                matches[field] |= Q(**{f"{field}__icontains": form})
        articles = articles.filter(matches["title"] | matches["tags"] | matches["summary"] | matches["body"])
        for field, weight in _WEIGHTS:
            score = score + Case(
                When(matches[field], then=Value(weight)), default=Value(0.0), output_field=FloatField()
            )
    return articles.annotate(rank=score).order_by("-rank", "title")


def _search_postgres(articles: QuerySet[Article], query: str, terms: list[str]) -> QuerySet[Article]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("tags", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    words = SearchQuery(query, search_type="websearch", config="english")
    safe = [t for t in (_TSQUERY_SAFE.sub("", term) for term in terms) if t]
    if not safe:
        return (
            articles.annotate(search=vector, rank=SearchRank(vector, words))
            .filter(search=words)
            .order_by("-rank", "title")
        )
    # As-you-type: 'eduro' finds 'eduroam'. Matching also accepts hyphenated spellings
    # ('wifi' finds 'Wi-Fi'), but ranking ignores them: ts_rank flattens phrases, so their
    # parts ('print' of 'print-er') would otherwise count as matches.
    prefixes = SearchQuery(" & ".join(f"{t}:*" for t in safe), search_type="raw", config="english")
    spellings = " & ".join(
        "(" + " | ".join([f"{t}:*", *(f"'{form}'" for form in hyphenated_forms(t))]) + ")" for t in safe
    )
    matching = words | SearchQuery(spellings, search_type="raw", config="english")
    return (
        articles.annotate(search=vector, rank=SearchRank(vector, words | prefixes))
        .filter(search=matching)
        .order_by("-rank", "title")
    )


def article_list(
    *,
    user: Any,
    query: str = "",
    category_slug: str = "",
    audience: str = "",
    status: str = "",
) -> QuerySet[Article]:
    """The staff knowledge base for `user`: every audience; drafts only for writers. Asking
    for drafts without the right to see them is refused by name, not answered with an empty
    list that would read as "there are no drafts"."""
    if status == Article.Status.DRAFT and not policy.can_write_articles(user):
        raise reject(
            "status",
            "Drafts are listed only for people who write articles; your role sees published articles.",
            code="kb.status_drafts_for_writers",
        )
    articles = _base().filter(policy.visible_articles_filter(user))
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    if audience in Article.Audience.values:
        articles = articles.filter(audience=audience)
    if category_slug:
        articles = articles.filter(category__slug=category_slug)
    if query.strip():
        return _search(articles, query)
    return articles.order_by("category__order", "category__name", "title")


def article_search(
    query: str, audience: str | None = None, limit: int = 10, *, include_drafts: bool = False
) -> list[Article]:
    """Published articles matching `query`, best first; for linking from tickets and the
    desk. `audience` ('staff' or 'public') narrows to one audience."""
    articles = _base()
    if not include_drafts:
        articles = articles.filter(status=Article.Status.PUBLISHED)
    if audience:
        articles = articles.filter(audience=audience)
    if not search_terms(query):
        return []
    return list(_search(articles, query)[: max(1, min(int(limit), 50))])


def article_get_for_user(
    *, user: Any, pk: int | None = None, slug: str | None = None, for_edit: bool = False
) -> Article:
    """One article by id (other apps: tickets links by id) or web address (the pages).

    404 when there is none or `user` may not see it (a draft for a student worker, anything
    for someone without a desk role); with `for_edit`, 403 when they may see it but not
    change, publish or unpublish it."""
    if (pk is None) == (slug is None):
        raise TypeError("article_get_for_user takes exactly one of pk or slug.")
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    article = Article.objects.select_related("category", "author", "updated_by").filter(**lookup).first()
    if article is None or not policy.can_see_article(user, article):
        raise Http404("No such article, or not one you may see.")
    if for_edit and not policy.can_edit_article(user, article):
        raise PermissionDenied("Only staff may change knowledge-base articles.")
    return article


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("order", "name")


def category_get(*, slug: str) -> Category:
    return get_object_or_404(Category, slug=slug)


def category_list_with_counts(*, user: Any) -> QuerySet[Category]:
    """Categories with how many articles in each `user` may see."""
    if policy.can_write_articles(user):
        visible = Q(articles__isnull=False)
    elif policy.can_read_articles(user):
        visible = Q(articles__status=Article.Status.PUBLISHED)
    else:
        visible = Q(articles__status=Article.Status.PUBLISHED, articles__audience=Article.Audience.PUBLIC)
    return Category.objects.annotate(article_count=Count("articles", filter=visible)).order_by("order", "name")


# --- The public FAQ: published public articles only ------------------------------------


def _public() -> QuerySet[Article]:
    return Article.objects.filter(status=Article.Status.PUBLISHED, audience=Article.Audience.PUBLIC)


def public_article_list(*, query: str = "", category_slug: str = "") -> QuerySet[Article]:
    articles = _public().select_related("category").defer("body", "body_html")
    if category_slug:
        articles = articles.filter(category__slug=category_slug)
    if query.strip():
        return _search(articles, query)
    return articles.order_by(F("category__order").asc(nulls_last=True), "category__name", "title")


def public_article_get(*, slug: str) -> Article:
    """404 for drafts and staff-only articles alike: the public cannot tell them apart."""
    return get_object_or_404(_public().select_related("category"), slug=slug)


def public_categories() -> QuerySet[Category]:
    """Categories that hold published public articles, each with them prefetched in order."""
    public = _public().defer("body", "body_html").order_by("title")
    return (
        Category.objects.filter(articles__in=_public())
        .distinct()
        .prefetch_related(Prefetch("articles", queryset=public, to_attr="public_articles"))
        .order_by("order", "name")
    )
