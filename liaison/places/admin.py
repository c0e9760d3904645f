from django.contrib import admin

from liaison.audit.admin_base import AuditedModelAdmin
from liaison.places.models import Building, HoursException, OpeningHours, Room, ServicePoint


@admin.register(Building)
class BuildingAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "address"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Room)
class RoomAdmin(AuditedModelAdmin):
    list_display = ["name", "building", "number", "kind", "capacity"]
    list_filter = ["building", "kind"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class HoursExceptionInline(admin.TabularInline):
    model = HoursException
    extra = 0


@admin.register(ServicePoint)
class ServicePointAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "room", "is_active"]
    list_filter = ["kind", "departments", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["departments"]
    inlines = [OpeningHoursInline, HoursExceptionInline]
