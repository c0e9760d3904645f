"""The desk's tally reads the count tables (liaison/core/counts.py): the figures must be the
same whether an hour is filled or still counted live, after a back-dated entry lands in a
filled hour, after an undo, and after the fill runs twice."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from liaison.core import counts
from liaison.core.models import AggregateCount, AggregateFillState
from liaison.core.roles import Role
from liaison.desk import selectors, services, stats

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_at_desk(joint_desk, users):
    """Seven entries spread over yesterday, logged as they happened."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(yesterday, dt.time(9, 0)))
    for hour, (kind, level) in enumerate(
        [
            ("technology", 2),
            ("technology", 3),
            ("research", 4),
            ("research", 1),
            ("technology", 2),
            ("directional", 1),
            ("research", 5),
        ]
    ):
        services.interaction_log(
            actor=users[Role.STUDENT_WORKER],
            service_point=joint_desk,
            kind=kind,
            read_level=level,
            mode="in_person",
            client_id=uuid.uuid4(),
            occurred_at=(start + dt.timedelta(hours=hour, minutes=7)).isoformat(),
        )
    return yesterday


def _figures(point, day):
    tally = selectors.interaction_tally_for_day(point, day)
    return tally.total, {row.kind.slug: row.count for row in tally.by_kind if row.count}, dict(tally.by_level)


def test_a_filled_day_reads_the_same_as_a_live_one(joint_desk, day_at_desk):
    live = _figures(joint_desk, day_at_desk)
    assert live[0] == 7
    written = counts.fill(stats.INTERACTIONS)
    assert written >= 7  # seven hours with entries
    assert AggregateCount.objects.filter(property="desk.interactions").exists()
    assert _figures(joint_desk, day_at_desk) == live


def test_filling_twice_writes_the_same_rows(joint_desk, day_at_desk):
    counts.fill(stats.INTERACTIONS)
    first = sorted(
        AggregateCount.objects.filter(property="desk.interactions").values_list("bucket_start", "d2", "value")
    )
    AggregateFillState.objects.filter(property="desk.interactions").update(
        filled_until=timezone.now() - dt.timedelta(days=30)
    )
    counts.fill(stats.INTERACTIONS)
    again = sorted(
        AggregateCount.objects.filter(property="desk.interactions").values_list("bucket_start", "d2", "value")
    )
    assert again == first


def test_a_back_dated_entry_in_a_filled_hour_is_counted_at_once(joint_desk, day_at_desk, users):
    counts.fill(stats.INTERACTIONS)
    before = _figures(joint_desk, day_at_desk)[0]
    services.interaction_log(
        actor=users[Role.LIBRARY_STAFF],
        service_point=joint_desk,
        kind="research",
        read_level=3,
        mode="phone",
        client_id=uuid.uuid4(),
        occurred_at=timezone.make_aware(dt.datetime.combine(day_at_desk, dt.time(10, 30))).isoformat(),
    )
    assert _figures(joint_desk, day_at_desk)[0] == before + 1
    counts.fill(stats.INTERACTIONS)  # and the refill keeps it
    assert _figures(joint_desk, day_at_desk)[0] == before + 1


def test_an_undone_entry_leaves_the_filled_count(joint_desk, day_at_desk, users):
    counts.fill(stats.INTERACTIONS)
    entry = services.interaction_log(
        actor=users[Role.SUPERVISOR],
        service_point=joint_desk,
        kind="research",
        read_level=3,
        mode="phone",
        client_id=uuid.uuid4(),
        occurred_at=timezone.make_aware(dt.datetime.combine(day_at_desk, dt.time(11, 30))).isoformat(),
    )[0]
    counts.fill(stats.INTERACTIONS)
    assert _figures(joint_desk, day_at_desk)[0] == 8
    services.interaction_undo(actor=users[Role.SUPERVISOR], interaction=entry)
    assert _figures(joint_desk, day_at_desk)[0] == 7


def test_a_fill_stopped_half_way_resumes_where_it_stopped(joint_desk, day_at_desk):
    # A small chunk makes each hour its own committed step; "stopping" is just not calling again.
    state_before = AggregateFillState.objects.filter(property="desk.interactions").first()
    assert state_before is None
    counts.fill(
        stats.INTERACTIONS,
        chunk=dt.timedelta(hours=1),
        now=timezone.make_aware(dt.datetime.combine(day_at_desk, dt.time(12, 30))),
    )
    half = AggregateFillState.objects.get(property="desk.interactions").filled_until
    assert timezone.localtime(half).hour == 12
    counts.fill(stats.INTERACTIONS)
    assert AggregateFillState.objects.get(property="desk.interactions").filled_until > half
    assert _figures(joint_desk, day_at_desk)[0] == 7


def test_every_narrow_stat_agrees_with_the_wide_one_before_and_after_filling(joint_desk, day_at_desk):
    start = timezone.make_aware(dt.datetime.combine(day_at_desk - dt.timedelta(days=3), dt.time.min))
    end = timezone.now()

    def by_stat():
        out = {}
        for stat in stats.NARROWEST_FIRST:
            names = [d.name for d in stat.dimensions]
            out[stat.property] = counts.read(stat, start=start, end=end, group_by=names)
            wide = counts.read(stats.INTERACTIONS, start=start, end=end, group_by=names)
            assert out[stat.property] == wide, stat.property
        return out

    before = by_stat()
    for stat in stats.ALL:
        counts.fill(stat)
    assert by_stat() == before


def test_choose_picks_the_narrowest_stat_that_answers():
    assert counts.choose(stats.NARROWEST_FIRST, names=("month", "service_point", "read_level")) is stats.BY_POINT_LEVEL
    assert counts.choose(stats.NARROWEST_FIRST, names=("hour_of_day", "weekday")) is stats.BY_POINT_HOURLY
    assert counts.choose(stats.NARROWEST_FIRST, names=("mode", "read_level")) is stats.INTERACTIONS
