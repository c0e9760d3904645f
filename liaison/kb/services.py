"""Writes for the knowledge base. Each service asks `policy.py` itself (so no adapter can
forget), validates with `reject(...)` and a code from `errors.py`, writes through
`events.py`, and returns the article.

The Markdown body is rendered and sanitised here, on every save, so `body_html` is always the
allowlisted rendering of the current `body`. The article returned by create/update carries
`markup_removed`: what the sanitiser took out (e.g. "<script> element and its content"), so
the page or API can warn the editor.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from liaison.core.errors import reject
from liaison.core.services import model_update
from liaison.kb import events, policy
from liaison.kb.models import Article, Category
from liaison.kb.rendering import render_markdown

if TYPE_CHECKING:
    from liaison.accounts.models import User

MAX_BODY_CHARS = 100_000
RESERVED_SLUGS = frozenset({"new", "search", "categories"})
EDITABLE_FIELDS = ("title", "slug", "summary", "body", "category", "audience", "tags")


# --- Validation ----------------------------------------------------------------------------


class _Problems:
    """Every field that is wrong, reported at once, each with its code."""

    def __init__(self) -> None:
        self.found: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, *, code: str) -> None:
        self.found.setdefault(field, []).extend(reject(field, message, code=code).error_dict[field])

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _normalise_tags(text: str) -> str:
    seen: set[str] = set()
    tags = []
    for tag in (text or "").replace("\n", ",").split(","):
        tag = " ".join(tag.split()).lower()
        if tag and tag not in seen:
            seen.add(tag)
            tags.append(tag)
    return ", ".join(tags)


def _clean(values: Mapping[str, Any], *, article: Article | None) -> dict[str, Any]:
    problems = _Problems()
    out = dict(values)
    for key in ("title", "summary", "slug"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if "title" in out:
        if not out["title"]:
            problems.add(
                "title", "Give the article a title, e.g. 'Printing from your laptop'.", code="kb.title_required"
            )
        elif len(out["title"]) > 200:
            problems.add("title", "Keep the title under 200 characters.", code="kb.title_too_long")
    if "summary" in out and len(out["summary"]) > 300:
        problems.add(
            "summary", "Keep the summary under 300 characters (one or two sentences).", code="kb.summary_too_long"
        )
    if "body" in out:
        body = out["body"] or ""
        out["body"] = body
        if not body.strip():
            problems.add("body", "Write the article's text (Markdown).", code="kb.body_required")
        elif len(body) > MAX_BODY_CHARS:
            problems.add(
                "body",
                f"The article is too long: keep it under {MAX_BODY_CHARS:,} characters.",
                code="kb.body_too_long",
            )
    if "audience" in out and out["audience"] not in Article.Audience.values:
        problems.add("audience", "Choose who may read it: staff or public.", code="kb.audience_invalid")
    if out.get("category") is not None and not isinstance(out["category"], Category):
        problems.add("category", "Choose a category from the list, or none.", code="kb.category_invalid")
    if "tags" in out:
        out["tags"] = _normalise_tags(out["tags"])
        if len(out["tags"]) > 300:
            problems.add("tags", "Too many tags: keep them under 300 characters in all.", code="kb.tags_too_long")
    if out.get("slug"):
        slug = slugify(out["slug"])[:80]
        if not slug:
            problems.add("slug", "Use letters, numbers and hyphens for the web address.", code="kb.slug_invalid")
        elif slug in RESERVED_SLUGS:
            problems.add("slug", f"'{slug}' is reserved; choose another web address.", code="kb.slug_reserved")
        elif _slug_taken(slug, article):
            problems.add("slug", "Another article already uses this web address.", code="kb.slug_taken")
        out["slug"] = slug
    elif "slug" in out and article is not None:
        problems.add("slug", "An article needs a web address (slug).", code="kb.slug_required")
    problems.raise_any()
    return out


def _slug_taken(slug: str, article: Article | None) -> bool:
    others = Article.objects.filter(slug=slug)
    if article is not None:
        others = others.exclude(pk=article.pk)
    return others.exists()


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "article"
    if base in RESERVED_SLUGS:
        base = f"{base}-article"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _rendered(body: str, article: Article) -> str:
    """The sanitised HTML of `body`; notes on `article` what was removed."""
    result = render_markdown(body)
    if not result.html.strip():
        raise reject(
            "body", "Nothing is left of the article once unsafe markup is removed.", code="kb.body_empty_once_sanitised"
        )
    article.markup_removed = result.removed
    return result.html


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Writes --------------------------------------------------------------------------------


@transaction.atomic
def article_create(
    *,
    actor: User,
    title: str,
    body: str,
    summary: str = "",
    category: Category | None = None,
    audience: str = Article.Audience.STAFF,
    tags: str = "",
    slug: str = "",
    publish: bool = False,
) -> Article:
    """A new article, a draft unless `publish`. Its web address is made from the title when
    `slug` is empty."""
    _require(policy.can_write_articles(actor), "Only staff may write knowledge-base articles.")
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
    article = Article(**values, author=actor, updated_by=actor)
    article.body_html = _rendered(article.body, article)
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = timezone.now()
    article.save()
    events.article_created(actor=actor, article=article)
    return article


@transaction.atomic
def article_update(*, actor: User, article: Article, data: Mapping[str, Any]) -> Article:
    """Change any of title, slug, summary, body, category, audience, tags: `data` carries only
    what changes. Nothing is written (and nothing audited) when nothing differs."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(policy.can_edit_article(actor, article), "Only staff may change knowledge-base articles.")
    values = _clean(data, article=article)
    # Rendered even when the body is unchanged, so the editor is still told what readers
    # never see (and a change to the sanitiser reaches the stored HTML on the next save).
    values["body_html"] = _rendered(values.get("body", article.body), article)
    if any(getattr(article, name) != value for name, value in values.items()):
        values["updated_by"] = actor
    before = events.article_snapshot(article)
    article, changed = model_update(instance=article, fields=[*EDITABLE_FIELDS, "body_html", "updated_by"], data=values)
    if changed:
        events.article_updated(actor=actor, article=article, before=before)
    return article


@transaction.atomic
def article_publish(*, actor: User, article: Article) -> Article:
    """Readers see it at once: staff in the knowledge base, and everyone on /help/ when public."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(policy.can_publish_article(actor, article), "Only staff may publish knowledge-base articles.")
    if policy.article_is_published(article):
        return article
    before = events.article_snapshot(article)
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.updated_by = actor
    article.save(update_fields=["status", "published_at", "updated_by", "updated_at"])
    events.article_published(actor=actor, article=article, before=before)
    return article


@transaction.atomic
def article_unpublish(*, actor: User, article: Article) -> Article:
    """Back to draft: it leaves the FAQ and staff search at once; `published_at` keeps
    when it was last published."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(policy.can_publish_article(actor, article), "Only staff may unpublish knowledge-base articles.")
    if not policy.article_is_published(article):
        return article
    before = events.article_snapshot(article)
    article.status = Article.Status.DRAFT
    article.updated_by = actor
    article.save(update_fields=["status", "updated_by", "updated_at"])
    events.article_unpublished(actor=actor, article=article, before=before)
    return article
