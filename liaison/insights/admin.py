from django.contrib import admin

from liaison.insights.models import ReportDelivery, ScheduledReport


@admin.register(ScheduledReport)
class ScheduledReportAdmin(admin.ModelAdmin):
    list_display = ("name", "dashboard", "period", "format", "is_active", "created_by")
    list_filter = ("dashboard", "period", "format", "is_active")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ("report", "period_first", "period_last", "status", "attempts", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("report", "period_first", "period_last", "queued_at", "sent_at", "attempts", "error")
