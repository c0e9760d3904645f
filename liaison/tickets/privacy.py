"""What tickets store about patrons and staff, why, and for how long (the privacy register,
core/privacy.py). Tickets are never deleted (the admin is read-only and no service deletes one);
the contact purge empties only the patron's name, e-mail and phone."""

from liaison.core import privacy
from liaison.core.privacy import why

WITH_THE_TICKET = (
    "Kept for ever with its ticket: tickets cannot be deleted, and the contact purge does not touch it. "
    "No automatic purge."
)
CONTACT = (
    "Emptied by the daily contact purge (tickets.tasks.purge_ticket_contacts_daily at 03:17, or "
    "`manage.py purge_ticket_contacts`) once the ticket has been closed for LIAISON_CONTACT_RETENTION_DAYS "
    "(default 30). A resolved ticket that nobody closes keeps it."
)
UNTIL_SETUP_DELETES_IT = "Kept until an administrator deletes the queue in Setup (refused while tickets use it)."

privacy.register(
    "tickets.Queue",
    purpose="Where a department's tickets wait, and whom to tell about new and handed-over ones.",
    retention=UNTIL_SETUP_DELETES_IT,
    pii={"notify_email": "A shared inbox told about new and handed-over tickets; may be a person's own address."},
    public=(
        "id",
        "created_at",
        "updated_at",
        "name",
        "slug",
        "department",
        "parent",
        "description",
        "target_response_hours",
        "is_active",
    ),
)

privacy.register(
    "tickets.Ticket",
    purpose="A patron's case that needs follow-up, worked by a department's queue and handed between them.",
    retention=WITH_THE_TICKET,
    pii={
        "subject": "What the patron needs, typed by staff: free text that may name the patron.",
        "description": "The case in full: free text about the patron.",
        "assignee": "The member of staff working the ticket.",
        "opened_by": "The member of staff who opened it.",
        "patron_name": why('Whom staff answer; shown only on a logged "Show contact details".', retention=CONTACT),
        "patron_email": why("Where replies and status links go; shown only on a logged reveal.", retention=CONTACT),
        "patron_phone": why("How to call the patron back; shown only on a logged reveal.", retention=CONTACT),
        "search_text": "Subject, description and every reply in one text, for search.",
        "search_vector": "The words of search_text, indexed for full-text search (PostgreSQL only; empty on SQLite).",
        "followers": "Staff who get its notifications.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "reference",
        "queue",
        "state",
        "waiting_on",
        "priority",
        "origin_department",
        "service_point",
        "interaction",
        "due_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "contact_purged_at",
        "referring_departments",
        "linked_articles",
    ),
)

privacy.register(
    "tickets.Reply",
    purpose="A public reply to the patron (on their status page and by e-mail) or an internal note between staff.",
    retention=WITH_THE_TICKET,
    pii={
        "author": "The member of staff who wrote it.",
        "body": "The text: free text to or about the patron.",
    },
    public=("id", "ticket", "is_internal", "created_at"),
)

privacy.register(
    "tickets.Attachment",
    purpose="A file added to a ticket (a screenshot, a form), checked and stored privately, served only to staff "
    "who may see the ticket.",
    retention=WITH_THE_TICKET + " The file stays under MEDIA_ROOT/tickets/ as long as its row.",
    pii={
        "original_name": "The name the file was uploaded with, shown for download; often names the patron.",
        "uploaded_by": "The member of staff who added it.",
    },
    sensitive={
        "file": "Where the stored file is (a server-made name); its contents are whatever was sent in, often about the patron.",
        "sha256": "SHA-256 of the contents, to spot a duplicate upload.",
    },
    public=("id", "ticket", "content_type", "size", "created_at"),
)

privacy.register(
    "tickets.StatusLink",
    purpose="Lets the patron follow their request without an account (security R3).",
    retention="Deleted by the daily purge (tickets.tasks.purge_ticket_contacts_daily) once it expires, "
    "LIAISON_STATUS_LINK_DAYS (default 30) after it was made, and with the patron's contact details; it stops "
    "working LIAISON_STATUS_LINK_DAYS_AFTER_CLOSE (default 7) days after the ticket closes.",
    pii={"created_by": "The member of staff who made it to hand over at the desk (empty for e-mailed links)."},
    sensitive={"token_hash": "SHA-256 of the link's secret: the link itself is never stored."},
    public=("id", "ticket", "created_at", "expires_at"),
)

privacy.register(
    "tickets.TicketEvent",
    purpose="One line of a ticket's history, shown to staff (and, for some kinds, on the patron's status page).",
    retention=WITH_THE_TICKET,
    pii={
        "actor": "Who made the change.",
        "assignee": "Whom the ticket was assigned or handed to.",
        "note": "A hand-off or move note typed by staff about the case, an attachment's file name or a linked "
        "article's title.",
        "data": "Details of the change; holds the previous assignee's user id on assignments and hand-offs.",
    },
    public=(
        "id",
        "ticket",
        "kind",
        "at",
        "from_state",
        "to_state",
        "from_queue",
        "to_queue",
        "from_department",
        "to_department",
        "reply",
        "attachment",
        "article",
    ),
)

privacy.register(
    "tickets.ContactAccessLog",
    purpose="Every opening of a ticket's patron contact details, without a copy of them (security P9).",
    retention=WITH_THE_TICKET + " No retention window of its own yet.",
    pii={
        "user": "Who opened the contact details.",
        "user_label": "Their user name, kept if the account is deleted.",
        "reason": "Why, typed by that person (optional): free text that may name the patron.",
    },
    public=("id", "ticket", "at"),
)
