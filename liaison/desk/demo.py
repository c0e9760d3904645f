"""A term of believable desk traffic for the demo college (liaison/demo/seed.py runs it
after the directory, so referrals can point at real entries).

About fifteen weeks back from today at the joint desk, the IT help desk, the lab desk and
chat: an hourly rhythm that peaks late morning and early afternoon, busy first weeks and
busy weeks before finals, closed days respected, a realistic mix of kinds and READ levels.
Deterministic (one seeded Random, ids from uuid5), idempotent (a second run adds nothing)
and fast (built with interaction_build, saved with interactions_bulk_create).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Callable

from django.utils import timezone

from liaison.accounts.models import User
from liaison.desk.models import Interaction, InteractionKind, TechCategory, TopicTag
from liaison.desk.selectors import day_bounds
from liaison.desk.services import interaction_build, interactions_bulk_create
from liaison.directory.models import DirectoryEntry
from liaison.places.models import ServicePoint
from liaison.places.selectors import hours_on

SOURCE = "import:demo"
NAMESPACE = uuid.UUID("6f1c3a52-58d4-4b8e-9f53-2f1a0c7d9e11")
TERM_WEEKS = 15
SEED = 2024

# Interactions per open hour at the busiest hour of an ordinary week.
PEAK_PER_HOUR = {"joint-desk": 5.6, "it-help-desk": 3.6, "commons-lab-desk": 2.8, "ask-us-chat": 1.4}
HOUR_WEIGHT = {
    7: 0.2, 8: 0.35, 9: 0.6, 10: 0.85, 11: 1.0, 12: 1.0, 13: 1.0, 14: 0.9,
    15: 0.8, 16: 0.7, 17: 0.55, 18: 0.45, 19: 0.4, 20: 0.35, 21: 0.25, 22: 0.15,
}  # fmt: skip
WEEKDAY_WEIGHT = [1.1, 1.1, 1.0, 0.95, 0.75, 0.5, 0.7]  # Monday … Sunday
# Weeks of term: a rush at the start, a bump at midterms, the two weeks before finals, finals.
WEEK_WEIGHT = [1.8, 1.4, 1.05, 1.0, 1.0, 0.95, 1.0, 1.15, 1.0, 0.95, 1.0, 1.05, 1.35, 1.5, 1.2]

KIND_MIX = {
    "joint-desk": {
        "research": 34,
        "technology": 24,
        "directional": 16,
        "equipment-printing": 15,
        "account-access": 6,
        "other": 5,
    },
    "it-help-desk": {"technology": 50, "account-access": 30, "equipment-printing": 10, "directional": 5, "other": 5},
    "commons-lab-desk": {
        "equipment-printing": 50,
        "technology": 30,
        "directional": 10,
        "account-access": 5,
        "other": 5,
    },
    "ask-us-chat": {"research": 50, "technology": 18, "account-access": 15, "directional": 7, "other": 10},
}
LEVEL_MIX = {
    "research": {1: 3, 2: 24, 3: 40, 4: 23, 5: 9, 6: 1},
    "technology": {1: 28, 2: 46, 3: 24, 4: 2},
    "directional": {1: 90, 2: 10},
    "equipment-printing": {1: 55, 2: 40, 3: 5},
    "account-access": {1: 20, 2: 60, 3: 20},
    "other": {1: 60, 2: 30, 3: 10},
}
CATEGORY_MIX = {
    "technology": {
        "wifi-network": 18, "software-install": 15, "lms-canvas": 12, "email-office": 12, "hardware-laptop": 12,
        "accounts-passwords": 8, "printing": 6, "av-classroom": 5, "other": 12,
    },
    "equipment-printing": {"printing": 72, "hardware-laptop": 13, "av-classroom": 10, "other": 5},
    "account-access": {"accounts-passwords": 85, "email-office": 10, "lms-canvas": 5},
}  # fmt: skip
MODE_MIX = {
    "joint-desk": {"in_person": 86, "phone": 10, "email": 4},
    "it-help-desk": {"in_person": 68, "phone": 27, "email": 5},
    "commons-lab-desk": {"in_person": 100},
    "ask-us-chat": {"chat": 100},
}
TAGS_FOR_KIND = {
    "research": [
        "citation-help",
        "databases",
        "thesis",
        "interlibrary-loan",
        "course-reserves",
        "graduate",
        "first-year",
    ],
    "technology": ["vpn", "mfa", "first-year"],
    "equipment-printing": ["scanning", "printing-credit"],
    "account-access": ["mfa", "first-year"],
    "directional": ["room-booking", "course-reserves"],
    "other": ["room-booking"],
}
REFERRALS_FOR_KIND = {
    "research": ["interlibrary-loan", "jia-chen", "rosa-bailey", "lena-marsh", "archives", "writing-center",
                 "research-data-services", "copyright", "tutoring"],
    "technology": ["it-help-desk", "it-accounts", "academic-computing", "network-services", "software-licensing",
                   "instructional-design", "classroom-technology"],
    "equipment-printing": ["print-services", "digital-media-lab", "makerspace", "academic-computing"],
    "account-access": ["it-accounts", "campus-card", "bursar"],
    "directional": ["registrar", "financial-aid", "career-center", "counseling", "campus-card",
                    "disability-services", "parking", "bookstore"],
    "other": ["registrar", "dean-of-students", "campus-safety", "facilities", "health-services"],
}  # fmt: skip
NOTES = {
    "research": [
        "Compared the peer-reviewed filters in two databases",
        "Chicago-style footnotes for a history paper",
        "Looked for 1990s newspaper coverage; suggested the microfilm collection",
        "Narrowed a nursing capstone topic",
    ],
    "technology": [
        "Wi-Fi profile reinstalled on an Android phone",
        "Office activation failed; signing out and back in fixed it",
        "Canvas quiz would not load in one browser; worked in another",
    ],
    "equipment-printing": [
        "Cleared a jam in printer 2; toner low",
        "Scanner saved to the wrong folder; showed the presets",
        "Colour printer out of paper again mid-afternoon",
    ],
    "account-access": ["Multi-factor reset after a new phone", "Password expired over the break"],
    "directional": ["Looking for the quiet study floor", "Where to return a laptop loan"],
    "other": ["Asked about lost and found", "Stapler missing from the commons"],
}
# Who logs what where (demo user names); students staff technology and the lab desk.
STAFF = {
    ("joint-desk", "research"): ["library", "jchen", "rbailey", "supervisor"],
    ("joint-desk", "*"): ["student", "award", "bnguyen", "cfischer", "dmensah"],
    ("it-help-desk", "*"): ["it", "dkowalski", "mosei", "eruiz", "fpatel"],
    ("commons-lab-desk", "*"): ["student", "award", "bnguyen", "eruiz"],
    ("ask-us-chat", "research"): ["library", "jchen", "rbailey"],
    ("ask-us-chat", "*"): ["it", "mosei", "library"],
}


def _weighted(rng: random.Random, mix: dict):
    keys = list(mix)
    return rng.choices(keys, weights=[mix[k] for k in keys], k=1)[0]


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _duration(rng: random.Random, level: int) -> int | None:
    if rng.random() < 0.3:
        return None  # not everyone fills it in
    low, high = {1: (1, 3), 2: (2, 7), 3: (5, 15), 4: (10, 30), 5: (20, 60), 6: (45, 120)}[level]
    return rng.randint(low, high)


def _open_windows(point: ServicePoint, day: dt.date):
    """(start, end) aware datetimes of each open hour slice of a day."""
    for opens, closes in hours_on(point, day).periods:
        start = timezone.make_aware(dt.datetime.combine(day, opens))
        end = timezone.make_aware(dt.datetime.combine(day, closes))
        cursor = start
        while cursor < end:
            slice_end = min(end, cursor.replace(minute=0, second=0) + dt.timedelta(hours=1))
            yield cursor, slice_end
            cursor = slice_end


def seed_desk(log: Callable[[str], None], *, top_up: bool = False) -> dict[str, int]:
    """A term of traffic up to now; with `top_up`, only what is missing since the demo's last
    entry (so a demo opened days after it was loaded still looks like a working desk today).
    Each service point's day is drawn from its own seeded generator, so the same slot always
    gets the same entry and a top-up never changes what is there."""
    demo_rows = Interaction.objects.filter(source=SOURCE)
    first_and_last = demo_rows.order_by("occurred_at").values_list("occurred_at", flat=True)
    first = first_and_last.first()
    if first is not None and not top_up:
        log("desk: demo traffic already present")
        return {"desk interactions": Interaction.objects.count()}
    points = {
        p.slug: p
        for p in ServicePoint.objects.filter(slug__in=PEAK_PER_HOUR).prefetch_related(
            "opening_hours", "hours_exceptions"
        )
    }
    kinds = {k.slug: k for k in InteractionKind.objects.all()}
    categories = {c.slug: c for c in TechCategory.objects.all()}
    tags = {t.slug: t for t in TopicTag.objects.all()}
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    entries = {e.slug: e for e in DirectoryEntry.objects.filter(is_active=True)}
    if not points or not kinds:
        log("desk: no service points or kinds; nothing to seed")
        return {"desk interactions": 0}

    now = timezone.now()
    today = timezone.localdate()
    if first is None:
        term_start = today - dt.timedelta(weeks=TERM_WEEKS) + dt.timedelta(days=1)
        term_start -= dt.timedelta(days=term_start.weekday())  # a Monday
        day = term_start
    else:
        term_start = timezone.localtime(first).date()
        term_start -= dt.timedelta(days=term_start.weekday())
        day = timezone.localtime(demo_rows.order_by("-occurred_at").values_list("occurred_at", flat=True)[0]).date()
    built: list[Interaction] = []
    while day <= today:
        week = min((day - term_start).days // 7, len(WEEK_WEIGHT) - 1)
        for slug, point in sorted(points.items()):
            rng = random.Random(f"{SEED}:{slug}:{day.isoformat()}")  # noqa: S311 (demo data, not secrets)
            count_today = 0
            for start, end in _open_windows(point, day):
                weight = HOUR_WEIGHT.get(start.astimezone(timezone.get_current_timezone()).hour, 0.1)
                fraction = (end - start).total_seconds() / 3600
                mean = PEAK_PER_HOUR[slug] * weight * WEEKDAY_WEIGHT[day.weekday()] * WEEK_WEIGHT[week] * fraction
                for _ in range(_poisson(rng, mean)):
                    occurred = start + dt.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))
                    occurred = occurred.replace(microsecond=0)
                    slot = count_today
                    count_today += 1
                    if occurred > now - dt.timedelta(minutes=5):
                        continue  # not yet: a later top-up draws this very slot
                    # Each slot has its own generator, so skipping one never shifts the others.
                    slot_rng = random.Random(f"{SEED}:{slug}:{day.isoformat()}:{slot}")  # noqa: S311
                    interaction = _one(slot_rng, point, occurred, kinds, categories, tags, users, entries)
                    if interaction is None:
                        continue
                    interaction.client_id = uuid.uuid5(NAMESPACE, f"{slug}:{day.isoformat()}:{slot}")
                    built.append(interaction)
        day += dt.timedelta(days=1)
    result = interactions_bulk_create(built, batch_size=1000)
    what = "topped up" if first is not None else f"over {TERM_WEEKS} weeks"
    log(f"desk: {len(result.created)} interactions {what} at {len(points)} service points")
    return {"desk interactions": Interaction.objects.count(), "desk interactions added": len(result.created)}


def _one(rng, point, occurred, kinds, categories, tags, users, entries) -> Interaction | None:
    kind_slug = _weighted(rng, KIND_MIX[point.slug])
    kind = kinds.get(kind_slug)
    if kind is None:
        return None
    level = _weighted(rng, LEVEL_MIX.get(kind_slug, {1: 1}))
    category = None
    if kind_slug in CATEGORY_MIX:
        category = categories.get(_weighted(rng, CATEGORY_MIX[kind_slug]))
    chosen_tags = []
    if rng.random() < 0.12:
        tag = tags.get(rng.choice(TAGS_FOR_KIND[kind_slug]))
        chosen_tags = [tag] if tag else []
    note = rng.choice(NOTES[kind_slug]) if rng.random() < 0.015 else ""
    referral_odds = {"research": 0.25 if level >= 4 else 0.04, "technology": 0.15 if level >= 3 else 0.04}
    referral = None
    if rng.random() < referral_odds.get(kind_slug, 0.08 if kind_slug != "equipment-printing" else 0.03):
        candidates = [entries[s] for s in REFERRALS_FOR_KIND[kind_slug] if s in entries]
        referral = rng.choice(candidates) if candidates else None
    staff = STAFF.get((point.slug, kind_slug)) or STAFF.get((point.slug, "*"), [])
    recorder = users.get(rng.choice(staff)) if staff else None
    interaction = interaction_build(
        service_point=point,
        kind=kind,
        read_level=level,
        mode=_weighted(rng, MODE_MIX[point.slug]),
        client_id=uuid.UUID(int=0),  # replaced by the caller's deterministic id
        occurred_at=occurred,
        duration_minutes=_duration(rng, level),
        tech_category=category,
        tags=chosen_tags,
        note=note,
        referred_to=referral,
        recorded_by=recorder,
        source=SOURCE,
    )
    late = rng.random() < 0.04  # logged after the fact
    delay = dt.timedelta(minutes=rng.randint(10, 90)) if late else dt.timedelta(seconds=rng.randint(5, 40))
    interaction.logged_at = min(occurred + delay, timezone.now())
    return interaction


HISTORY_SOURCE = "import:demo-history"


def seed_desk_history(first: dt.date, last: dt.date, *, slugs: list[str], log: Callable[[str], None]) -> int:
    """An earlier term's traffic at some service points (the pool's suggested needs compare
    the same weeks of past terms), drawn like the current term's: week one is `first`'s week.
    Idempotent: a service point that already has history rows in the window is left alone.
    Kept under its own source so the current term's top-up never reads it."""
    points = {
        p.slug: p
        for p in ServicePoint.objects.filter(slug__in=slugs).prefetch_related("opening_hours", "hours_exceptions")
    }
    kinds = {k.slug: k for k in InteractionKind.objects.all()}
    categories = {c.slug: c for c in TechCategory.objects.all()}
    tags = {t.slug: t for t in TopicTag.objects.all()}
    users = {u.username: u for u in User.objects.filter(is_active=True)}
    entries = {e.slug: e for e in DirectoryEntry.objects.filter(is_active=True)}
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    done = set(
        Interaction.objects.filter(source=HISTORY_SOURCE, occurred_at__gte=start, occurred_at__lt=end)
        .values_list("service_point__slug", flat=True)
        .distinct()
    )
    term_start = first - dt.timedelta(days=first.weekday())
    built: list[Interaction] = []
    day = first
    while day <= last:
        week = min((day - term_start).days // 7, len(WEEK_WEIGHT) - 1)
        for slug, point in sorted(points.items()):
            if slug in done or slug not in PEAK_PER_HOUR:
                continue
            rng = random.Random(f"{SEED}:history:{slug}:{day.isoformat()}")  # noqa: S311 (demo data)
            for slot_start, slot_end in _open_windows(point, day):
                weight = HOUR_WEIGHT.get(slot_start.astimezone(timezone.get_current_timezone()).hour, 0.1)
                fraction = (slot_end - slot_start).total_seconds() / 3600
                mean = PEAK_PER_HOUR[slug] * weight * WEEKDAY_WEIGHT[day.weekday()] * WEEK_WEIGHT[week] * fraction
                for n in range(_poisson(rng, mean)):
                    occurred = slot_start + dt.timedelta(
                        seconds=rng.uniform(0, (slot_end - slot_start).total_seconds())
                    )
                    slot_rng = random.Random(f"{SEED}:history:{slug}:{occurred.isoformat()}:{n}")  # noqa: S311
                    interaction = _one(
                        slot_rng, point, occurred.replace(microsecond=0), kinds, categories, tags, users, entries
                    )
                    if interaction is None:
                        continue
                    interaction.source = HISTORY_SOURCE
                    interaction.client_id = uuid.uuid5(NAMESPACE, f"history:{slug}:{occurred.isoformat()}:{n}")
                    built.append(interaction)
        day += dt.timedelta(days=1)
    result = interactions_bulk_create(built, batch_size=1000)
    log(f"desk: {len(result.created)} interactions of an earlier term ({first} to {last}) at {', '.join(slugs)}")
    return len(result.created)
