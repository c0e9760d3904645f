"""Reads for the desk: the day's tally, a person's recent entries, lists and referral counts."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from liaison.core import counts
from liaison.core.errors import reject
from liaison.desk import policy, stats
from liaison.desk.models import READ_LEVELS, Interaction, InteractionKind, TechCategory, TopicTag
from liaison.directory.selectors import directory_search
from liaison.places import selectors as places_selectors

if TYPE_CHECKING:
    from liaison.places.models import ServicePoint

SHIFT_HOURS = 12  # "this shift" on the desk screen: what you logged in the last 12 hours


def _with_relations(interactions: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return interactions.select_related(
        "service_point", "kind", "tech_category", "referred_to", "recorded_by"
    ).prefetch_related("tags")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight in the site's time zone."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return start, end


# --- Lists the screen and the API offer ------------------------------------------------------


def kind_list(*, active_only: bool = True) -> QuerySet[InteractionKind]:
    kinds = InteractionKind.objects.all()
    return kinds.filter(is_active=True) if active_only else kinds


def tech_category_list(*, active_only: bool = True) -> QuerySet[TechCategory]:
    categories = TechCategory.objects.all()
    return categories.filter(is_active=True) if active_only else categories


def topic_tag_list(*, active_only: bool = True) -> QuerySet[TopicTag]:
    tags = TopicTag.objects.all()
    return tags.filter(is_active=True) if active_only else tags


def desk_service_points() -> QuerySet[ServicePoint]:
    """The service points in use, with their rooms (to choose one on the desk screen)."""
    return places_selectors.service_point_choices(active_only=True)


def desk_service_point_get(*, slug: str) -> ServicePoint:
    """A service point in use, by slug; 404 for an unknown or retired one."""
    return get_object_or_404(places_selectors.service_point_choices(active_only=True), slug=slug)


# --- The tally -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindCount:
    kind: InteractionKind
    count: int


@dataclass(frozen=True)
class DayTally:
    service_point: ServicePoint
    date: dt.date
    total: int
    by_kind: list[KindCount]
    by_level: list[tuple[int, int]]  # (READ level, count) for 1..6

    @property
    def busiest_count(self) -> int:
        return max([row.count for row in self.by_kind] + [1])


def interaction_tally_for_day(
    service_point: ServicePoint, date: dt.date, *, kinds: list[InteractionKind] | None = None
) -> DayTally:
    """Counts by kind and by READ level for one service point and day (by when it happened).

    Read from the count table for the hours already filled and from the log for the rest
    (liaison/core/counts.py), plus one query for the kinds unless the caller passes them in."""
    start, end = day_bounds(date)
    rows = counts.read(
        stats.INTERACTIONS,
        start=start,
        end=end,
        group_by=("kind", "read_level"),
        where={"service_point": service_point.pk},
    )
    per_kind: dict[int, int] = {}
    per_level = dict.fromkeys(READ_LEVELS, 0)
    for (kind_id, level), n in rows.items():
        per_kind[kind_id] = per_kind.get(kind_id, 0) + n
        per_level[level] = per_level.get(level, 0) + n
    all_kinds = kinds if kinds is not None else list(InteractionKind.objects.all())
    by_kind = [
        KindCount(kind, per_kind.get(kind.pk, 0)) for kind in all_kinds if kind.is_active or per_kind.get(kind.pk)
    ]
    return DayTally(
        service_point=service_point,
        date=date,
        total=sum(per_kind.values()),
        by_kind=by_kind,
        by_level=sorted(per_level.items()),
    )


def desk_totals_for_day(date: dt.date) -> dict[int, int]:
    """Interactions per service point id on one day: for the home panel."""
    start, end = day_bounds(date)
    rows = counts.read(stats.INTERACTIONS, start=start, end=end, group_by=("service_point",))
    return {point_id: n for (point_id,), n in rows.items()}


# --- Entries ---------------------------------------------------------------------------------


def recent_interactions_for_user(
    user, *, service_point: ServicePoint | None = None, hours: int = SHIFT_HOURS, limit: int = 50
) -> list[Interaction]:
    """What this person logged in the last `hours` (this shift), newest first."""
    if not getattr(user, "is_authenticated", False):
        return []
    since = timezone.now() - dt.timedelta(hours=hours)
    entries = Interaction.objects.filter(recorded_by=user, logged_at__gte=since)
    if service_point is not None:
        entries = entries.filter(service_point=service_point)
    return list(_with_relations(entries).order_by("-logged_at", "-id")[:limit])


def interaction_get_for_user(*, user, client_id: uuid.UUID) -> Interaction:
    """One entry by its client id, if this person may see it (policy.can_see_interaction);
    otherwise 404, the same answer as for an id that does not exist."""
    entry = _with_relations(Interaction.objects.filter(client_id=client_id)).first()
    if entry is None or not policy.can_see_interaction(user, entry):
        raise Http404("No interaction with that id.")
    return entry


def _aware(moment: dt.datetime | dt.date | None, *, end_of_day: bool = False) -> dt.datetime | None:
    if moment is None:
        return None
    if not isinstance(moment, dt.datetime):
        start, end = day_bounds(moment)
        return end if end_of_day else start
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def interaction_list_for_user(
    *,
    user,
    service_point: str | None = None,
    kind: str | None = None,
    read_level: int | None = None,
    mode: str | None = None,
    since: dt.datetime | dt.date | None = None,
    until: dt.datetime | dt.date | None = None,
    mine: bool = False,
    source: str | None = None,
) -> QuerySet[Interaction]:
    """Entries this person may see, filtered; newest first. Unknown filter values are a 400
    naming the filter, not an empty list that hides a typo."""
    entries = policy.visible_interactions(user, Interaction.objects.all())
    if service_point:
        point = places_selectors.service_point_choices(active_only=False).filter(slug=service_point).first()
        if point is None:
            raise reject("service_point", f"Unknown service point {service_point[:60]!r}.", code="desk.unknown")
        entries = entries.filter(service_point=point)
    if kind:
        kind_obj = InteractionKind.objects.filter(slug=kind).first()
        if kind_obj is None:
            raise reject("kind", f"Unknown kind {kind[:60]!r}.", code="desk.unknown")
        entries = entries.filter(kind=kind_obj)
    if read_level is not None:
        if read_level not in READ_LEVELS:
            raise reject("read_level", f"READ level must be 1–6; got {read_level}.", code="desk.read_level_invalid")
        entries = entries.filter(read_level=read_level)
    if mode:
        if mode not in Interaction.Mode.values:
            choices = ", ".join(Interaction.Mode.values)
            raise reject("mode", f"Unknown mode {mode[:30]!r}; use one of {choices}.", code="desk.unknown")
        entries = entries.filter(mode=mode)
    if since is not None:
        entries = entries.filter(occurred_at__gte=_aware(since))
    if until is not None:
        entries = entries.filter(occurred_at__lt=_aware(until, end_of_day=True))
    if mine:
        entries = entries.filter(recorded_by=user)
    if source:
        entries = entries.filter(source=source)
    return _with_relations(entries).order_by("-occurred_at", "-id")


def referral_counts(
    since: dt.datetime | dt.date | None = None, *, until: dt.datetime | dt.date | None = None
) -> dict[int, int]:
    """How often each directory entry was the referral target: {DirectoryEntry id: count}.

    The directory can also annotate its own queryset through the reverse relation
    (`Count("referrals", filter=Q(referrals__occurred_at__gte=…))`)."""
    entries = Interaction.objects.filter(referred_to__isnull=False)
    if since is not None:
        entries = entries.filter(occurred_at__gte=_aware(since))
    if until is not None:
        entries = entries.filter(occurred_at__lt=_aware(until, end_of_day=True))
    return dict(entries.values_list("referred_to_id").annotate(n=Sum("weight")).order_by())


def referral_search(query: str, *, limit: int = 8) -> list:
    """ "Who handles X?" for the desk screen, through the directory's own search."""
    query = (query or "").strip()
    if not query:
        return []
    return list(directory_search(query, limit=limit))


