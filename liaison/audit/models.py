"""The audit trail: one row per staff-facing write, with who, what, when, before and after."""

from django.conf import settings
from django.db import models

# Object names that do not read well when made from the code.
_OBJECT_NAMES = {"kb_article": "Article", "api_token": "API token", "admin": "Setup", "desk": "Desk report"}


def action_label(action: str) -> str:
    """'ticket.purge_contacts' → 'Ticket: purge contacts'; 'kb_article.publish' → 'Article: publish'."""
    obj, _, verb = action.partition(".")
    name = _OBJECT_NAMES.get(obj, obj.replace("_", " ").capitalize())
    if not verb:
        return name
    verb = verb.replace("_", " ")
    if obj == "desk":  # 'desk.report_save' → 'Desk report: save'
        verb = verb.removeprefix("report ")
    return f"{name}: {verb}"


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True, help_text="Kept if the account is removed.")
    action = models.CharField(max_length=60, db_index=True, help_text="e.g. 'ticket.hand_off'.")
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """The action in words for people ("Ticket: purge contacts"); the code stays searchable."""
        return action_label(self.action)
