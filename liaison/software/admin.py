"""Setup for software access: the catalogue, permissions, profiles, images and terms are
edited here by administrators (audited). Needs, requests, baselines and drift decisions are
written on the software pages, through the services, and are read-only here."""

from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.software.models import (
    Baseline,
    Course,
    DriftDecision,
    Image,
    ImageItem,
    Instructor,
    Need,
    Permission,
    Profile,
    ProfileRule,
    Request,
    Term,
    Title,
    TitleVersion,
    Workstation,
)


class TitleVersionInline(admin.TabularInline):
    model = TitleVersion
    extra = 1


@admin.register(Title)
class TitleAdmin(AuditedModelAdmin):
    list_display = ["name", "publisher", "licence", "seats", "delivery"]
    list_filter = ["licence", "delivery"]
    search_fields = ["name", "publisher"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["requires"]
    inlines = [TitleVersionInline]


@admin.register(Permission)
class PermissionAdmin(AuditedModelAdmin):
    list_display = ["label", "key", "is_builtin", "order"]
    readonly_fields = ["is_builtin"]
    filter_horizontal = ["requires"]


class ProfileRuleInline(admin.TabularInline):
    model = ProfileRule
    extra = 0
    autocomplete_fields = ["title"]


@admin.register(Profile)
class ProfileAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "role"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["permissions"]
    inlines = [ProfileRuleInline]


class ImageItemInline(admin.TabularInline):
    model = ImageItem
    extra = 0
    autocomplete_fields = ["title"]


@admin.register(Image)
class ImageAdmin(AuditedModelAdmin):
    list_display = ["name", "platform", "profile", "updated_at"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["labs"]
    inlines = [ImageItemInline]


@admin.register(Term)
class TermAdmin(AuditedModelAdmin):
    list_display = ["name", "starts_on", "ends_on", "needs_deadline"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Instructor)
class InstructorAdmin(AuditedModelAdmin):
    list_display = ["name", "email"]
    search_fields = ["name", "email"]


@admin.register(Course)
class CourseAdmin(AuditedModelAdmin):
    list_display = ["code", "section", "name", "department", "term", "enrolment"]
    list_filter = ["term", "department"]
    search_fields = ["code", "name"]
    filter_horizontal = ["instructors"]


class ReadOnlyAdmin(AuditedModelAdmin):
    """Written through the services on the software pages; deletable here (audited)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["course", "title", "min_version", "lab", "needed_by", "is_late"]
    list_select_related = ["course", "title", "lab__building"]


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    list_display = ["pk", "need", "answer", "state", "due_on", "owner"]
    list_filter = ["state", "answer"]
    list_select_related = ["need__course", "need__title", "owner"]


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyAdmin):
    list_display = ["role", "version", "created_at", "created_by"]


@admin.register(Workstation)
class WorkstationAdmin(ReadOnlyAdmin):
    list_display = ["hostname", "role", "person", "seen_at"]


@admin.register(DriftDecision)
class DriftDecisionAdmin(ReadOnlyAdmin):
    list_display = ["workstation", "permission", "direction", "kind", "expires_on", "decided_at"]
