"""Base models shared by every domain. No domain knowledge lives here."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """A create request that is safe to send again (security Rel1). The first answer is kept
    for 24 hours under (who, what, key): the same key and content get that answer again, the
    same key with other content is refused, and a repeat while the first is still running is
    told so. See liaison/core/idempotency.py."""

    scope = models.CharField(max_length=80, help_text="Whose key it is, e.g. user:12.")
    endpoint = models.CharField(max_length=80, help_text="What was created, e.g. tickets.create.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request's content.")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty while in flight.")
    response = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "endpoint", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.key[:12]}… ({self.scope})"
