from django.contrib import admin
from django.db import models

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.directory.models import DirectoryEntry


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "department", "owner", "review_by", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["name", "handles", "description"]
    list_select_related = ["department", "owner"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["owner"]
    date_hierarchy = "review_by"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
