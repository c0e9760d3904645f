from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.pilots.models import FeedbackForm, HostingCost, Pilot, Theme


class HostingCostInline(admin.TabularInline):
    model = HostingCost
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "occurred_on", "hours", "amount", "note", "recorded_by", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pilot)
class PilotAdmin(AuditedModelAdmin):
    """Look-only: pilots are proposed and moved on through the pilots pages, where the services
    ask the policy and write the history. An administrator can still delete one here (audited)."""

    list_display = ["title", "state", "it_department", "library_department", "starts_on", "ends_on"]
    list_filter = ["state", "kind"]
    list_select_related = ["it_department", "library_department"]
    search_fields = ["title", "summary"]
    readonly_fields = [f.name for f in Pilot._meta.fields]
    inlines = [HostingCostInline]

    def has_add_permission(self, request):
        return False


@admin.register(FeedbackForm)
class FeedbackFormAdmin(AuditedModelAdmin):
    list_display = ["title", "pilot", "code", "is_open"]
    list_select_related = ["pilot"]
    readonly_fields = [f.name for f in FeedbackForm._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Theme)
class ThemeAdmin(AuditedModelAdmin):
    list_display = ["name", "pilot"]
    list_select_related = ["pilot"]
    search_fields = ["name"]
