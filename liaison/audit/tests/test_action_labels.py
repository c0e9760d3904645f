import pytest

from liaison.audit.models import AuditEvent, action_label
from liaison.core.roles import Role


def test_action_codes_read_as_words():
    assert action_label("ticket.purge_contacts") == "Ticket: purge contacts"
    assert action_label("kb_article.publish") == "Article: publish"
    assert action_label("api_token.revoke") == "API token: revoke"
    assert action_label("desk.report_save") == "Desk report: save"
    assert action_label("odd") == "Odd"


@pytest.mark.django_db
def test_the_audit_pages_show_words_not_codes(client_as):
    AuditEvent.objects.create(action="ticket.purge_contacts", actor_label="system", object_type="tickets.ticket")
    client = client_as(Role.ADMINISTRATOR)
    page = client.get("/audit/").content.decode()
    assert "Ticket: purge contacts" in page
    assert ">ticket.purge_contacts<" not in page
    admin = client.get("/admin/audit/auditevent/").content.decode()
    assert "Ticket: purge contacts" in admin
