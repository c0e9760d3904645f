"""Reliability figures: availability without planned maintenance, failures, MTTR, MTBF,
the chronic flag and the ranking, from incidents with known times."""

import datetime as dt

import pytest

from liaison.core.roles import Role
from liaison.labs import figures, services
from liaison.labs.models import Incident, MaintenanceWindow

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)  # UTC: wall-clock sums across DST would shift an hour


def outage(asset, start_days_ago: float, hours: float | None):
    """An incident that started `start_days_ago` before NOW and lasted `hours` (None: still open)."""
    incident = services.fault_report_public(asset=asset, problem=services.problems_for(asset.kind)[0][0]).incident
    started = NOW - dt.timedelta(days=start_days_ago)
    values = {"started_at": started}
    if hours is not None:
        values.update(state="resolved", resolved_at=started + dt.timedelta(hours=hours))
    Incident.objects.filter(pk=incident.pk).update(**values)
    incident.refresh_from_db()
    return incident


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch):
    monkeypatch.setattr(services, "PER_ASSET_LIMIT", (10_000, 600))
    monkeypatch.setattr(services, "OVERALL_LIMIT", (10_000, 600))


def test_availability_mttr_and_mtbf_of_one_device(printer, users):
    outage(printer, 20, 10)
    outage(printer, 10, 20)
    devices, _models = figures.reliability(user=users[Role.IT_STAFF], days=30, now=NOW)
    f = next(d for d in devices if d.asset_id == printer.pk)
    assert f.failures == 2
    assert f.mttr_hours == 15.0
    assert f.down_hours == pytest.approx(30)
    assert f.availability == pytest.approx(round(100 * (720 - 30) / 720, 2))
    assert f.mtbf_hours == pytest.approx(round((720 - 30) / 2, 1))


def test_planned_maintenance_is_not_downtime(printer, users):
    incident = outage(printer, 5, 10)
    MaintenanceWindow.objects.create(asset=printer, starts_at=incident.started_at, reason="Fuser",
                                     ends_at=incident.started_at + dt.timedelta(hours=4))  # fmt: skip
    f = next(d for d in figures.reliability(user=users[Role.IT_STAFF], days=30, now=NOW)[0] if d.asset_id == printer.pk)
    assert f.down_hours == pytest.approx(6)
    assert f.planned_hours == pytest.approx(4)
    assert f.availability == pytest.approx(round(100 * (716 - 6) / 716, 2))


def test_an_open_incident_counts_until_now_and_one_from_before_counts_only_inside(printer, users):
    outage(printer, 40, 24 * 15)  # began before the period, ended 25 days ago: 5 days inside
    outage(printer, 1, None)  # still open: 24 hours so far
    f = next(d for d in figures.reliability(user=users[Role.IT_STAFF], days=30, now=NOW)[0] if d.asset_id == printer.pk)
    assert f.failures == 1  # only the one that started inside the period
    assert f.down_hours == pytest.approx(5 * 24 + 24)


def test_the_worst_model_ranks_first_and_is_chronic(make_asset, users):
    labels = [make_asset("label") for _ in range(2)]
    printers = [make_asset("printer") for _ in range(2)]
    for asset in labels:
        for days_ago in (25, 20, 15, 10, 5):
            outage(asset, days_ago, 3)
    outage(printers[0], 12, 2)
    devices, models = figures.reliability(user=users[Role.LIBRARY_STAFF], days=30, now=NOW)
    assert models[0].label == "Zebra ZD421" and models[0].chronic and models[0].failures == 10
    assert not next(m for m in models if m.label == "HP LaserJet M607").chronic
    assert {d.asset_id for d in devices[:2]} == {a.pk for a in labels}
    assert devices[0].monthly_failures == {"2026-11": 5}


def test_figures_need_a_staff_role(printer):
    from django.contrib.auth.models import AnonymousUser

    assert figures.reliability(user=AnonymousUser()) == ([], [])


def test_figures_cost_three_queries_whatever_the_history(make_asset, users, django_assert_num_queries):
    assets = [make_asset("pc") for _ in range(5)]
    for asset in assets:
        for days_ago in (20, 10, 3):
            outage(asset, days_ago, 1)
    with django_assert_num_queries(3):
        figures.reliability(user=users[Role.IT_STAFF], days=30, now=NOW)