# --- Traffic by weekday and hour (for the pool's suggested needs) ---------------------------------


@dataclass(frozen=True)
class WeeklyTraffic:
    """Questions at one service point over some date windows, folded onto one week:
    `questions[(weekday, hour)]` (weekday 0 = Monday, local hours) and `days[weekday]`, the
    number of dates of that weekday on which the desk recorded anything (a closed holiday
    records nothing, so it does not water the mean down)."""

    questions: dict[tuple[int, int], int]
    days: dict[int, int]

    def per_hour(self, weekday: int, hour: int) -> float:
        """Mean questions in that hour on the weekday's days in use (0.0 when none)."""
        days = self.days.get(weekday, 0)
        return self.questions.get((weekday, hour), 0) / days if days else 0.0


def traffic_by_weekday_hour(*, service_point_id: int, windows: list[tuple[dt.date, dt.date]]) -> WeeklyTraffic:
    """Desk traffic (weighted: a tally row counts as its weight) at one service point within
    the date windows (first day, last day, both inclusive), by weekday and hour of the local
    day. Read from the count tables (`desk.point_hourly`), a few queries per window however
    much traffic there was."""
    stat = counts.choose(stats.NARROWEST_FIRST, names=("day", "hour_of_day", "service_point"))
    questions: dict[tuple[int, int], int] = {}
    dates: set[dt.date] = set()
    for first, last in windows:
        if last < first:
            continue
        start, _ = day_bounds(first)
        _, end = day_bounds(last)
        rows = counts.read(
            stat, start=start, end=end, group_by=("day", "hour_of_day"), where={"service_point": service_point_id}
        )
        for (day, hour), total in rows.items():
            if not total:
                continue
            key = (day.weekday(), int(hour))
            questions[key] = questions.get(key, 0) + int(total)
            dates.add(day)
    days: dict[int, int] = {}
    for day in dates:
        days[day.weekday()] = days.get(day.weekday(), 0) + 1
    return WeeklyTraffic(questions=questions, days=days)


