from django.contrib import admin

from liaison.staffing.models import (
    CoverageNeed,
    DepartmentBudget,
    Schedule,
    ScheduleRun,
    Shift,
    ShiftOffer,
    Skill,
    Term,
    Training,
    Worker,
)


class BudgetInline(admin.TabularInline):
    model = DepartmentBudget
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "swaps_need_approval", "min_shift_hours", "max_shift_hours")
    inlines = [BudgetInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "valid_months")
    prepopulated_fields = {"slug": ("name",)}


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0
    fk_name = "worker"
    raw_id_fields = ("signed_off_by",)


@admin.register(Worker)
class WorkerAdmin(admin.ModelAdmin):
    list_display = ("__str__", "paying_department", "max_hours_week", "max_hours_day", "is_active")
    list_filter = ("paying_department", "is_active")
    raw_id_fields = ("user",)
    inlines = [TrainingInline]


@admin.register(CoverageNeed)
class CoverageNeedAdmin(admin.ModelAdmin):
    list_display = ("term", "service_point", "skill", "weekday", "hour", "minimum", "ideal")
    list_filter = ("term", "service_point", "skill")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("term", "version", "published_version", "published_at")


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "schedule", "status", "created_at", "finished_at")
    readonly_fields = ("result",)


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("date", "start_hour", "end_hour", "service_point", "skill", "worker", "state")
    list_filter = ("state", "service_point")
    date_hierarchy = "date"
    raw_id_fields = ("worker",)


@admin.register(ShiftOffer)
class ShiftOfferAdmin(admin.ModelAdmin):
    list_display = ("shift", "offered_by", "taken_by", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("shift", "offered_by", "taken_by", "decided_by")
