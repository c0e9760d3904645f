from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.kb.models import Article, Category


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(AuditedModelAdmin):
    """Look-only: articles are written on the knowledge-base pages, where the service renders
    and sanitises the body. An administrator can still delete one here (audited)."""

    list_display = ["title", "category", "audience", "status", "updated_at"]
    list_filter = ["audience", "status", "category"]
    list_select_related = ["category"]
    search_fields = ["title", "summary", "tags"]
    readonly_fields = [f.name for f in Article._meta.fields]

    def has_add_permission(self, request):
        return False