def interactions_for_calibration(*, start: dt.datetime, end: dt.datetime) -> QuerySet[Interaction]:
    """Single questions (not imported tallies) that happened in [start, end), with their kind,
    category and desk, in id order: the pool READ calibration draws its seeded sample from
    (the demand app). Carries `read_level` for the agreement report; pages never show it to a
    rater."""
    return (
        Interaction.objects.filter(occurred_at__gte=start, occurred_at__lt=end, weight=1)
        .select_related("kind", "tech_category", "service_point")
        .order_by("id")
    )


def interaction_client_ids_stored(client_ids: list[str]) -> set[str]:
    """Of these client ids (as text), the ones stored: for importers, which ask once per chunk
    of a file which of its rows are there already. On PostgreSQL one query takes the whole
    list as an array (no statement of thousands of parameters to build); elsewhere, batches."""
    if not client_ids:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Inside an import's transaction the table grows between two look-ups. A prepared
            # statement's generic plan (ADR 0062) made while it was small scans it whole and
            # compares each row with every id asked, and stays as it grows (200,000 rows into an
            # empty table: minutes). So this one statement is planned with its ids, against the
            # table as it is, and finds them by the index; the transaction's other statements
            # (the foreign-key checks at its commit) keep their cached plans.
            custom = connection.in_atomic_block
            if custom:
                cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
            cursor.execute(
                "SELECT client_id::text FROM desk_interaction WHERE client_id = ANY(%s::uuid[])", [client_ids]
            )
            stored_ids = {row[0] for row in cursor.fetchall()}
            if custom:
                cursor.execute("SET LOCAL plan_cache_mode TO DEFAULT")
            return stored_ids
    found: set[str] = set()
    for start in range(0, len(client_ids), 900):
        stored = Interaction.objects.filter(client_id__in=client_ids[start : start + 900])
        found.update(str(client_id) for client_id in stored.values_list("client_id", flat=True))
    return found
