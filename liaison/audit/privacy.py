"""What the audit trail stores, why, and for how long (the privacy register, core/privacy.py)."""

from liaison.core import privacy

privacy.register(
    "audit.AuditEvent",
    purpose="The audit trail: who changed what and when, for accountability (security P9).",
    retention="Kept for ever: no purge, no retention window yet, and nobody can change or delete a row in the "
    "app (the admin is read-only).",
    pii={
        "actor": "Who made the change (emptied if the account is deleted; actor_label stays).",
        "actor_label": "The actor's user name, kept when the account is deleted.",
        "object_repr": "How the changed object reads: a person's name for an account or a directory entry, a "
        "ticket's number and subject.",
        "before": "A snapshot before the change. Secrets and patron contact details are left out, but ticket changes "
        "copy the subject, admin edits a person's name and e-mail, directory and desk changes e-mails, phones and "
        "desk notes.",
        "after": "A snapshot after the change, with the same contents as `before`, and the typed reason for "
        "opening a patron's contact details.",
    },
    public=("id", "at", "action", "object_type", "object_id"),
)
