"""The ticket page's history, as staff read it: who did what, when, what the patron saw, the
hand-off notes and the files, every user-typed text escaped (lines drawn in Python by
`templatetags.tickets.timeline_items`)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.tests.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def _history(html: str) -> str:
    return html[html.index('<ol class="timeline">') : html.index("</ol>")]


def test_the_history_names_each_step_and_escapes_what_people_typed(
    client_as, make_ticket, users, queues, private_media
):
    librarian, it = users[Role.LIBRARY_STAFF], users[Role.IT_STAFF]
    ticket = make_ticket(queue="research", actor=librarian)
    services.ticket_reply(actor=librarian, ticket=ticket, body="Try the VPN <b>first</b>\nthen call us")
    services.ticket_reply(actor=librarian, ticket=ticket, body="Patron was upset & in a hurry", is_internal=True)
    services.ticket_hand_off(
        actor=librarian, ticket=ticket, queue=queues["help_desk"], note="Needs IT:\n<script>x</script>"
    )
    attachment = services.ticket_attach(actor=it, ticket=ticket, upload=SimpleUploadedFile("error.pdf", PDF_BYTES))

    history = _history(client_as(Role.SUPERVISOR).get(f"/tickets/{ticket.reference}/").content.decode())

    items = re.findall(r'<li class="timeline__item timeline__item--(\w+)">', history)
    assert items == ["created", "reply", "internal_note", "handed_off", "attachment_added"]
    assert f"<strong>{librarian.name}</strong>" in history and f"<strong>{it.name}</strong>" in history
    # The reply: escaped, its line break kept, marked as what the patron sees.
    assert "Try the VPN &lt;b&gt;first&lt;/b&gt;<br>then call us" in history
    assert history.count("patron sees this") == 1 and history.count(">internal</span>") == 1
    assert '<div class="ticket-text reply reply--internal">Patron was upset &amp; in a hurry</div>' in history
    # The hand-off note, escaped; never a live script.
    assert "Hand-off note: </span>Needs IT:<br>&lt;script&gt;x&lt;/script&gt;" in history
    assert "<script>" not in history
    download = f"/tickets/{ticket.reference}/attachments/{attachment.pk}/"
    assert f'<a href="{download}">Download error.pdf</a>' in history
    # Times in the campus's zone, machine-readable too.
    created = timezone.localtime(ticket.events.get(kind="created").at)
    assert f'datetime="{created.isoformat()}"' in history
    assert created.strftime("%b") in history


def test_a_step_with_no_person_is_signed_by_liaison(client_as, make_ticket, users):
    ticket = make_ticket()
    ticket.events.update(actor=None)
    history = _history(client_as(Role.SUPERVISOR).get(f"/tickets/{ticket.reference}/").content.decode())
    assert "<strong>Liaison</strong>" in history


def test_the_assignee_menu_lists_the_queues_people_and_follows_changes(client_as, make_ticket, users, queues):
    """The menu comes from a short-lived copy; adding or deactivating a person shows at once."""
    from liaison.accounts.models import User

    client = client_as(Role.SUPERVISOR)
    ticket = make_ticket(queue="help_desk")

    def menu() -> list[str]:
        html = client.get(f"/tickets/{ticket.reference}/").content.decode()
        select = html[html.index('name="assignee"') : html.index("</select>", html.index('name="assignee"'))]
        return re.findall(r'<option value="[^"]*"[^>]*>([^<]*)</option>', select)

    first = menu()
    assert first[0] == "Nobody" and users[Role.IT_STAFF].name in first
    assert users[Role.LIBRARY_STAFF].name not in first  # another department's person
    newcomer = User.objects.create_user(
        username="newtech", password="x" * 12, role=Role.IT_STAFF, department=users[Role.IT_STAFF].department,
        first_name="Nadia", last_name="Newcomer",
    )  # fmt: skip
    assert "Nadia Newcomer" in menu()
    newcomer.is_active = False
    newcomer.save()
    assert "Nadia Newcomer" not in menu()


def test_a_renamed_person_is_named_anew_in_the_history_at_once(client_as, make_ticket, users):
    librarian = users[Role.LIBRARY_STAFF]
    ticket = make_ticket(queue="research", actor=librarian)
    services.ticket_reply(actor=librarian, ticket=ticket, body="Checked the proxy")
    client = client_as(Role.SUPERVISOR)
    assert f"<strong>{librarian.name}</strong>" in _history(
        client.get(f"/tickets/{ticket.reference}/").content.decode()
    )

    librarian.display_name = "Ada Okafor-Lindqvist"
    librarian.save()

    history = _history(client.get(f"/tickets/{ticket.reference}/").content.decode())
    assert "<strong>Ada Okafor-Lindqvist</strong>" in history
