"""The knowledge base: Markdown articles for staff and, when public, the patron FAQ."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from liaison.core.models import TimeStampedModel


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=100, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Article(TimeStampedModel):
    """An answer staff reuse. `body_html` is rendered and sanitised by the service, never by save()."""

    class Audience(models.TextChoices):
        STAFF = "staff", "Staff only"
        PUBLIC = "public", "Public (FAQ)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.CharField(max_length=300, blank=True, help_text="One or two sentences shown in lists.")
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.STAFF)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tags = models.CharField(max_length=300, blank=True, help_text="Comma-separated, e.g. 'printing, wi-fi'.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="kb_articles"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    # Not a column: what the sanitiser removed on the last create or update (services set it).
    markup_removed: list[str]

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "audience"], name="kb_article_status_aud_idx"),
            models.Index(fields=["category", "status"], name="kb_article_cat_status_idx"),
            models.Index(fields=["-updated_at"], name="kb_article_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=["staff", "public"]), name="kb_article_audience_valid"),
            models.CheckConstraint(condition=Q(status__in=["draft", "published"]), name="kb_article_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False), name="kb_article_published_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.audience == self.Audience.PUBLIC

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]
