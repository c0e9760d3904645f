from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.imports.models import ImportMapping, ImportRun


@admin.register(ImportMapping)
class ImportMappingAdmin(AuditedModelAdmin):
    list_display = ["name", "importer", "owner", "updated_at"]
    list_filter = ["importer"]
    search_fields = ["name", "description"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Runs are a record: read them here, never edit them."""

    list_display = [
        "file_name",
        "importer",
        "status",
        "rows_total",
        "rows_created",
        "rows_rejected",
        "started_by",
        "created_at",
    ]
    list_filter = ["importer", "status", "via"]
    search_fields = ["file_name", "file_sha256"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
