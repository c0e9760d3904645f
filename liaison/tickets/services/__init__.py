"""Every write to a ticket, by topic. Each service is keyword-only, typed and atomic; it takes
the `actor` and asks `policy.py` itself (PermissionDenied), validates its input with
`reject(field, message, code=...)` (codes in `errors.py`), writes history through `events.py`
(the timeline line, the audit row and the mail after commit), and returns what it wrote.

Callers use the package: `from liaison.tickets import services; services.ticket_create(...)`.

| module | services |
|---|---|
| `tickets.py` | ticket_create, ticket_promote_from_interaction, ticket_update (ticket_assign, ticket_set_priority), ticket_change_state, ticket_follow |
| `hand_offs.py` | ticket_hand_off, ticket_move |
| `replies.py` | ticket_reply |
| `attachments.py` | ticket_attach |
| `articles.py` | ticket_link_article, ticket_unlink_article |
| `bulk.py` | tickets_bulk_update |
| `contacts.py` | ticket_contact_reveal, tickets_purge_contacts (a system job) |
| `status_links.py` | status_link_issue, status_links_delete_expired (a system job) |
"""

from liaison.tickets.services.articles import ticket_link_article, ticket_unlink_article
from liaison.tickets.services.attachments import ticket_attach
from liaison.tickets.services.bulk import BULK_MAX, BulkAction, tickets_bulk_update
from liaison.tickets.services.contacts import (
    ContactDetails,
    retention_days,
    ticket_contact_reveal,
    tickets_purge_contacts,
)
from liaison.tickets.services.hand_offs import ticket_hand_off, ticket_move
from liaison.tickets.services.replies import ticket_reply
from liaison.tickets.services.status_links import status_link_issue, status_links_delete_expired
from liaison.tickets.services.tickets import (
    TRANSITIONS,
    allowed_next_states,
    ticket_assign,
    ticket_change_state,
    ticket_create,
    ticket_follow,
    ticket_promote_from_interaction,
    ticket_set_priority,
    ticket_update,
)

__all__ = [
    "BULK_MAX",
    "TRANSITIONS",
    "BulkAction",
    "ContactDetails",
    "allowed_next_states",
    "retention_days",
    "status_link_issue",
    "status_links_delete_expired",
    "ticket_assign",
    "ticket_attach",
    "ticket_change_state",
    "ticket_contact_reveal",
    "ticket_create",
    "ticket_follow",
    "ticket_hand_off",
    "ticket_link_article",
    "ticket_move",
    "ticket_promote_from_interaction",
    "ticket_reply",
    "ticket_set_priority",
    "ticket_unlink_article",
    "ticket_update",
    "tickets_bulk_update",
    "tickets_purge_contacts",
]
