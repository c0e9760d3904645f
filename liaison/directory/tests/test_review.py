import datetime as dt
from typing import ClassVar

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from conftest import make_user
from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.directory.models import DirectoryEntry
from liaison.directory.services import entry_mark_reviewed, entry_retire, review_reminders_enqueue
from liaison.directory.tasks import directory_review_reminders, send_review_digest
from liaison.directory.tests.factories import editor, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(users, departments):
    """Two overdue entries for library staff, one for IT staff, one current, one retired."""
    library, it = users[Role.LIBRARY_STAFF], users[Role.IT_STAFF]
    lib = departments["library"]
    return {
        "card": make_entry(department=lib, owner=library, name="Campus Card Office", review_in_days=-20),
        "parking": make_entry(department=lib, owner=library, name="Parking", review_in_days=-3),
        "network": make_entry(department=departments["it"], owner=it, name="Network Services", review_in_days=-1),
        "current": make_entry(department=lib, owner=library, name="Registrar", review_in_days=100),
        "today": make_entry(department=lib, owner=library, name="Bursar", review_in_days=0),
        "retired": make_entry(department=lib, owner=library, name="Old Office", review_in_days=-90),
    }


def test_an_entry_is_overdue_only_after_its_review_by_date(owned):
    assert owned["card"].is_overdue()
    assert not owned["today"].is_overdue()
    assert not owned["current"].is_overdue()


def test_overdue_entries_carry_a_badge_in_the_list_and_can_be_filtered(client_as, owned):
    entry_retire(actor=editor(), entry=owned["retired"])
    client = client_as(Role.STUDENT_WORKER)
    page = client.get("/directory/").content.decode()
    assert page.count("Review overdue") == 3
    overdue = client.get("/directory/", {"overdue": "on"})
    assert {e.name for e in overdue.context["page"].object_list} == {
        "Campus Card Office",
        "Parking",
        "Network Services",
    }


def test_owners_see_their_overdue_entries_on_the_home_page(client_as, owned):
    page = client_as(Role.LIBRARY_STAFF).get("/home/").content.decode()
    assert "Directory entries to review" in page
    assert "Campus Card Office" in page and "Parking" in page
    assert "Network Services" not in page  # someone else's
    it_page = client_as(Role.IT_STAFF).get("/home/").content.decode()
    assert "Network Services" in it_page and "Campus Card Office" not in it_page


def test_marking_an_entry_reviewed_pushes_its_review_date_a_year_out(client_as, owned):
    client = client_as(Role.LIBRARY_STAFF)
    response = client.post(f"/directory/{owned['card'].pk}/review/", {"next": "/home/"})
    assert response.status_code == 302 and response["Location"] == "/home/"
    entry = DirectoryEntry.objects.get(pk=owned["card"].pk)
    assert entry.review_by == timezone.localdate() + dt.timedelta(days=365)
    assert entry.last_reviewed_at is not None
    assert not entry.is_overdue()
    event = AuditEvent.objects.get(action="directory_entry.review", object_id=str(entry.pk))
    assert event.before["review_by"] < event.after["review_by"]


