"""What the referral directory stores, why, and for how long (the privacy register, core/privacy.py).
An entry of kind "person" names a member of staff on campus, with their e-mail and phone."""

from liaison.core import privacy

privacy.register(
    "directory.DirectoryEntry",
    purpose="Who on campus handles what, so the desk refers a patron to the right office or person.",
    retention="Kept until an administrator deletes the entry in Setup. Retiring an entry keeps every field, so a "
    "retired person's name, e-mail and phone stay. No automatic purge.",
    pii={
        "name": "The office's, service's or person's name, searched and shown at the desk.",
        "email": "Where to send people; a person's own address for a person entry.",
        "phone": "Where to send people; a person's own number for a person entry.",
        "owner": "The member of staff who keeps the entry true and gets its review reminders.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "slug",
        "kind",
        "handles",
        "description",
        "location",
        "building",
        "hours",
        "url",
        "department",
        "review_by",
        "last_reviewed_at",
        "is_active",
    ),
)
