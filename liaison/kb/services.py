"""Writes for the knowledge base. The Markdown body is rendered and sanitised here, on every
save, so `body_html` is always the allowlisted rendering of the current `body`.

The article returned by create/update carries `markup_removed`: what the sanitiser took out
(e.g. "<script> element and its content"), so the page or API can warn the editor.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from liaison.audit.services import audit_record, snapshot
from liaison.kb.models import Article, Category
from liaison.kb.rendering import render_markdown

MAX_BODY_CHARS = 100_000
RESERVED_SLUGS = frozenset({"new", "search", "categories"})
_EDITABLE = ("title", "slug", "summary", "body", "category", "audience", "tags")
_AUDIT_FIELDS = ["title", "slug", "summary", "category", "audience", "status", "tags", "published_at"]


def _normalise_tags(text: str) -> str:
    seen: set[str] = set()
    tags = []
    for tag in (text or "").replace("\n", ",").split(","):
        tag = " ".join(tag.split()).lower()
        if tag and tag not in seen:
            seen.add(tag)
            tags.append(tag)
    return ", ".join(tags)


def _clean(values: dict[str, Any], *, article: Article | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = dict(values)
    for key in ("title", "summary", "slug"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "title" in out:
        if not out["title"]:
            errors["title"] = "Give the article a title, e.g. 'Printing from your laptop'."
        elif len(out["title"]) > 200:
            errors["title"] = "Keep the title under 200 characters."
    if "summary" in out and len(out["summary"]) > 300:
        errors["summary"] = "Keep the summary under 300 characters (one or two sentences)."
    if "body" in out:
        body = out["body"] or ""
        out["body"] = body
        if not body.strip():
            errors["body"] = "Write the article's text (Markdown)."
        elif len(body) > MAX_BODY_CHARS:
            errors["body"] = f"The article is too long: keep it under {MAX_BODY_CHARS:,} characters."
    if "audience" in out and out["audience"] not in Article.Audience.values:
        errors["audience"] = "Choose who may read it: staff or public."
    if out.get("category") is not None and not isinstance(out["category"], Category):
        errors["category"] = "Choose a category from the list, or none."
    if "tags" in out:
        out["tags"] = _normalise_tags(out["tags"])
        if len(out["tags"]) > 300:
            errors["tags"] = "Too many tags: keep them under 300 characters in all."
    if out.get("slug"):
        slug = slugify(out["slug"])[:80]
        if not slug:
            errors["slug"] = "Use letters, numbers and hyphens for the web address."
        elif slug in RESERVED_SLUGS:
            errors["slug"] = f"'{slug}' is reserved; choose another web address."
        elif Article.objects.filter(slug=slug).exclude(pk=article.pk if article else None).exists():
            errors["slug"] = "Another article already uses this web address."
        out["slug"] = slug
    elif "slug" in out and article is not None:
        errors["slug"] = "An article needs a web address (slug)."
    if errors:
        raise ValidationError(errors)
    return out


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "article"
    if base in RESERVED_SLUGS:
        base = f"{base}-article"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _render_into(article: Article) -> None:
    result = render_markdown(article.body)
    if not result.html.strip():
        raise ValidationError({"body": "Nothing is left of the article once unsafe markup is removed."})
    article.body_html = result.html
    article.markup_removed = result.removed


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str,
    summary: str = "",
    category: Category | None = None,
    audience: str = Article.Audience.STAFF,
    tags: str = "",
    slug: str = "",
    publish: bool = False,
) -> Article:
    values = _clean(
        {
            "title": title,
            "body": body,
            "summary": summary,
            "category": category,
            "audience": audience,
            "tags": tags,
            "slug": slug,
        },
        article=None,
    )
    values["slug"] = values["slug"] or _unique_slug(values["title"])
    article = Article(
        **values, author=actor if _is_user(actor) else None, updated_by=actor if _is_user(actor) else None
    )
    _render_into(article)
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now()
    article.save()
    audit_record(actor=actor, action="kb_article.create", obj=article, after=snapshot(article, _AUDIT_FIELDS))
    return article


@transaction.atomic
def article_update(*, actor, article: Article, **changes: Any) -> Article:
    """Change any of title, slug, summary, body, category, audience, tags (pass only those)."""
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    article = Article.objects.select_for_update().get(pk=article.pk)
    values = _clean(changes, article=article)
    before = snapshot(article, _AUDIT_FIELDS)
    for name, value in values.items():
        setattr(article, name, value)
    _render_into(article)
    article.updated_by = actor if _is_user(actor) else None
    article.save()
    audit_record(
        actor=actor, action="kb_article.update", obj=article, before=before, after=snapshot(article, _AUDIT_FIELDS)
    )
    return article


@transaction.atomic
def article_publish(*, actor, article: Article) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.PUBLISHED:
        return article
    before = snapshot(article, _AUDIT_FIELDS)
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.updated_by = actor if _is_user(actor) else None
    article.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    audit_record(
        actor=actor, action="kb_article.publish", obj=article, before=before, after=snapshot(article, _AUDIT_FIELDS)
    )
    return article


@transaction.atomic
def article_unpublish(*, actor, article: Article) -> Article:
    """Back to draft: it leaves the FAQ and staff search at once; `published_at` keeps
    when it was last published."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status == Article.Status.DRAFT:
        return article
    before = snapshot(article, _AUDIT_FIELDS)
    article.status = Article.Status.DRAFT
    article.updated_by = actor if _is_user(actor) else None
    article.save(update_fields=["status", "updated_by", "updated_at"])
    audit_record(
        actor=actor, action="kb_article.unpublish", obj=article, before=before, after=snapshot(article, _AUDIT_FIELDS)
    )
    return article


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)
