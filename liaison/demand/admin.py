from django.contrib import admin

from liaison.demand.models import CalibrationRound, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("measure", "place_name", "service_point", "room", "created_at")
    list_filter = ("measure",)
    search_fields = ("place_name",)
    readonly_fields = ("place_key",)


@admin.register(CalibrationRound)
class CalibrationRoundAdmin(admin.ModelAdmin):
    list_display = ("month", "sample_size", "seed", "created_at")
    readonly_fields = ("month", "seed", "sample_size", "created_by")
