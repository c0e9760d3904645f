"""The roles a person can hold. Kept in core so the access policy can name them."""

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    SUPERVISOR = "supervisor", "Supervisor"
    LIBRARY_STAFF = "library_staff", "Library staff"
    IT_STAFF = "it_staff", "IT staff"
    STUDENT_WORKER = "student_worker", "Student worker"


STAFF_ROLES = (Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF)
DESK_ROLES = (Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF, Role.STUDENT_WORKER)
