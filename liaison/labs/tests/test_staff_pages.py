"""Staff pages: IT sees and resolves an incident; everyone at the desk sees the inventory,
prints labels and reads the figures; library staff cannot change the inventory."""

from django.urls import reverse

from liaison.core.roles import Role
from liaison.labs import services
from liaison.labs.models import Asset, Incident
from liaison.labs.tests.conftest import one_time_key
from liaison.tickets.models import Ticket


def test_it_sees_the_report_and_resolves_it(client_as, printer):
    incident = services.fault_report_public(asset=printer, problem="paper_jam").incident
    client = client_as(Role.IT_STAFF)
    home = client.get(reverse("labs:home")).content.decode()
    assert f"#{incident.pk}" in home and "Paper jam" in home
    url = reverse("labs:incident_state", args=[incident.pk])
    response = client.post(url, {"state": "resolved", "resolution": "Cleared the jam"})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.state == "resolved" and Ticket.objects.get().state == "resolved"
    again = client.post(url, {"state": "resolved"}, follow=True).content.decode()
    assert "This incident is resolved" in again


def test_library_staff_cannot_resolve_or_edit(client_as, printer):
    incident = services.fault_report_public(asset=printer, problem="paper_jam").incident
    client = client_as(Role.LIBRARY_STAFF)
    assert client.post(reverse("labs:incident_state", args=[incident.pk]), {"state": "resolved"}).status_code == 403
    assert client.get(reverse("labs:asset_edit", args=[printer.pk])).status_code == 403
    assert client.get(reverse("labs:asset", args=[printer.pk])).status_code == 200


def test_a_student_worker_reports_a_fault_from_the_asset_page_once(client_as, pc):
    client = client_as(Role.STUDENT_WORKER)
    data = {"idempotency_key": one_time_key(), "problem": "wont_power_on", "note": "Seat 4"}
    first = client.post(reverse("labs:asset_report", args=[pc.pk]), data)
    client.post(reverse("labs:asset_report", args=[pc.pk]), data)
    assert first.status_code == 302 and Incident.objects.count() == 1 and Incident.objects.get().report_count == 1


def test_it_adds_a_device_and_a_bad_tag_is_named(client_as, rooms, models_, departments):
    client = client_as(Role.IT_STAFF)
    data = {"tag": "bad tag!", "model": models_["label"].pk, "room": rooms["commons"].pk,
            "owner": departments["library"].pk, "status": "in_service"}  # fmt: skip
    response = client.post(reverse("labs:asset_create"), data)
    assert response.status_code == 400 and "Use letters, digits" in response.content.decode()
    data["tag"] = "LIB-LBL-9"
    response = client.post(reverse("labs:asset_create"), data)
    assert response.status_code == 302 and Asset.objects.get().kind == "label_printer"


def test_labels_print_as_a_page_and_a_pdf(client_as, printer, pc):
    client = client_as(Role.STUDENT_WORKER)
    page = client.get(reverse("labs:labels")).content.decode()
    assert page.count('class="label"') == 2 and "<svg" in page and "data-print" in page
    pdf = client.get(reverse("labs:labels") + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    svg = client.get(reverse("labs:asset_qr", args=[printer.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_the_figures_pages_open(client_as, printer, users):
    incident = services.fault_report_public(asset=printer, problem="paper_jam").incident
    services.incident_change_state(actor=users[Role.IT_STAFF], incident=incident, state="resolved")
    client = client_as(Role.LIBRARY_STAFF)
    page = client.get(reverse("labs:reliability")).content.decode()
    assert "HP LaserJet M607" in page and printer.tag in page
    assert client.get(reverse("labs:reliability") + "?days=abc").status_code == 200
    assert client.get(reverse("labs:usage")).status_code == 200


def test_the_inventory_list_pages_in_fixed_queries(client_as, make_asset, django_assert_max_num_queries):
    client = client_as(Role.IT_STAFF)
    for _ in range(12):
        make_asset("pc")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("labs:assets"))
    assert response.content.decode().count("LIB-PC-") >= 12
