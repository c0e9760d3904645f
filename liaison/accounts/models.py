"""People, their departments and roles, and the API tokens they use for integrations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from liaison.core.compiled import CompiledRead
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


class UserManager(DjangoUserManager):
    """Django's, with one read compiled once per connection (core.compiled): `get(pk=…)`, which
    Django's ModelBackend runs on every signed-in request to know who is asking, and which cost
    more Python to build than PostgreSQL took to answer."""

    def get(self, *args, **kwargs):
        # Only `User.objects` itself: a related manager (`department.members`) is a subclass
        # that adds its own filter, which this read would skip.
        if type(self) is UserManager and not args and kwargs.keys() == {"pk"}:
            user = _USER_BY_PK.first(kwargs["pk"], using=self.db)
            if user is None:
                raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
            return user
        return super().get(*args, **kwargs)


class User(AbstractUser):
    """A person who signs in. Patrons have no account: they use public pages."""

    objects = UserManager()  # type: ignore[misc]

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


# `User.objects.get(pk=…)` as Django's get() would read it (no ordering), compiled once per connection.
_USER_BY_PK: CompiledRead[User] = CompiledRead(
    "accounts.user_by_pk", lambda pk: User._base_manager.filter(pk=pk).order_by(), [User._meta.pk], [-7_919_000_201]
)


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
