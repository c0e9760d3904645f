"""The pilot's link to the operational record: desk entries with the pilot's topic during its
dates, per week, and those the desk made into tickets."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from liaison.pilots import selectors, services

pytestmark = pytest.mark.django_db


def test_desk_entries_with_the_pilots_topic_during_its_dates_are_counted(make_pilot, people, joint_desk):
    from liaison.desk import services as desk
    from liaison.desk.models import TopicTag
    from liaison.tickets import services as tickets
    from liaison.tickets.models import Queue

    tag = TopicTag.objects.create(slug="copier-pilot", name="Copier pilot")
    pilot = make_pilot(desk_tag=tag)
    logged = []
    for days_ago, tags in ((1, ["copier-pilot"]), (2, ["copier-pilot"]), (3, []), (30, ["copier-pilot"])):
        entry, _ = desk.interaction_log(
            actor=people["student"], service_point=joint_desk, kind="technology", read_level=2, mode="in_person",
            client_id=uuid.uuid4(), tags=tags,
            occurred_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago),
        )  # fmt: skip
        logged.append(entry)
    queue = Queue.objects.create(name="Printing", slug="it-printing", department=pilot.it_department)
    tickets.ticket_promote_from_interaction(
        actor=people["it"], interaction=logged[0], queue=queue, subject="Copier jams on card"
    )
    found = selectors.desk_interactions_during(pilot)
    assert found["total"] == 2 and found["tickets"] == 1  # not the untagged one, not the one before the pilot
    assert sum(w["count"] for w in found["weeks"]) == 2
    services.pilot_update(actor=people["it"], pilot=pilot, data={"desk_tag": None})
    pilot.refresh_from_db()
    assert selectors.desk_interactions_during(pilot)["total"] == 0
