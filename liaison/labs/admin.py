"""Setup of makers, models and assets (everyday changes also have staff pages). Incidents
are worked on their own pages and through their tickets; the admin shows them read-only."""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.labs import board_cache
from liaison.labs.models import (
    Asset,
    AssetModel,
    Headcount,
    Incident,
    LabAgent,
    LibrarySystem,
    MaintenanceWindow,
    Maker,
    PrinterSignal,
    SystemTicket,
)


@admin.register(Maker)
class MakerAdmin(AuditedModelAdmin):
    search_fields = ["name"]


@admin.register(AssetModel)
class AssetModelAdmin(AuditedModelAdmin):
    list_display = ["name", "maker", "kind"]
    list_filter = ["kind", "maker"]
    search_fields = ["name", "maker__name"]


@admin.register(Asset)
class AssetAdmin(AuditedModelAdmin):
    list_display = ["tag", "name", "model", "kind", "room", "owner", "status", "in_service_on"]
    list_filter = ["status", "kind", "room", "owner"]
    search_fields = ["tag", "name", "serial"]
    list_select_related = ["model__maker", "room__building", "owner"]
    readonly_fields = ["kind", "public_code"]

    def save_model(self, request, obj, form, change):
        obj.kind = obj.model.kind  # the kind follows the model, as the services keep it
        super().save_model(request, obj, form, change)


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(AuditedModelAdmin):
    list_display = ["asset", "starts_at", "ends_at", "reason"]
    list_select_related = ["asset"]
    raw_id_fields = ["asset"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["id", "asset", "state", "source", "problem", "started_at", "resolved_at", "report_count"]
    list_filter = ["state", "source"]
    list_select_related = ["asset"]
    search_fields = ["asset__tag"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LabAgent)
class LabAgentAdmin(admin.ModelAdmin):
    """Agent accounts are made with `manage.py labs_agent_token <room id>` (which shows the
    token once); the admin lists them."""

    list_display = ["room", "user", "created_at"]
    list_select_related = ["room", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LibrarySystem)
class LibrarySystemAdmin(AuditedModelAdmin):
    """Everyday status changes have a staff page; a change here also refreshes the desk banner."""

    list_display = ["name", "status", "library_owner", "it_owner", "status_changed_at"]
    list_filter = ["status"]
    search_fields = ["name", "description"]
    list_select_related = ["library_owner", "it_owner"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["library_owner", "it_owner"]

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.status_changed_at = timezone.now()
        super().save_model(request, obj, form, change)
        transaction.on_commit(board_cache.forget_systems)


@admin.register(SystemTicket)
class SystemTicketAdmin(admin.ModelAdmin):
    list_display = ["system", "ticket", "linked_at", "linked_by"]
    list_select_related = ["system", "ticket", "linked_by"]
    raw_id_fields = ["ticket", "linked_by"]


@admin.register(PrinterSignal)
class PrinterSignalAdmin(admin.ModelAdmin):
    """What each network printer last told the poller (read-only: the poller writes it)."""

    list_display = ["asset", "answering", "printer_state", "reasons", "fault", "error", "polled_at", "answered_at"]
    list_filter = ["answering", "printer_state"]
    list_select_related = ["asset"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Headcount)
class HeadcountAdmin(admin.ModelAdmin):
    """Imported through Imports; a wrong count can be deleted here and the sheet imported again."""

    list_display = ["room", "area", "hour_start", "count"]
    list_filter = ["room", "area"]
    list_select_related = ["room"]
    date_hierarchy = "hour_start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
