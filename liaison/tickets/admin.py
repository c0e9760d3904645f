"""Setup of queues. Tickets are worked on their own pages; the admin shows them read-only and
never shows patron contact details (that would bypass the logged "Show contact details")."""

from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.tickets.models import Queue, Ticket


@admin.register(Queue)
class QueueAdmin(AuditedModelAdmin):
    list_display = ["name", "department", "parent", "target_response_hours", "notify_email", "is_active"]
    list_filter = ["department", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "queue", "state", "priority", "assignee", "due_at", "created_at"]
    list_filter = ["state", "priority", "queue__department", "queue"]
    search_fields = ["subject"]
    list_select_related = ["queue__department", "assignee"]
    fields = [
        "reference",
        "subject",
        "description",
        "queue",
        "state",
        "waiting_on",
        "priority",
        "assignee",
        "opened_by",
        "origin_department",
        "service_point",
        "interaction",
        "due_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "contact_purged_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
