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


DIMENSION_COLUMNS = ("d1", "d2", "d3", "d4", "d5", "d6")


class AggregateCount(models.Model):
    """A pre-aggregated count: how many of something happened in one time bucket, for one
    combination of a stat's dimensions (Zulip's analytics counts are the model). Reports read
    these rows instead of scanning years of source rows. A stat names what d1…d6 hold
    (liaison/core/counts.py); unused dimensions are "". Rows at or after the stat's fill state
    are ignored by readers (they may be stale), and rewritten by the next fill."""

    property = models.CharField(max_length=80)
    bucket_start = models.DateTimeField(help_text="Start of the hour (UTC), or the moment of a gauge's snapshot.")
    d1 = models.CharField(max_length=64, default="", blank=True)
    d2 = models.CharField(max_length=64, default="", blank=True)
    d3 = models.CharField(max_length=64, default="", blank=True)
    d4 = models.CharField(max_length=64, default="", blank=True)
    d5 = models.CharField(max_length=64, default="", blank=True)
    d6 = models.CharField(max_length=64, default="", blank=True)
    value = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["property", "bucket_start", "d1", "d2", "d3", "d4", "d5", "d6"], name="aggregate_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.property} @ {self.bucket_start:%Y-%m-%d %H:%M}: {self.value}"


class AggregateFillState(models.Model):
    """How far a stat's counts are filled: every bucket before `filled_until` is complete and
    correct. A write that lands in an already-filled bucket (a back-dated entry, an import, an
    undo) moves `filled_until` back in its own transaction, so readers count that stretch live
    until the next fill rewrites it."""

    property = models.CharField(max_length=80, primary_key=True)
    filled_until = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_buckets = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.property} filled until {self.filled_until:%Y-%m-%d %H:%M}"
