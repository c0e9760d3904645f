"""Where service happens: buildings, rooms (a lab is a room) and service points with hours."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from liaison.accounts.models import Department
from liaison.core.models import TimeStampedModel


class Building(TimeStampedModel):
    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    address = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Room(TimeStampedModel):
    class Kind(models.TextChoices):
        LAB = "lab", "Computer lab"
        DESK_AREA = "desk_area", "Service desk area"
        OFFICE = "office", "Office"
        CLASSROOM = "classroom", "Classroom"
        STUDY = "study", "Study space"
        OTHER = "other", "Other"

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=120)
    number = models.CharField(max_length=20, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    floor = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["building__name", "name"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="room_unique_name_per_building")]

    def __str__(self) -> str:
        return f"{self.name} ({self.building.code.upper()}{' ' + self.number if self.number else ''})"

    @property
    def is_lab(self) -> bool:
        return self.kind == self.Kind.LAB


class ServicePoint(TimeStampedModel):
    """A place or channel where service is given: a desk, a lab desk, chat."""

    class Kind(models.TextChoices):
        DESK = "desk", "Service desk"
        LAB_DESK = "lab_desk", "Lab desk"
        CHAT = "chat", "Chat"
        PHONE = "phone", "Phone line"
        EMAIL = "email", "E-mail"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DESK)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="service_points")
    departments = models.ManyToManyField(Department, related_name="service_points", help_text="Who staffs it.")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_joint(self) -> bool:
        kinds = {d.kind for d in self.departments.all()}
        return {Department.Kind.LIBRARY, Department.Kind.IT} <= kinds


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One weekly open period. A day may have several (e.g. split shifts)."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["service_point", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="hours_close_after_open"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="hours_valid_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HoursException(models.Model):
    """A dated change to the weekly hours: a holiday (closed) or special hours (a break)."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="hours_exceptions")
    date = models.DateField(db_index=True)
    is_closed = models.BooleanField(default=True)
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    reason = models.CharField(max_length=120, help_text="e.g. 'Thanksgiving' or 'Spring break hours'.")

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["service_point", "date"], name="one_exception_per_day"),
            models.CheckConstraint(
                condition=Q(is_closed=True) | Q(opens__isnull=False, closes__isnull=False, closes__gt=F("opens")),
                name="exception_open_needs_hours",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.date}: {'closed' if self.is_closed else f'{self.opens:%H:%M}–{self.closes:%H:%M}'} ({self.reason})"
        )
