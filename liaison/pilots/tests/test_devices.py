"""A pilot's devices from the labs inventory (ADR 0056): linked only through labs' selectors by
someone who can see them, and their incidents during the pilot's dates in the report (page,
PDF and XLSX), with counts and availability from labs' figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.labs import services as labs_services
from liaison.labs.models import Incident, Kind
from liaison.pilots import selectors, services
from liaison.pilots.models import Pilot
from liaison.places.models import Building, Room
from liaison.tickets.models import Queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def inventory(departments, people):
    Queue.objects.create(name="Help Desk", slug="it-help-desk", department=departments["it"])
    building = Building.objects.create(name="Main Library", code="lib")
    commons = Room.objects.create(building=building, name="Learning Commons", number="110", kind=Room.Kind.LAB)
    hp = labs_services.maker_get_or_create(name="HP")
    copier = labs_services.asset_model_get_or_create(maker=hp, name="MFP E78635", kind=Kind.PRINTER)

    def make(tag: str, name: str = ""):
        return labs_services.asset_create(
            actor=people["it"], tag=tag, name=name, model=copier, room=commons, owner=departments["it"]
        )

    return {"copier": make("LC-COPIER-1", "Trial copier"), "other": make("LC-PRINT-2", "Old printer"), "room": commons}


def incident(asset, started: dt.datetime, hours: float | None = None) -> Incident:
    """An incident on `asset` that started at `started` and lasted `hours` (None: still open)."""
    found = labs_services.fault_report_public(asset=asset, problem=labs_services.problems_for(asset.kind)[0][0])
    values: dict = {"started_at": started}
    if hours is not None:
        values |= {"state": "resolved", "resolved_at": started + dt.timedelta(hours=hours)}
    Incident.objects.filter(pk=found.incident.pk).update(**values)
    return Incident.objects.get(pk=found.incident.pk)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch):
    monkeypatch.setattr(labs_services, "PER_ASSET_LIMIT", (10_000, 600))
    monkeypatch.setattr(labs_services, "OVERALL_LIMIT", (10_000, 600))


@pytest.fixture
def copier_pilot(make_pilot, inventory, people):
    """A finished two-week copier trial, 30 to 17 days ago, with the copier linked."""
    today = timezone.localdate()
    return make_pilot(
        starts_on=today - dt.timedelta(days=30),
        ends_on=today - dt.timedelta(days=17),
        assets=[inventory["copier"].pk],
    )


def test_only_incidents_on_the_pilots_devices_between_its_dates_are_in_the_report(
    copier_pilot, inventory, people, client
):
    copier, other = inventory["copier"], inventory["other"]
    first, last = copier_pilot.starts_on, copier_pilot.ends_on
    before = incident(copier, at(first - dt.timedelta(days=1), 23), hours=1)  # the hour before midnight
    jam = incident(copier, at(first, 0) + dt.timedelta(minutes=5), hours=12)  # just after midnight, day one
    late = incident(copier, at(last, 23) + dt.timedelta(minutes=30), hours=6)  # the last evening
    after = incident(copier, at(last + dt.timedelta(days=1), 0) + dt.timedelta(minutes=1), hours=1)
    elsewhere = incident(other, at(first + dt.timedelta(days=3)), hours=5)  # not the pilot's device

    report = selectors.report_get_for_user(user=people["library"], pilot=copier_pilot)
    assert [i.pk for i in report.devices.incidents] == [jam.pk, late.pk]
    assert report.devices.incident_count == 2
    (figures,) = report.devices.figures
    assert figures.key == "LC-COPIER-1" and figures.failures == 2
    # 12 h + the half hour left of the last evening's 6 h fall inside the 14 days; the evening-before
    # incident was resolved at the first midnight.
    assert figures.down_hours == pytest.approx(12.5)
    assert report.devices.availability == pytest.approx(round(100 * (14 * 24 - 12.5) / (14 * 24), 2))

    page = client_page(client, people["library"], f"/pilots/{copier_pilot.pk}/report/")
    assert "2</strong> incidents logged against the pilot's 1 device" in page
    assert f"/labs/incidents/{jam.pk}/" in page and f"/labs/incidents/{late.pk}/" in page
    for absent in (before, after, elsewhere):
        assert f"/labs/incidents/{absent.pk}/" not in page


def client_page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_xlsx_has_the_devices_and_incidents_sheets_with_their_values(
    copier_pilot, inventory, people, client
):
    from openpyxl import load_workbook

    jam = incident(inventory["copier"], at(copier_pilot.starts_on + dt.timedelta(days=2), 9), hours=4)
    client.force_login(people["it"])
    response = client.get(f"/pilots/{copier_pilot.pk}/report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = load_workbook(io.BytesIO(response.content))
    assert {"Summary", "Audiences", "Questions", "Hosting costs", "Devices", "Incidents"} <= set(book.sheetnames)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Pilot"] == "Campus copier trial"
    assert summary["Devices from the inventory"] == 1 and summary["Incidents on those devices"] == 1
    devices = list(book["Devices"].iter_rows(values_only=True))
    assert devices[0][:3] == ("Device", "Name", "Incidents")
    assert devices[1][:4] == ("LC-COPIER-1", "Trial copier", 1, 4.0)
    incidents = list(book["Incidents"].iter_rows(values_only=True))
    assert len(incidents) == 2
    started = timezone.localtime(jam.started_at).strftime("%Y-%m-%d %H:%M")
    assert incidents[1][0] == started and incidents[1][1] == "LC-COPIER-1" and incidents[1][3] == "Resolved"


def test_the_report_pdf_names_the_devices_incidents(copier_pilot, inventory, people, client):
    incident(inventory["copier"], at(copier_pilot.starts_on + dt.timedelta(days=2), 9), hours=4)
    client.force_login(people["it"])
    response = client.get(f"/pilots/{copier_pilot.pk}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_someone_who_cannot_see_the_inventory_cannot_link_a_device(make_pilot, inventory, departments):
    """A lab's agent account holds a staff role but sees no equipment (labs' policy): its asset
    ids are refused, naming the field, and nothing is proposed."""
    agent, _token = labs_services.lab_agent_account_create(actor=None, room=inventory["room"])
    agent.user.department = departments["library"]
    agent.user.save()
    with pytest.raises(ValidationError) as refused:
        make_pilot(actor=agent.user, assets=[inventory["copier"].pk])
    assert refused.value.error_dict["assets"][0].code == "pilots.asset_unknown"
    assert not Pilot.objects.exists()
    from liaison.pilots.forms import PilotForm

    assert list(PilotForm(user=agent.user).fields["assets"].queryset) == []


def test_an_unknown_asset_id_is_refused_by_the_api_and_nothing_changes(copier_pilot, inventory, people, client):
    client.force_login(people["it"])
    url = f"/api/v1/pilots/pilots/{copier_pilot.pk}"
    bad = client.patch(url, {"assets": [inventory["copier"].pk, 999999]}, content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "assets" and "999999" in bad.json()["errors"][0]["message"]
    assert list(copier_pilot.assets.values_list("pk", flat=True)) == [inventory["copier"].pk]
    good = client.patch(url, {"assets": [inventory["other"].pk]}, content_type="application/json")
    assert good.status_code == 200
    assert [a["tag"] for a in good.json()["assets"]] == ["LC-PRINT-2"]


def test_devices_are_chosen_on_the_pilots_page_from_the_inventory(copier_pilot, inventory, people, client):
    client.force_login(people["it"])
    page = client.get(f"/pilots/{copier_pilot.pk}/edit/").content.decode()
    assert "LC-COPIER-1 — Trial copier (Learning Commons)" in page
    data = services.pilot_update(actor=people["it"], pilot=copier_pilot, data={}, assets=[inventory["other"]])
    assert [a.tag for a in data.assets.all()] == ["LC-PRINT-2"]
    assert Pilot.objects.get(pk=copier_pilot.pk).events.filter(kind="changed").exists()
