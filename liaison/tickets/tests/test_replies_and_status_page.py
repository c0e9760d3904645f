import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from liaison.core.roles import Role
from liaison.tickets import services
from liaison.tickets.models import Reply, StatusLink, Ticket
from liaison.tickets.tests.conftest import one_time_key

pytestmark = pytest.mark.django_db
State = Ticket.State
LINK = re.compile(r"/status/([A-Za-z0-9_-]{43})/")


def _token(ticket) -> str:
    """A fresh status link's token, as staff would hand it to the patron."""
    return services.status_link_issue(actor=ticket.opened_by, ticket=ticket)[1]


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _ticket_with_history(make_ticket, users):
    ticket = make_ticket(
        subject="Wi-Fi drops on the third floor",
        patron_name="Ana Alvarez",
        patron_email="ana.alvarez@students.college.example",
        patron_phone="555-0142",
    )
    librarian = users[Role.LIBRARY_STAFF]
    services.ticket_change_state(actor=librarian, ticket=ticket, state=State.OPEN)
    services.ticket_reply(actor=librarian, ticket=ticket, body="SENTINEL-INTERNAL patron was rude", is_internal=True)
    services.ticket_reply(actor=librarian, ticket=ticket, body="We have asked IT to look at the access point.")
    return ticket


def test_script_in_a_reply_is_shown_as_text(client_as, make_ticket, users):
    ticket = make_ticket(subject=SCRIPT, description=SCRIPT)
    services.ticket_reply(actor=users[Role.LIBRARY_STAFF], ticket=ticket, body=SCRIPT)
    services.ticket_reply(actor=users[Role.LIBRARY_STAFF], ticket=ticket, body=SCRIPT, is_internal=True)
    for url in (f"/tickets/{ticket.reference}/", "/tickets/queue/", "/tickets/", f"/status/{_token(ticket)}/"):
        response = client_as(Role.LIBRARY_STAFF).get(url)
        assert response.status_code == 200, url  # the page was shown (an error page proves nothing)
        body = response.content.decode()
        assert "&lt;script&gt;alert" in body, url  # the text is on the page, as text
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
    page = client_as(Role.LIBRARY_STAFF).get(f"/tickets/{ticket.reference}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_reply_through_the_page_is_saved_as_internal_unless_public_is_pressed(client_as, make_ticket):
    ticket = make_ticket()
    client = client_as(Role.LIBRARY_STAFF)
    client.post(
        f"/tickets/{ticket.reference}/reply/",
        {"body": "Note without a button value", "idempotency_key": one_time_key()},
    )
    client.post(
        f"/tickets/{ticket.reference}/reply/",
        {"body": "Public answer", "visibility": "public", "idempotency_key": one_time_key()},
    )
    assert list(Reply.objects.order_by("id").values_list("body", "is_internal")) == [
        ("Note without a button value", True),
        ("Public answer", False),
    ]


def test_an_empty_reply_is_refused_and_the_page_says_why(client_as, make_ticket):
    ticket = make_ticket()
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/tickets/{ticket.reference}/reply/", {"body": "  ", "idempotency_key": one_time_key()}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.ticket_reply(actor=ticket.opened_by, ticket=ticket, body="x" * 20_001)
    assert "under 20,000 characters" in refused.value.message_dict["body"][0]
    assert not Reply.objects.exists()


def test_the_htmx_reply_returns_only_the_conversation(client_as, make_ticket):
    ticket = make_ticket()
    response = client_as(Role.LIBRARY_STAFF).post(
        f"/tickets/{ticket.reference}/reply/",
        {"body": "Checked the printer queue.", "visibility": "internal", "idempotency_key": one_time_key()},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="conversation",  # what the reply form's hx-target sends
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="conversation"' in body and "Checked the printer queue." in body
    assert "<html" not in body


def test_the_patron_page_shows_progress_but_no_internal_notes_contact_or_staff(client, make_ticket, users):
    ticket = _ticket_with_history(make_ticket, users)
    response = client.get(f"/status/{_token(ticket)}/")  # no account
    assert response.status_code == 200
    body = response.content.decode()
    assert "Wi-Fi drops on the third floor" in body
    assert "We have asked IT to look at the access point." in body
    assert "Handled by: <strong>Library</strong>" in body
    assert "Someone is working on it." in body
    for secret in ("SENTINEL-INTERNAL", "Ana Alvarez", "ana.alvarez@", "555-0142", users[Role.LIBRARY_STAFF].username):
        assert secret not in body
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_patron_page_follows_a_hand_off_without_the_hand_off_note(client, make_ticket, queues, users):
    ticket = _ticket_with_history(make_ticket, users)
    services.ticket_hand_off(
        actor=users[Role.LIBRARY_STAFF], ticket=ticket, queue=queues["help_desk"], note="SENTINEL-HANDOFF-NOTE"
    )
    body = client.get(f"/status/{_token(ticket)}/").content.decode()
    assert "Passed to the IT" in body
    assert "SENTINEL-HANDOFF-NOTE" not in body


def test_an_unknown_or_short_token_is_a_404(client, make_ticket):
    make_ticket()
    assert client.get("/status/x/").status_code == 404
    assert client.get("/status/" + "A" * 43 + "/").status_code == 404
    assert client.get("/api/v1/tickets/status/" + "A" * 43).status_code == 404


def test_the_status_api_hides_internal_notes(client, make_ticket, users):
    ticket = _ticket_with_history(make_ticket, users)
    response = client.get(f"/api/v1/tickets/status/{_token(ticket)}")
    assert response.status_code == 200
    text = response.content.decode()
    assert "SENTINEL-INTERNAL" not in text and "ana.alvarez" not in text
    assert "We have asked IT to look at the access point." in text


def test_the_patron_is_mailed_public_replies_and_the_resolution_with_the_link_but_never_notes(
    make_ticket, users, django_capture_on_commit_callbacks
):
    librarian = users[Role.LIBRARY_STAFF]
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(patron_email="ana@students.college.example")
    ack = [m for m in mail.outbox if m.to == ["ana@students.college.example"]]
    assert len(ack) == 1
    (first_token,) = LINK.findall(ack[0].body)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_change_state(actor=librarian, ticket=ticket, state=State.OPEN)
        services.ticket_reply(actor=librarian, ticket=ticket, body="SENTINEL-NOTE staff only", is_internal=True)
        services.ticket_reply(actor=librarian, ticket=ticket, body="Try the VPN, please.")
        services.ticket_change_state(actor=librarian, ticket=ticket, state=State.RESOLVED)
    to_patron = [m for m in mail.outbox if m.to == ["ana@students.college.example"]]
    assert [m.subject for m in to_patron] == [
        f"New reply on your request #{ticket.pk}",
        f"Your request #{ticket.pk} is resolved",
    ]
    tokens = [token for m in to_patron for token in LINK.findall(m.body)]
    assert len(tokens) == 2 and len({first_token, *tokens}) == 3, "each e-mail carries its own link"
    for token in (first_token, *tokens):  # and every one of them works
        assert Client().get(f"/status/{token}/").status_code == 200
    assert not StatusLink.objects.filter(token_hash__in=[first_token, *tokens]).exists(), "only hashes are kept"
    assert not any("SENTINEL-NOTE" in m.body for m in to_patron)
    assert not any("ana@students" in m.body for m in mail.outbox if m.to != ["ana@students.college.example"])


def test_a_failed_mail_is_logged_not_swallowed(
    make_ticket, users, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from liaison.tickets import notifications

    ticket = make_ticket(patron_email="ana@students.college.example")

    class Broken:
        def send_messages(self, messages):
            raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(notifications, "get_connection", lambda **kwargs: Broken())
    with caplog.at_level("ERROR"), pytest.raises(ConnectionRefusedError):
        notifications.deliver(ticket.events.get().pk, status_token="T" * 43)
    assert f"Could not send 2 message(s) for ticket #{ticket.pk}" in caplog.text

    # Through the task after commit (immediate mode) the change itself still succeeds.
    with caplog.at_level("ERROR"), django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(actor=users[Role.LIBRARY_STAFF], ticket=ticket, body="Public answer")
    assert Reply.objects.filter(body="Public answer").exists()
    assert "SMTP is down" in caplog.text


def test_the_status_link_stops_working_once_contact_is_purged(client, make_ticket, users):
    ticket = _ticket_with_history(make_ticket, users)
    token = _token(ticket)
    librarian = users[Role.LIBRARY_STAFF]
    services.ticket_change_state(actor=librarian, ticket=ticket, state=State.RESOLVED)
    services.ticket_change_state(actor=librarian, ticket=ticket, state=State.CLOSED)
    services.tickets_purge_contacts(older_than_days=30, now=timezone.now() + dt.timedelta(days=31))
    assert client.get(f"/status/{token}/").status_code == 404


def test_a_subject_with_line_breaks_cannot_inject_mail_headers(make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(subject="Printer\r\nBcc: everyone@evil.example", patron_email="ana@students.college.example")
    assert mail.outbox
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.bcc == []
        assert "everyone@evil.example" not in message.recipients()


# --- Security R3: links are random, stored hashed, and expire.


def test_only_the_hash_of_a_link_is_stored(make_ticket):
    ticket = make_ticket()
    link, token = services.status_link_issue(actor=ticket.opened_by, ticket=ticket)
    assert len(token) == 43 and link.token_hash != token
    assert not any(token in str(value) for value in StatusLink.objects.values_list().get())
    assert not any(token in str(value) for value in Ticket.objects.values_list().get(pk=ticket.pk))


def test_a_link_expires_after_its_days(client, make_ticket, settings):
    settings.LIAISON_STATUS_LINK_DAYS = 30
    ticket = make_ticket()
    made = timezone.now() - dt.timedelta(days=31)
    _link, old = services.status_link_issue(actor=ticket.opened_by, ticket=ticket, now=made)
    _link, fresh = services.status_link_issue(actor=ticket.opened_by, ticket=ticket)
    assert client.get(f"/status/{old}/").status_code == 404
    assert client.get(f"/api/v1/tickets/status/{old}").status_code == 404
    assert client.get(f"/status/{fresh}/").status_code == 200


def test_links_stop_working_a_week_after_the_ticket_closes(client, make_ticket, users, settings):
    settings.LIAISON_STATUS_LINK_DAYS_AFTER_CLOSE = 7
    ticket = make_ticket()
    token = _token(ticket)
    librarian = users[Role.LIBRARY_STAFF]
    for state in (State.OPEN, State.RESOLVED, State.CLOSED):
        services.ticket_change_state(actor=librarian, ticket=ticket, state=state)
    assert client.get(f"/status/{token}/").status_code == 200  # closed today: still there
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - dt.timedelta(days=8))
    assert client.get(f"/status/{token}/").status_code == 404


@pytest.mark.parametrize(
    "guess",
    [
        "{number}",  # the ticket number
        "{reference}",  # the ticket's public reference
        "{number}-ana@students.college.example",
        "{token}x",  # too long
        "{token_short}",  # too short
        "{token_bad}",  # the right length, a character outside the alphabet
    ],
)
def test_guessable_or_malformed_values_are_a_404(client, make_ticket, guess):
    ticket = make_ticket(patron_email="ana@students.college.example")
    token = _token(ticket)
    value = guess.format(
        number=ticket.pk, reference=ticket.reference, token=token, token_short=token[:42], token_bad=token[:42] + "."
    )
    assert client.get(f"/status/{value}/").status_code == 404
    assert client.get(f"/api/v1/tickets/status/{value}").status_code == 404


def test_walking_ticket_numbers_on_the_status_url_finds_nothing(client, make_ticket):
    tickets = [make_ticket() for _ in range(3)]
    for ticket in tickets:
        _token(ticket)
    for number in range(1, max(t.pk for t in tickets) + 2):
        assert client.get(f"/status/{number}/").status_code == 404


def test_staff_make_a_link_to_hand_over_and_see_it_once(client_as, make_ticket):
    ticket = make_ticket()
    staff = client_as(Role.LIBRARY_STAFF)
    page = staff.get(f"/tickets/{ticket.reference}/").content.decode()
    assert "No working link" in page
    made = staff.post(f"/tickets/{ticket.reference}/status-link/")
    assert made.status_code == 200 and made["Cache-Control"] == "private, no-store"
    (token,) = set(LINK.findall(made.content.decode()))
    assert "cannot be shown again" in made.content.decode()
    again = staff.get(f"/tickets/{ticket.reference}/").content.decode()
    assert token not in again and "1 working link" in again
    assert Client().get(f"/status/{token}/").status_code == 200


def test_the_api_makes_a_link_once_and_reports_how_many_work(client_as, make_ticket):
    ticket = make_ticket()
    staff = client_as(Role.LIBRARY_STAFF)
    made = staff.post(f"/api/v1/tickets/{ticket.pk}/status-links")
    assert made.status_code == 201, made.content
    token = LINK.search(made.json()["url"]).group(1)
    detail = staff.get(f"/api/v1/tickets/{ticket.pk}").json()
    assert detail["status_links_live"] == 1 and detail["status_link_expires_at"]
    assert token not in staff.get(f"/api/v1/tickets/{ticket.pk}").content.decode()
    assert Client().get(f"/api/v1/tickets/status/{token}").status_code == 200


def test_no_link_is_made_for_a_purged_ticket(client_as, make_ticket, users):
    ticket = make_ticket(patron_email="ana@students.college.example")
    librarian = users[Role.LIBRARY_STAFF]
    for state in (State.OPEN, State.RESOLVED, State.CLOSED):
        services.ticket_change_state(actor=librarian, ticket=ticket, state=state)
    services.tickets_purge_contacts(older_than_days=30, now=timezone.now() + dt.timedelta(days=31))
    ticket.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.status_link_issue(ticket=ticket, actor=librarian)
    assert list(refused.value.message_dict) == ["status_link"]
    response = client_as(Role.LIBRARY_STAFF).post(f"/api/v1/tickets/{ticket.pk}/status-links")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "status_link"


def test_expired_links_are_deleted_by_the_daily_job(make_ticket):
    ticket = make_ticket()
    services.status_link_issue(actor=ticket.opened_by, ticket=ticket, now=timezone.now() - dt.timedelta(days=40))
    services.status_link_issue(actor=ticket.opened_by, ticket=ticket)
    assert services.status_links_delete_expired() == 1
    assert StatusLink.objects.count() == 1


# --- The mail task writes nothing, and a failed send raises so the queue retries.


def _queued_mail(make_ticket, django_capture_on_commit_callbacks):
    """A ticket whose acknowledgement went out; returns it, its event and the link it carried."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(patron_email="ana@students.college.example")
    (ack,) = [m for m in mail.outbox if m.to == ["ana@students.college.example"]]
    (token,) = LINK.findall(ack.body)
    return ticket, ticket.events.get(), token


def test_the_patrons_link_is_minted_with_the_event_not_by_the_mail_task(
    make_ticket, django_capture_on_commit_callbacks
):
    from liaison.tickets import tasks

    ticket, event, token = _queued_mail(make_ticket, django_capture_on_commit_callbacks)
    assert StatusLink.objects.filter(ticket=ticket).count() == 1
    mail.outbox.clear()
    for _ in range(2):  # a retry, or the queue running it twice
        tasks.send_ticket_event_mail.call_local(event.pk, status_token=token)
    assert StatusLink.objects.filter(ticket=ticket).count() == 1, "the task wrote no link"
    to_patron = [m for m in mail.outbox if m.to == ["ana@students.college.example"]]
    assert len(to_patron) == 2 and all(LINK.findall(m.body) == [token] for m in to_patron)


def test_a_failed_send_in_the_mail_task_raises_for_a_retry(
    make_ticket, django_capture_on_commit_callbacks, monkeypatch
):
    from liaison.tickets import notifications, tasks

    _ticket, event, token = _queued_mail(make_ticket, django_capture_on_commit_callbacks)

    class Broken:
        def send_messages(self, messages):
            raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(notifications, "get_connection", lambda **kwargs: Broken())
    with pytest.raises(ConnectionRefusedError):
        tasks.send_ticket_event_mail.call_local(event.pk, status_token=token)
    assert tasks.send_ticket_event_mail.retries == 3  # huey tries again, with the same link


def test_internal_notes_reach_staff_mail_in_full_and_student_mail_only_as_a_link(
    make_ticket, users, django_capture_on_commit_callbacks
):
    from django.core import mail

    ticket = make_ticket(queue="help_desk", actor=users[Role.IT_STAFF])
    ticket.followers.add(users[Role.STUDENT_WORKER], users[Role.SUPERVISOR])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(
            actor=users[Role.IT_STAFF], ticket=ticket, body="The patron's laptop has a cracked hinge", is_internal=True
        )
    by_address = {m.to[0]: m.body for m in mail.outbox}
    student = by_address[users[Role.STUDENT_WORKER].email]
    assert (
        "cracked hinge" not in student
        and "read it in Liaison" in student
        and f"/tickets/{ticket.reference}/" in student
    )
    assert "cracked hinge" in by_address[users[Role.SUPERVISOR].email]
