from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from liaison.accounts import services
from liaison.accounts.models import ApiToken, Department, User
from liaison.audit.admin_base import AuditedModelAdmin


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "kind", "contact_email"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "email", "role", "department", "is_active"]
    list_filter = ["role", "department", "is_active"]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Liaison", {"fields": ["display_name", "role", "department"]}))
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ("Liaison", {"fields": ["role", "department"]}))

    def save_model(self, request, obj, form, change):
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if deactivating:  # unticking "Active" is a deactivation: the service ends their sessions
            services.user_deactivate(actor=request.user, user=obj)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request):
        return False  # tokens are made by their owner, so the secret is shown only to them
