"""Setup for the partnership. The ledger is read-only here: derived entries belong to the
job and typed entries are corrected with a new entry (on the ledger page), never edited."""

from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.partnership.models import LedgerEntry, LedgerFeedState, Rollout, Skill, SurveyQuestion, SurveyRound


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "label", "kind", "direction", "giver", "receiver", "count", "origin", "orphaned_at"]
    list_filter = ["origin", "direction", "kind", "feed_key"]
    search_fields = ["label", "source_key"]
    list_select_related = ["giver", "receiver"]
    date_hierarchy = "occurred_on"


@admin.register(LedgerFeedState)
class LedgerFeedStateAdmin(ReadOnlyAdmin):
    list_display = ["feed_key", "last_run_at", "created", "updated", "unchanged", "orphaned", "skipped", "last_error"]


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0
    fields = ["order", "key", "text", "evidence"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(AuditedModelAdmin):
    """Rounds' titles and questions may be set up here; answers are never shown in the admin."""

    list_display = ["title", "period_start", "period_end", "status", "allows_anonymous"]
    list_filter = ["status"]
    inlines = [SurveyQuestionInline]
    readonly_fields = ["status", "opened_at", "closed_at", "created_by"]


@admin.register(Rollout)
class RolloutAdmin(AuditedModelAdmin):
    list_display = ["title", "kind", "starts_on", "status", "consulted_on", "flagged_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]


@admin.register(Skill)
class SkillAdmin(AuditedModelAdmin):
    list_display = ["title", "person", "level", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["title"]
