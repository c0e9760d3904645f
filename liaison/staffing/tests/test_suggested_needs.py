"""Needs suggested from the desk's own traffic (ADR 0054): questions per hour and weekday in
the same weeks of like past terms, turned into workers by the supervisor's rule, nobody while
the desk is closed, and accepted a cell, an hour's row or all at once."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core import counts
from liaison.desk import stats
from liaison.desk.models import Interaction, InteractionKind
from liaison.places.models import OpeningHours
from liaison.staffing import selectors, services
from liaison.staffing.tests.factories import desks, make_term, set_needs, supervisor

pytestmark = pytest.mark.django_db

MON, TUE, SUN = 0, 1, 6


def asked(point, day: dt.date, hour: int, questions: int) -> None:
    """`questions` questions at `point` during `hour` on `day` (one tally row of that weight)."""
    kind, _ = InteractionKind.objects.get_or_create(slug="technology", defaults={"name": "Technology"})
    Interaction.objects.create(
        client_id=uuid.uuid4(),
        service_point=point,
        kind=kind,
        read_level=2,
        weight=questions,
        occurred_at=timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 20))),
        content_fingerprint=uuid.uuid4().hex,
    )


@pytest.fixture
def desk():
    """The joint desk, open 08:00–22:00 Monday to Saturday and closed on Sundays; a two-week
    term next week; last year's term of the same season (52 weeks earlier, so its weeks start
    on the same weekday) and a spring term between them."""
    points = desks()
    joint = points["joint"]
    OpeningHours.objects.filter(service_point=joint, weekday=SUN).delete()
    boss = supervisor()
    term = make_term(boss, weeks=2, name="Fall 2027")
    last_year = services.term_create(
        actor=boss,
        name="Fall 2026",
        starts_on=term.starts_on - dt.timedelta(weeks=52),
        ends_on=term.ends_on - dt.timedelta(weeks=52),
    )
    spring = services.term_create(
        actor=boss,
        name="Spring 2027",
        starts_on=term.starts_on - dt.timedelta(weeks=26),
        ends_on=term.ends_on - dt.timedelta(weeks=26),
    )
    return {"term": term, "last_year": last_year, "spring": spring, "joint": joint, "it": points["it"], "boss": boss}


def known_traffic(desk) -> None:
    """Last year's two Mondays: 12 and 6 questions at 10:00 (a mean of 9), 3 at 11:00 in week
    one only (a mean of 1.5); a busy Sunday while closed. Traffic that must not count: after the
    term, in the spring term, and at the other desk."""
    joint, monday = desk["joint"], desk["last_year"].starts_on
    asked(joint, monday, 10, 12)
    asked(joint, monday + dt.timedelta(weeks=1), 10, 6)
    asked(joint, monday, 11, 3)
    asked(joint, monday + dt.timedelta(days=6), 10, 30)  # a Sunday: the desk is closed now
    asked(joint, desk["last_year"].ends_on + dt.timedelta(days=1), 10, 500)  # the Monday after the term
    asked(joint, desk["spring"].starts_on, 10, 400)  # another season
    asked(desk["it"], monday, 10, 300)  # another desk


def suggestion(desk, **kwargs):
    return selectors.need_suggestions(term=desk["term"], point=desk["joint"], skill=None, **kwargs)


def test_only_the_same_season_counts_and_the_weeks_line_up_from_each_terms_first_monday(desk):
    (comparison,) = selectors.comparison_windows(desk["term"])
    assert comparison.term == desk["last_year"]
    assert (comparison.first, comparison.last) == (desk["last_year"].starts_on, desk["last_year"].ends_on)
    (week_two,) = selectors.comparison_windows(desk["term"], first_week=2, last_week=2)
    assert week_two.first == desk["last_year"].starts_on + dt.timedelta(weeks=1)


def test_questions_per_hour_become_workers_by_the_rule_at_least_one_while_open(desk):
    known_traffic(desk)
    found = suggestion(desk)
    assert found.questions_per_worker == 4  # the default rule
    ten, eleven, nine = found.cells[(MON, 10)], found.cells[(MON, 11)], found.cells[(MON, 9)]
    assert ten.questions_per_hour == 9.0 and ten.suggested == (1, 3)  # 9 questions / 4 → 3 workers
    assert eleven.questions_per_hour == 1.5 and eleven.suggested == (1, 1)
    assert nine.questions_per_hour == 0.0 and nine.suggested == (1, 1)  # open, quiet: still one
    assert found.cells[(TUE, 10)].suggested == (1, 1)

    services.need_rule_set(actor=desk["boss"], term=desk["term"], questions_per_worker="6")
    desk["term"].refresh_from_db()
    assert suggestion(desk).cells[(MON, 10)].suggested == (1, 2)  # 9 / 6 → 2
    assert suggestion(desk).cells[(MON, 11)].suggested == (1, 1)


def test_the_count_tables_give_the_same_suggestion_as_the_log(desk):
    known_traffic(desk)
    before = {key: cell.questions_per_hour for key, cell in suggestion(desk).cells.items()}
    counts.fill(stats.BY_POINT_HOURLY)
    assert {key: cell.questions_per_hour for key, cell in suggestion(desk).cells.items()} == before


def test_nobody_is_suggested_while_the_desk_is_closed(desk):
    known_traffic(desk)
    found = suggestion(desk)
    sunday = found.cells[(SUN, 10)]
    assert not sunday.is_open and sunday.suggested is None
    assert found.cells[(MON, 7)].suggested is None and found.cells[(MON, 22)].suggested is None  # 08:00–22:00
    assert found.cells[(MON, 21)].suggested == (1, 1)


def test_a_bad_rule_is_refused_and_the_old_one_stays(desk, client):
    client.force_login(desk["boss"])
    response = client.post(
        "/staffing/needs/suggested/",
        {"term": desk["term"].pk, "point": "joint-desk", "questions_per_worker": "many"},
    )
    assert response.status_code == 400 and "1 to 200" in response.content.decode()
    desk["term"].refresh_from_db()
    assert desk["term"].questions_per_worker == 4


def test_accepting_one_cell_changes_that_cell_only_and_a_row_and_all_follow(desk, client):
    known_traffic(desk)
    set_needs(desk["term"], desk["joint"], {(MON, 10): (1, 1), (MON, 9): (2, 2), (SUN, 10): (1, 1)})
    client.force_login(desk["boss"])
    url = f"/staffing/needs/suggested/?term={desk['term'].pk}&point=joint-desk"
    page = client.get(url).content.decode()
    assert "Monday 10:00: accept 1/3 (now 1, 9.0 questions an hour)" in page
    assert "Sunday 10:00: accept no need (closed) (now 1" in page
    assert "Fall 2026" in page and "Spring 2027" not in page.split("Questions per hour")[1].split("</p>")[0]

    form = {"term": desk["term"].pk, "point": "joint-desk", "from_week": 1, "to_week": 2}
    assert client.post("/staffing/needs/suggested/", form | {"cell": f"{MON}-10"}).status_code == 302
    grid = selectors.need_grid(term=desk["term"], point=desk["joint"], skill=None)
    assert grid == {(MON, 10): (1, 3), (MON, 9): (2, 2), (SUN, 10): (1, 1)}

    client.post("/staffing/needs/suggested/", form | {"row": "10"})  # 10:00 across the week
    grid = selectors.need_grid(term=desk["term"], point=desk["joint"], skill=None)
    assert grid[(TUE, 10)] == (1, 1) and (SUN, 10) not in grid  # closed on Sundays: no need
    assert grid[(MON, 9)] == (2, 2)  # another hour: untouched

    client.post("/staffing/needs/suggested/", form | {"all": "1"})
    found = suggestion(desk)
    assert found.changes == 0
    assert (
        services.needs_accept_suggested(
            actor=desk["boss"], term=desk["term"], point=desk["joint"], skill=None, cells=None
        )
        == 0
    )  # accepting again changes nothing


def test_a_worker_cannot_accept_and_a_tampered_cell_changes_nothing(desk, client):
    from liaison.staffing.tests.factories import make_worker

    worker = make_worker(desk["term"], username="wanda")
    client.force_login(worker.user)
    assert client.get(f"/staffing/needs/suggested/?term={desk['term'].pk}").status_code == 403
    client.force_login(desk["boss"])
    form = {"term": desk["term"].pk, "point": "joint-desk"}
    for bad in ("9-10", "x", "0-99"):
        response = client.post("/staffing/needs/suggested/", form | {"cell": bad})
        assert response.status_code == 400
    assert selectors.need_grid(term=desk["term"], point=desk["joint"], skill=None) == {}


def test_the_page_reads_a_fixed_number_of_queries_however_much_traffic(desk, client):
    known_traffic(desk)
    client.force_login(desk["boss"])
    url = f"/staffing/needs/suggested/?term={desk['term'].pk}&point=joint-desk"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    monday = desk["last_year"].starts_on
    for offset in range(12):
        for hour in range(8, 22):
            asked(desk["joint"], monday + dt.timedelta(days=offset), hour, 1 + offset)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 25
