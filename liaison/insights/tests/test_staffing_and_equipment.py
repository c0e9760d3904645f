"""Are we covered: hours needed against hours met from the published schedule, and hours per
paying department; what breaks: the equipment dashboard ranks the model that failed."""

import datetime as dt

import pytest

from liaison.insights import periods, selectors
from liaison.staffing.models import CoverageNeed, Schedule, Shift
from liaison.staffing.tests import factories

pytestmark = pytest.mark.django_db


def test_coverage_counts_needed_and_met_hours_from_the_schedule(departments):
    desks = factories.desks()
    term = factories.make_term(weeks=2)
    monday = term.starts_on
    CoverageNeed.objects.create(term=term, service_point=desks["joint"], weekday=0, hour=10, minimum=2, ideal=2)
    CoverageNeed.objects.create(term=term, service_point=desks["joint"], weekday=0, hour=11, minimum=1, ideal=1)
    schedule, _ = Schedule.objects.get_or_create(term=term)
    a = factories.make_worker(term, dept="it")
    b = factories.make_worker(term, dept="library")
    published = Shift.State.PUBLISHED
    Shift.objects.create(schedule=schedule, worker=a, service_point=desks["joint"], date=monday, start_hour=10,
                         end_hour=12, state=published)  # fmt: skip
    Shift.objects.create(schedule=schedule, worker=b, service_point=desks["joint"],
                         date=monday + dt.timedelta(days=7), start_hour=10, end_hour=11, state=published)  # fmt: skip
    board = selectors.staffing_dashboard(periods.resolve("custom", first=term.starts_on, last=term.ends_on))
    coverage = board.chart("coverage")
    # Two Mondays × (2 at 10:00 + 1 at 11:00) = 6 needed; met 1 + 1 (week one) + 1 (week two).
    assert coverage.rows == [["Research & IT Desk", 6, 3, 3, 50.0]]
    assert coverage.answer.startswith("50% of the 6 worker-hours needed were staffed; 3 hours short")
    hours = {row[0]: row[2] for row in board.chart("departments").rows}
    assert hours == {"IT": 2, "Library": 1}


def test_an_empty_period_says_nothing_was_needed(departments):
    board = selectors.staffing_dashboard(
        periods.resolve("custom", first=dt.date(2001, 1, 1), last=dt.date(2001, 1, 31))
    )
    assert board.chart("coverage").answer == "No coverage needs are set for a term in this period."
    assert board.chart("departments").rows == []


def test_equipment_ranks_the_model_that_failed(users, departments):
    from liaison.core.roles import Role
    from liaison.labs import services as labs
    from liaison.places.models import Building, Room
    from liaison.tickets.models import Queue

    Queue.objects.create(name="Labs", slug="it-labs", department=departments["it"])
    Queue.objects.create(name="Printing", slug="it-printing", department=departments["it"])
    tech = users[Role.IT_STAFF]
    room = Room.objects.create(building=Building.objects.create(name="Library", code="lib"), name="Lab", kind="lab")
    printer = labs.asset_model_get_or_create(maker=labs.maker_get_or_create(name="HP"), name="M607", kind="printer")
    pc = labs.asset_model_get_or_create(maker=labs.maker_get_or_create(name="Dell"), name="7010", kind="workstation")
    jammed = labs.asset_create(actor=tech, tag="LIB-PR-1", model=printer, room=room, owner=departments["library"])
    labs.asset_create(actor=tech, tag="LIB-PC-1", model=pc, room=room, owner=departments["library"])
    labs.fault_report_staff(actor=tech, asset=jammed, problem="paper_jam", note="")
    board = selectors.equipment_dashboard(periods.resolve("this_month"), user=users[Role.SUPERVISOR])
    models = board.chart("models")
    assert models.rows[0][0] == "HP M607" and models.rows[0][3] == 1
    assert models.answer.startswith("HP M607 failed most often per device: 1 failure on 1 device")
    trend = board.chart("trend")
    assert sum(r[1] for r in trend.rows) == 1
