"""The QR page and the status board, as a patron meets them: no account, a phone."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.core.roles import Role
from liaison.labs import services
from liaison.labs.models import FaultReport, Incident
from liaison.labs.tests.conftest import image_bytes, one_time_key
from liaison.tickets.models import Ticket


def device_url(asset):
    return reverse("labs:device", args=[asset.public_code])


def test_the_qr_page_shows_the_device_working_and_the_problems_for_its_kind(client, printer):
    page = client.get(device_url(printer)).content.decode()
    assert "Printer by the door" in page and "Working" in page
    assert "Paper jam" in page and "Out of toner" in page and "Can&#x27;t sign in" not in page


def test_a_patron_reports_a_jam_and_sees_it_is_being_worked_on(client, printer):
    response = client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam"})
    assert response.status_code == 302 and "thanks=new" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "IT has been told" in page and "Out of order" in page and "Already reported" in page
    incident = Incident.objects.get()
    assert incident.source == "patron" and incident.ticket.queue.slug == "it-printing"


def test_a_double_tap_files_one_report(client, printer):
    data = {"idempotency_key": one_time_key(), "problem": "paper_jam", "note": "tray 2"}
    first = client.post(device_url(printer), data)
    second = client.post(device_url(printer), data)
    assert first.status_code == second.status_code == 302
    assert FaultReport.objects.count() == 1 and Ticket.objects.count() == 1


def test_a_second_patron_joins_the_open_incident(client, printer):
    client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam"})
    response = client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "out_of_toner"})
    assert "thanks=joined" in response["Location"]
    assert Incident.objects.get().report_count == 2 and Ticket.objects.count() == 1


def test_script_in_a_note_is_shown_as_text(client, printer, users):
    client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam",
                                      "note": "<script>alert('x')</script>"})  # fmt: skip
    client.force_login(users[Role.IT_STAFF])
    page = client.get(reverse("labs:incident", args=[Incident.objects.get().pk])).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_no_address_browser_or_cookie_is_stored(client, printer):
    client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam"},
                HTTP_USER_AGENT="Secret-Browser/1.0", REMOTE_ADDR="203.0.113.9")  # fmt: skip
    from liaison.audit.models import AuditEvent

    stored = repr(list(FaultReport.objects.values())) + repr(list(AuditEvent.objects.values()))
    assert "203.0.113.9" not in stored and "Secret-Browser" not in stored


def test_a_robot_filling_the_hidden_field_files_nothing(client, printer):
    response = client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam",
                                                 "website": "http://spam.example"})  # fmt: skip
    assert response.status_code == 400 and not Incident.objects.exists()


def test_a_missing_problem_is_named(client, printer):
    response = client.post(device_url(printer), {"idempotency_key": one_time_key()})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_a_disguised_photo_is_refused_with_a_message(client, printer):
    fake = SimpleUploadedFile("cat.png", b"GIF89a<?php system($_GET['x']); ?>", content_type="image/png")
    response = client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam",
                                                 "photo": fake})  # fmt: skip
    assert response.status_code == 400 and "photo was refused" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_real_photo_goes_onto_the_ticket(client, printer):
    photo = SimpleUploadedFile("jam.png", image_bytes(), content_type="image/png")
    response = client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam",
                                                 "photo": photo})  # fmt: skip
    assert response.status_code == 302 and Incident.objects.get().ticket.attachments.count() == 1


def test_a_flood_is_refused_with_429(client, printer, monkeypatch):
    monkeypatch.setattr(services, "PER_ASSET_LIMIT", (1, 600))
    client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam"})
    response = client.post(device_url(printer), {"idempotency_key": one_time_key(), "problem": "paper_jam"})
    assert response.status_code == 429 and "Many reports" in response.content.decode()


def test_unknown_and_retired_codes_are_a_clear_404(client, printer, users):
    assert client.get(reverse("labs:device", args=["nope"])).status_code == 404
    services.asset_update(actor=users[Role.IT_STAFF], asset=printer, data={"status": "retired"})
    assert client.get(device_url(printer)).status_code == 404


def test_the_board_shows_a_reported_printer_as_down_at_once(client, printer, pc, django_capture_on_commit_callbacks):
    assert "Printer by the door: Working" in client.get(reverse("labs:board")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the report forgets the cached board on commit
        services.fault_report_public(asset=printer, problem="paper_jam")
    page = client.get(reverse("labs:board")).content.decode()
    assert "Printer by the door: Down" in page
    assert "LIB-PC-110-01: No signal" in page  # no agent has reported yet


def test_the_board_refreshes_itself_with_htmx_and_answers_its_fragment(client, printer):
    page = client.get(reverse("labs:board")).content.decode()
    assert 'hx-trigger="every 5s"' in page and "<script>" not in page.split("</head>")[1]
    fragment = client.get(reverse("labs:board") + "?fragment=board").content.decode()
    assert fragment.lstrip().startswith('<div id="board"') and "<html" not in fragment


def test_the_kiosk_has_no_menu_and_the_json_feed_has_every_lab(client, printer, rooms):
    kiosk = client.get(reverse("labs:board") + "?kiosk=1").content.decode()
    assert 'class="kiosk"' in kiosk and "Staff sign-in" not in kiosk
    feed = client.get(reverse("labs:board_json")).json()
    assert {lab["name"] for lab in feed["labs"]} == {"Learning Commons Lab", "Digital Media Lab"}
    commons = next(lab for lab in feed["labs"] if lab["name"] == "Learning Commons Lab")
    assert commons["printers"][0]["state"] == "working"


def test_the_board_is_built_in_a_fixed_number_of_queries(client, make_asset, django_assert_max_num_queries):
    for _ in range(20):
        make_asset("pc")
    make_asset("printer")
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(8):
        client.get(reverse("labs:board"))


def test_the_public_board_is_one_shared_page_without_a_csrf_token(client, printer, django_assert_num_queries):
    first = client.get(reverse("labs:board"))
    assert "csrfmiddlewaretoken" not in first.content.decode() and "X-CSRFToken" not in first.content.decode()
    assert "csrftoken" not in first.cookies
    with django_assert_num_queries(0):  # the same page again comes from the cache
        again = client.get(reverse("labs:board"))
    assert again.content == first.content and again["Cache-Control"] == "no-cache"
