"""What accounts stores about people, why, and for how long (the privacy register, core/privacy.py)."""

from liaison.core import privacy
from liaison.core.privacy import why

WHILE_THE_ACCOUNT_EXISTS = (
    "Kept while the account exists. An administrator deactivates or deletes it in Setup; a deactivated "
    "account keeps every field. No automatic purge."
)

privacy.register(
    "accounts.Department",
    purpose="A campus department: who owns queues, directory entries and service points.",
    retention="Kept until an administrator deletes the department in Setup. No automatic purge.",
    pii={"contact_email": "The department's address, shown to staff; may be a person's own address."},
    public=("id", "created_at", "updated_at", "name", "code", "kind"),
)

privacy.register(
    "accounts.User",
    purpose="A person who signs in: staff, supervisors, student workers and administrators. Patrons have none.",
    retention=WHILE_THE_ACCOUNT_EXISTS,
    pii={
        "username": "Signing in; shown as the actor in the audit trail and kept there as its label.",
        "first_name": "The person's name, shown to colleagues.",
        "last_name": "The person's name, shown to colleagues.",
        "display_name": "The name colleagues see on tickets, the desk and the directory.",
        "email": "Ticket notifications, directory review reminders and password resets.",
    },
    sensitive={
        "password": "A salted hash of the password (Django's hasher), to check sign-ins; never shown or audited.",
        "last_login": "When the person last signed in: when they worked.",
    },
    public=(
        "id",
        "is_superuser",
        "is_staff",
        "is_active",
        "date_joined",
        "role",
        "department",
        "groups",
        "user_permissions",
    ),
)

privacy.register(
    "accounts.ApiToken",
    purpose="A personal secret for an integration (ADR 0010). Only its hash is kept; it is shown once.",
    retention="Kept while the account exists, revoked tokens included (deleted with the account). No automatic "
    "purge of revoked tokens.",
    pii={"user": "Whose token it is: the requests it authenticates act as this person."},
    sensitive={
        "key_hash": "SHA-256 of the secret, to recognise it; never shown or audited.",
        "prefix": "The token's first characters, to tell tokens apart in lists; not enough to use it.",
        "last_used_at": "When an integration last acted as this person (to the minute).",
    },
    public=("id", "created_at", "updated_at", "name", "revoked_at"),
)

# Django's sessions table belongs here because sign-in writes it: each row says who is signed in.
privacy.register(
    "sessions.Session",
    purpose="Who is signed in on which browser (Django's database sessions).",
    retention="A session ends after 30 idle minutes or 10 hours by default (LIAISON_SESSION_IDLE_MINUTES, "
    "LIAISON_SESSION_ABSOLUTE_HOURS), at sign-out and at deactivation; a row ended that way is deleted. A row "
    "whose browser never came back stays after expire_date until `manage.py clearsessions` runs, and nothing "
    "schedules it yet.",
    pii={
        "session_data": "The signed-in user's id, a check derived from their password hash, and when they signed in and were last seen."
    },
    sensitive={"session_key": why("The cookie's value: whoever holds it is signed in as that person.")},
    public=("expire_date",),
)
