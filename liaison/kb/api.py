"""The knowledge base's API: public FAQ reads for anyone, staff reads and writes by role.
Thin: parse, call one selector or service, shape the answer. Lists answer the one page shape
(`core.pagination`); errors carry the codes in `errors.py`."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema

from liaison.core.api_access import API_PUBLIC, api_access
from liaison.core.errors import reject
from liaison.core.idempotency import IDEMPOTENCY_NOTE, idempotent
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.kb import policy, selectors, services
from liaison.kb.models import Article, Category

router = Router()
READERS = api_access(*policy.READER_ROLES)
WRITERS = api_access(*policy.WRITER_ROLES)


class CategoryOut(Schema):
    slug: str
    name: str


class PublicArticleSummaryOut(Schema):
    slug: str
    title: str
    summary: str
    category: CategoryOut | None
    updated_at: dt.datetime


class PublicArticleOut(PublicArticleSummaryOut):
    body_html: str = Field(description="Rendered and sanitised HTML.")


class ArticleSummaryOut(PublicArticleSummaryOut):
    id: int
    audience: Article.Audience
    status: Article.Status
    tags: list[str]
    published_at: dt.datetime | None


class ArticleOut(ArticleSummaryOut):
    body: str = Field(description="Markdown source, as the editor wrote it.")
    body_html: str = Field(description="Rendered and sanitised HTML: the only form to show to readers.")
    warnings: list[dict[str, str]] = Field(
        default_factory=list, description="e.g. unsafe markup that was removed: [{field, message}]."
    )


class PublicSearch(Schema):
    q: str = Field("", max_length=200, description="Words to search for; results best match first.")
    category: str = Field("", description="Category slug.")


class StaffSearch(PublicSearch):
    audience: Article.Audience | None = None
    status: Article.Status | None = Field(None, description="Drafts are listed only for writers.")


class ArticleIn(Schema):
    title: str = Field(..., max_length=200)
    body: str = Field(..., description="Markdown.")
    summary: str = Field("", max_length=300)
    category: str | None = Field(None, description="Category slug.")
    audience: Article.Audience = Article.Audience.STAFF
    tags: str = Field("", description="Comma-separated.")
    slug: str = Field("", max_length=80, description="Made from the title when empty.")
    publish: bool = False


class ArticlePatch(Schema):
    title: str | None = Field(None, max_length=200)
    body: str | None = None
    summary: str | None = Field(None, max_length=300)
    category: str | None = Field(None, description="Category slug; empty string clears it.")
    audience: Article.Audience | None = None
    tags: str | None = None
    slug: str | None = Field(None, max_length=80)


def _category(slug: str | None) -> Category | None:
    if not slug:
        return None
    try:
        return selectors.category_get(slug=slug)
    except Http404:
        raise reject("category", "No category has this slug.", code="kb.category_unknown") from None


def _summary(article: Article) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "category": {"slug": article.category.slug, "name": article.category.name} if article.category else None,
        "updated_at": article.updated_at,
        "audience": article.audience,
        "status": article.status,
        "tags": article.tag_list,
        "published_at": article.published_at,
    }


def _full(article: Article) -> dict:
    removed = getattr(article, "markup_removed", [])
    warnings = (
        [{"field": "body", "message": "Unsafe markup was removed: " + "; ".join(removed) + "."}] if removed else []
    )
    return {**_summary(article), "body": article.body, "body_html": article.body_html, "warnings": warnings}


@router.get(
    "/public/articles",
    response=page_of(PublicArticleSummaryOut),
    auth=API_PUBLIC,
    summary="Public FAQ articles",
)
def public_article_list(request, filters: Query[PublicSearch], page: Query[PageParams]):
    articles = selectors.public_article_list(query=filters.q, category_slug=filters.category)
    return api_page(articles, params=page, serialize=_summary)


@router.get("/public/articles/{slug}", response=PublicArticleOut, auth=API_PUBLIC, summary="One public FAQ article")
def public_article_detail(request, slug: str):
    return {**_summary(article := selectors.public_article_get(slug=slug)), "body_html": article.body_html}


@router.get("/categories", response=page_of(CategoryOut), auth=API_PUBLIC)
def category_list(request, page: Query[PageParams]):
    return api_page(selectors.category_list(), params=page)


@router.get(
    "/articles", response=page_of(ArticleSummaryOut), auth=READERS, summary="Staff knowledge base: list and search"
)
def article_list(request, filters: Query[StaffSearch], page: Query[PageParams]):
    articles = selectors.article_list(
        user=request.user,
        query=filters.q,
        category_slug=filters.category,
        audience=filters.audience or "",
        status=filters.status or "",
    )
    return api_page(articles, params=page, serialize=_summary)


@router.get("/articles/{slug}", response=ArticleOut, auth=READERS)
def article_detail(request, slug: str):
    return _full(selectors.article_get_for_user(user=request.user, slug=slug))


@router.post(
    "/articles", response={201: ArticleOut}, auth=WRITERS, summary="Write an article", description=IDEMPOTENCY_NOTE
)
@idempotent("kb.article_create")
def article_create(request, payload: ArticleIn):
    values = payload.dict()
    values["category"] = _category(values["category"])
    return 201, _full(services.article_create(actor=request.user, **values))


@router.patch("/articles/{slug}", response=ArticleOut, auth=WRITERS, summary="Change an article")
def article_update(request, slug: str, payload: ArticlePatch):
    article = selectors.article_get_for_user(user=request.user, slug=slug, for_edit=True)
    data = payload.dict(exclude_unset=True)
    if "category" in data:
        data["category"] = _category(data["category"])
    return _full(services.article_update(actor=request.user, article=article, data=data))


@router.post("/articles/{slug}/publish", response=ArticleOut, auth=WRITERS)
def article_publish(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug, for_edit=True)
    return _full(services.article_publish(actor=request.user, article=article))


@router.post("/articles/{slug}/unpublish", response=ArticleOut, auth=WRITERS)
def article_unpublish(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug, for_edit=True)
    return _full(services.article_unpublish(actor=request.user, article=article))
