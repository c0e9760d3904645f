"""What the knowledge base stores, why, and for how long (the privacy register, core/privacy.py)."""

from liaison.core import privacy

privacy.register(
    "kb.Category",
    purpose="Groups articles in the knowledge base and the public help site.",
    retention="Kept until an administrator deletes it in Setup.",
    public=("id", "name", "slug", "description", "order"),
)

privacy.register(
    "kb.Article",
    purpose="An answer staff reuse; published public articles are the patron FAQ. Written for readers, "
    "not about patrons.",
    retention="Kept until an administrator deletes the article in Setup; unpublishing keeps it. No automatic purge.",
    pii={
        "author": "Who wrote the article, shown to staff.",
        "updated_by": "Who changed it last, shown to staff.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "title",
        "slug",
        "summary",
        "body",
        "body_html",
        "category",
        "audience",
        "status",
        "tags",
        "published_at",
    ),
)
