from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.desk.models import Interaction, InteractionKind, TechCategory, TopicTag
from liaison.desk.services import content_fingerprint


@admin.register(InteractionKind)
class InteractionKindAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "shortcut", "asks_tech_category", "order", "is_active"]
    list_editable = ["shortcut", "asks_tech_category", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TechCategory)
class TechCategoryAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "order", "is_active"]
    list_editable = ["order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TopicTag)
class TopicTagAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Interaction)
class InteractionAdmin(AuditedModelAdmin):
    """Entries are logged at the desk, not here: the admin lists, corrects and removes them."""

    list_display = ["occurred_at", "service_point", "kind", "read_level", "tech_category", "mode", "recorded_by"]
    list_filter = ["service_point", "kind", "read_level", "mode", "tech_category", "source"]
    list_select_related = ["service_point", "kind", "tech_category", "recorded_by"]
    date_hierarchy = "occurred_at"
    search_fields = ["note", "client_id"]
    readonly_fields = ["client_id", "logged_at", "recorded_by", "source", "content_fingerprint"]
    raw_id_fields = ["referred_to"]
    filter_horizontal = ["tags"]

    def has_add_permission(self, request):
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        entry = form.instance
        entry.content_fingerprint = content_fingerprint(entry, entry.tags.all())
        Interaction.objects.filter(pk=entry.pk).update(content_fingerprint=entry.content_fingerprint)
