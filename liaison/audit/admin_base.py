"""The admin base every app's admin uses, so admin writes reach the audit trail. Kept apart
from `admin.py` (this app's own screens), which no other app may import."""

from django.contrib import admin

from liaison.audit.services import audit_record, snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin writes go to the audit trail like every other staff-facing write."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            before=before,
            after=snapshot(obj),
        )

    def delete_model(self, request, obj):
        before = snapshot(obj)
        audit_record(actor=request.user, action="admin.delete", obj=obj, before=before)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The admin's bulk "delete selected" bypasses delete_model; record each row too.
        for obj in queryset:
            audit_record(actor=request.user, action="admin.delete", obj=obj, before=snapshot(obj))
        super().delete_queryset(request, queryset)
