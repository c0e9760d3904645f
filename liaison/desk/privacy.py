"""What the desk stores, why, and for how long (the privacy register, core/privacy.py). An
interaction is counted, not a case: it holds no patron identity, only the member of staff who
logged it and an optional note."""

from liaison.core import privacy

LISTS_KEPT = "Kept until an administrator deletes it in Setup (refused while entries use it); retired by is_active."

privacy.register(
    "desk.InteractionKind",
    purpose="What an interaction was about (research, technology, directional …), picked on the desk screen.",
    retention=LISTS_KEPT,
    public=("id", "name", "slug", "shortcut", "asks_tech_category", "order", "is_active"),
)

privacy.register(
    "desk.TechCategory",
    purpose="What a technology question was about (Wi-Fi, printing …).",
    retention=LISTS_KEPT,
    public=("id", "name", "slug", "order", "is_active"),
)

privacy.register(
    "desk.TopicTag",
    purpose="Topics an interaction touched, for the statistics.",
    retention="Kept until an administrator deletes it in Setup; retired by is_active.",
    public=("id", "name", "slug", "is_active"),
)

privacy.register(
    "desk.Interaction",
    purpose="One question or transaction at a service point, logged for the desk statistics.",
    retention="Kept for ever: the statistics and their count tables are built from it. Its recorder may undo it "
    "within 2 minutes, and an administrator may delete it in Setup (both leave a snapshot in the audit trail). "
    "No automatic purge.",
    pii={
        "recorded_by": "Who logged it: a person sees and corrects their own entries; shown by user name in the API.",
        "note": "A short note typed at the desk. Its help text forbids patron names, e-mails and ID numbers, but "
        "nothing enforces that: treat it as free text about a patron.",
    },
    sensitive={
        "content_fingerprint": "SHA-256 of what was logged (note included), to tell a re-send from a conflicting "
        "entry under the same client id.",
    },
    public=(
        "id",
        "client_id",
        "service_point",
        "kind",
        "read_level",
        "tech_category",
        "mode",
        "referred_to",
        "duration_minutes",
        "weight",
        "occurred_at",
        "logged_at",
        "source",
        "tags",
    ),
)

privacy.register(
    "desk.SavedReport",
    purpose="A desk report's settings, kept under a name for the person who saved it; it holds no counts.",
    retention="Kept until its owner removes it; deleted with the owner's account.",
    pii={"owner": "Whose saved report it is: only they see and open it."},
    public=("id", "name", "period", "first", "last", "rows", "columns", "service_point", "created_at"),
)
