"""Files attached to a ticket (checked by uploads.py before anything is stored)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from liaison.tickets import events, policy, uploads
from liaison.tickets.models import Attachment, Ticket

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from liaison.accounts.models import User


@transaction.atomic
def ticket_attach(*, actor: User, ticket: Ticket, upload: UploadedFile) -> Attachment:
    """Store a checked file (see uploads.py). Nothing is written unless every check passes;
    if the database write fails after the file is stored, the file is removed again."""
    if not policy.can_view_ticket(actor, ticket):
        raise PermissionDenied("You cannot see this ticket.")
    checked = uploads.inspect_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    content = ContentFile(checked.rewritten) if checked.rewritten is not None else upload
    attachment.file.save(f"upload{checked.extension}", content, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
            events.ticket_attachment_added(ticket=ticket, actor=actor, attachment=attachment)
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