def test_a_next_review_date_in_the_past_is_refused_with_the_field_named(client_as, owned):
    client = client_as(Role.LIBRARY_STAFF)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(f"/directory/{owned['card'].pk}/review/", {"next_review_by": yesterday})
    assert response.status_code == 400
    assert "next review date must be after today" in response.content.decode()
    api = client.post(
        f"/api/v1/directory/entries/{owned['card'].pk}/review",
        {"next_review_by": yesterday},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["errors"][0]["field"] == "next_review_by"
    assert DirectoryEntry.objects.get(pk=owned["card"].pk).last_reviewed_at is None


def test_student_workers_cannot_mark_entries_reviewed(client_as, owned):
    response = client_as(Role.STUDENT_WORKER).post(f"/directory/{owned['card'].pk}/review/")
    assert response.status_code == 403


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the daily decision and, once it commits, the queued digest tasks (huey runs them
    in-process in the tests, as it does without Redis). Returns how many digests were queued."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return review_reminders_enqueue()

    return run


class RefusingBackend(locmem.EmailBackend):
    """An SMTP server that refuses mail to the addresses in `refused`."""

    refused: ClassVar[set[str]] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refused:
                raise ConnectionRefusedError("SMTP is down")
        return super().send_messages(messages)


@pytest.fixture
def refusing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    yield RefusingBackend.refused
    RefusingBackend.refused.clear()
    HUEY.flush()  # forget the retries the failed sends scheduled


def test_each_owner_gets_one_digest_of_their_overdue_entries(users, owned, remind):
    entry_retire(actor=editor(), entry=owned["retired"])
    assert remind() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    library_mail = by_recipient[users[Role.LIBRARY_STAFF].email]
    assert library_mail.subject == "2 directory entries are due for review"
    assert "Campus Card Office" in library_mail.body and "Parking" in library_mail.body
    assert "Registrar" not in library_mail.body and "Bursar" not in library_mail.body
    assert "Old Office" not in library_mail.body  # retired
    assert f"/directory/{owned['card'].pk}/" in library_mail.body
    it_mail = by_recipient[users[Role.IT_STAFF].email]
    assert it_mail.subject == "1 directory entry is due for review"
    assert "Network Services" in it_mail.body


def test_nothing_is_sent_until_the_decision_commits(owned):
    assert review_reminders_enqueue() == 2  # the test's transaction never commits
    assert mail.outbox == []


def test_entries_without_an_active_owner_go_to_their_department(departments, remind):
    departments["it"].contact_email = "helpdesk@college.example"
    departments["it"].save()
    gone = make_user(Role.IT_STAFF, username="gone", is_active=True)
    make_entry(department=departments["it"], owner=gone, name="Telecom", review_in_days=-5)
    gone.is_active = False
    gone.save()
    make_entry(department=departments["it"], name="Print Shop", review_in_days=-5)
    assert remind() == 1
    assert mail.outbox[0].to == ["helpdesk@college.example"]
    assert "Telecom" in mail.outbox[0].body and "Print Shop" in mail.outbox[0].body


def test_an_entry_with_nobody_to_remind_is_logged_not_dropped_silently(departments, remind, caplog):
    entry = make_entry(department=departments["library"], name="Lost Office", review_in_days=-5)
    with caplog.at_level("WARNING"):
        assert remind() == 0
    assert f"Directory entry {entry.pk} is overdue for review and has nobody to remind." in caplog.text


def test_nothing_overdue_sends_nothing(owned, remind):
    DirectoryEntry.objects.update(review_by=timezone.localdate() + dt.timedelta(days=10))
    assert remind() == 0
    assert mail.outbox == []


def test_a_failed_send_raises_so_the_queue_retries_it(users, owned, refusing_mail):
    address = users[Role.LIBRARY_STAFF].email
    refusing_mail.add(address)
    today = timezone.localdate().isoformat()
    with pytest.raises(ConnectionRefusedError):
        send_review_digest.call_local(address, "Library", [owned["card"].pk], today)
    assert mail.outbox == []


def test_a_failed_digest_is_scheduled_again_and_the_others_still_go(users, owned, remind, refusing_mail, caplog):
    refusing_mail.add(users[Role.LIBRARY_STAFF].email)
    with caplog.at_level("ERROR"):
        assert remind() == 2
    assert [m.to for m in mail.outbox] == [[users[Role.IT_STAFF].email]]  # the other owner's digest went
    assert f"Could not send the directory review digest to {users[Role.LIBRARY_STAFF].email}" in caplog.text
    retries = [t for t in HUEY.scheduled() if t.name == "send_review_digest"]
    assert len(retries) == 1 and retries[0].args[0] == users[Role.LIBRARY_STAFF].email
    assert retries[0].retries == 2  # three tries after the first, a minute apart


def test_the_digest_task_reads_but_never_writes(users, owned):
    ids = [owned["card"].pk, owned["parking"].pk]
    with CaptureQueriesContext(connection) as queries:
        assert send_review_digest.call_local("lib@college.example", "Library", ids, timezone.localdate().isoformat())
    assert queries.captured_queries
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def test_an_entry_reviewed_after_the_digest_was_queued_drops_out_of_it(users, owned):
    entry_mark_reviewed(actor=editor(), entry=owned["parking"])
    ids = [owned["card"].pk, owned["parking"].pk]
    send_review_digest.call_local("lib@college.example", "Library", ids, timezone.localdate().isoformat())
    assert "Campus Card Office" in mail.outbox[0].body and "Parking" not in mail.outbox[0].body
    assert mail.outbox[0].subject == "1 directory entry is due for review"


def test_the_daily_task_and_the_command_send_the_same_digest(owned, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert directory_review_reminders.call_local() == 2
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("directory_review_reminders")
    assert len(mail.outbox) == 4
    assert "Queued 2 review digest" in capsys.readouterr().out


def test_a_dry_run_lists_overdue_entries_and_sends_nothing(owned, capsys):
    call_command("directory_review_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "Campus Card Office" in out and "Registrar" not in out
    assert mail.outbox == []
