"""The demo term of desk traffic: believable, deterministic, idempotent and quick."""

import datetime as dt
import time
from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from liaison.demo.seed import seed_foundation
from liaison.desk.demo import SOURCE, seed_desk
from liaison.desk.models import Interaction
from liaison.directory.demo import seed_directory
from liaison.places.models import ServicePoint
from liaison.places.selectors import hours_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the demo people, quickly
    seed_foundation(lambda _m: None)
    seed_directory(lambda _m: None)
    started = time.monotonic()
    seed_desk(lambda _m: None)
    return time.monotonic() - started


def test_a_term_of_traffic_is_seeded_once(seeded):
    # (How fast is for bench/, not a timed unit test; the demo's load time shows in `make run`.)
    count = Interaction.objects.filter(source=SOURCE).count()
    assert 8_000 <= count <= 15_000
    ids = set(Interaction.objects.values_list("client_id", flat=True))
    seed_desk(lambda _m: None)
    assert Interaction.objects.count() == count
    Interaction.objects.all().delete()
    seed_desk(lambda _m: None)  # the same day gives the same entries
    assert set(Interaction.objects.values_list("client_id", flat=True)) == ids


def test_the_traffic_has_a_daily_and_a_term_rhythm_and_a_realistic_mix(seeded):
    local = [timezone.localtime(t) for t in Interaction.objects.values_list("occurred_at", flat=True)]
    by_hour = Counter(t.hour for t in local)
    assert by_hour[12] > 2 * by_hour[20]  # late morning / early afternoon beat the evening
    start = min(local).date()
    by_week = Counter((t.date() - start).days // 7 for t in local)
    quiet_middle = min(by_week[w] for w in range(4, 10))
    assert by_week[0] > 1.3 * quiet_middle  # the first week of term
    assert by_week[13] > 1.2 * quiet_middle  # the weeks before finals

    check_no_traffic_on_closed_days_or_outside_hours()
    check_the_mix_of_kinds_and_levels_is_realistic()


def check_no_traffic_on_closed_days_or_outside_hours():
    points = ServicePoint.objects.prefetch_related("opening_hours", "hours_exceptions")
    for point in points:
        for moment in point.interactions.values_list("occurred_at", flat=True)[::97]:
            local = timezone.localtime(moment)
            periods = hours_on(point, local.date()).periods
            assert any(o <= local.time() <= c for o, c in periods), (point.slug, local)


def check_the_mix_of_kinds_and_levels_is_realistic():
    tech = Interaction.objects.filter(kind__slug="technology")
    assert not tech.filter(tech_category__isnull=True).exists()
    assert tech.filter(read_level__lte=3).count() / tech.count() > 0.95
    research = Interaction.objects.filter(kind__slug="research")
    assert research.filter(read_level__gte=2, read_level__lte=5).count() / research.count() > 0.9
    levels = dict(Interaction.objects.values_list("read_level").annotate(n=Count("id")))
    assert levels[1] > levels[4] > levels[6]
    assert Interaction.objects.filter(referred_to__isnull=False).count() > 100
    assert Interaction.objects.filter(tags__isnull=False).exists()
    assert 0 < Interaction.objects.exclude(note="").count() < Interaction.objects.count() * 0.05
    assert set(Interaction.objects.filter(service_point__slug="ask-us-chat").values_list("mode", flat=True)) == {"chat"}
    assert not Interaction.objects.filter(occurred_at__gt=timezone.now()).exists()
    late = Interaction.objects.filter(logged_at__gt=timezone.now() - dt.timedelta(days=10000)).count()
    assert late == Interaction.objects.count()


def test_a_demo_opened_days_later_is_topped_up_to_now_without_changing_what_is_there(settings):
    """`make run` tops the demo's traffic up to the current hour on every start."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    from liaison.demo.seed import seed_foundation
    from liaison.desk.demo import SOURCE, seed_desk
    from liaison.desk.models import Interaction

    seed_foundation(lambda _msg: None)
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    with (
        mock.patch("django.utils.timezone.now", return_value=three_days_ago),
        mock.patch("django.utils.timezone.localdate", return_value=timezone.localtime(three_days_ago).date()),
    ):
        seed_desk(lambda _msg: None)
    before = dict(Interaction.objects.filter(source=SOURCE).values_list("client_id", "content_fingerprint"))
    assert not Interaction.objects.filter(occurred_at__gt=three_days_ago).exists()
    added = seed_desk(lambda _msg: None, top_up=True)["desk interactions added"]
    assert added > 0
    after = dict(Interaction.objects.filter(source=SOURCE).values_list("client_id", "content_fingerprint"))
    assert all(after[k] == v for k, v in before.items())  # nothing that was there changed
    assert Interaction.objects.filter(occurred_at__gt=timezone.now() - dt.timedelta(days=2)).exists()
    assert seed_desk(lambda _msg: None, top_up=True)["desk interactions added"] == 0
