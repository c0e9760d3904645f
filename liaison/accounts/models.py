"""People, their departments and roles, and the API tokens they use for integrations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from liaison.core.models import TimeStampedModel
from liaison.core.roles import Role


class Department(TimeStampedModel):
    """A campus department: the Library and IT always; a site may add others."""

    class Kind(models.TextChoices):
        LIBRARY = "library", "Library"
        IT = "it", "IT"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=30, unique=True, help_text="Short code, e.g. 'library' or 'it'.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Patrons have no account: they use public pages."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.LIBRARY_STAFF, db_index=True)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    display_name = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser


class ApiToken(TimeStampedModel):
    """A per-user secret for integrations. Only its hash is stored; it is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses this token, e.g. 'Lab agent'.")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
