"""Every machine-readable error code the tickets app raises (`reject(field, message, code=...)`).

The API returns them as `errors[].code`; clients branch on the code, never on the message.
Request-level codes (`not_found`, `forbidden`, `idempotency_key_reused`, ...) are core's
(`liaison.core.errors.GENERIC_CODES`). `tests/test_errors.py` checks that this list and the
codes in the code agree.
"""

CODES: dict[str, str] = {
    # Opening and editing a ticket (services/_clean.py, services/tickets.py)
    "tickets.text_missing": "A required text (subject, reply, ...) is empty.",
    "tickets.text_too_long": "A text is over its limit (subject 200, details and replies 20,000 characters).",
    "tickets.priority_unknown": "The priority is not low, normal, high or urgent (or 1–4).",
    "tickets.queue_required": "No queue was chosen.",
    "tickets.queue_unknown": "No queue has that slug (API).",
    "tickets.queue_inactive": "The queue no longer takes tickets.",
    "tickets.email_invalid": "The patron's e-mail address is not one, or is too long.",
    "tickets.phone_invalid": "The patron's phone number has too few digits or other characters.",
    "tickets.person_unknown": "No person has that username (API).",
    "tickets.service_point_unknown": "No active service point has that slug (API).",
    "tickets.assignee_not_in_department": "The assignee cannot take the queue's tickets (not in its department).",
    "tickets.closed_cannot_reassign": "A closed ticket keeps its assignee.",
    "tickets.interaction_already_ticket": "The desk interaction was promoted already.",
    # The state machine (services/tickets.py)
    "tickets.state_unknown": "Not one of new, open, waiting, resolved, closed.",
    "tickets.state_unchanged": "The ticket is in that state already.",
    "tickets.transition_not_allowed": "The state machine does not allow that change; the message says what is allowed.",
    "tickets.waiting_on_required": "Waiting needs to say on whom (the patron, the other department, a vendor).",
    # Moves and hand-offs (services/hand_offs.py)
    "tickets.queue_unchanged": "The ticket is in that queue already.",
    "tickets.closed_cannot_move": "A closed ticket stays in the queue where it was closed.",
    "tickets.hand_off_not_active": "Only new, open or waiting tickets are handed off; reopen it first.",
    "tickets.hand_off_same_department": "The queue is in the ticket's own department: move it instead.",
    # Knowledge-base articles (services/articles.py)
    "tickets.article_required": "No article was chosen.",
    "tickets.article_not_found": "No article with that id, or not one you may see.",
    "tickets.article_not_published": "Only published articles can be linked.",
    "tickets.article_not_linked": "The article is not linked to this ticket.",
    # Attachments (uploads.py)
    "tickets.attachment_required": "No file was sent.",
    "tickets.attachment_type_refused": "The file's type (by its extension) is not accepted.",
    "tickets.attachment_content_mismatch": "The file's contents are not what its extension says.",
    "tickets.attachment_too_large": "The file is over LIAISON_ATTACHMENT_MAX_MB.",
    "tickets.attachment_empty": "The file is empty.",
    "tickets.image_too_large": "The image has more pixels than LIAISON_IMAGE_MAX_MEGAPIXELS.",
    "tickets.image_unreadable": "The image could not be decoded.",
    # Bulk changes (services/bulk.py)
    "tickets.bulk_action_unknown": "Not one of assign, unassign, state, queue, priority.",
    "tickets.bulk_empty": "No ticket was chosen.",
    "tickets.bulk_too_many": "More than 200 tickets at once.",
    "tickets.bulk_assignee_required": "Assign needs the person who takes the tickets.",
    "tickets.bulk_state_required": "Change state needs the new state.",
    "tickets.bulk_not_visible": "Some tickets do not exist or are not yours to see; nothing changed.",
    "tickets.bulk_refused": "Some tickets refused the change (each named with its reason); nothing changed.",
    # Lists (selectors.TicketFilters, API)
    "tickets.filter_invalid": "A list filter (queue, state, priority, assignee, due, sort) has an unknown value.",
    # Patron contact and status links (services/contacts.py, services/status_links.py)
    "tickets.contact_purged": "The patron's details were purged, so the ticket has no status page.",
    "tickets.retention_negative": "The purge's retention period cannot be negative.",
}
