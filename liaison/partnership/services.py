"""Every write in the partnership: keyword-only, typed, atomic. Each takes the `actor`, asks
the policy itself (PermissionDenied), validates its input with `reject(field, message,
code=...)` (codes in errors.py), writes through events.py and returns the object.

Two named system jobs run without an actor and say so: `ledger_derive` (the derivation job)
and `rollouts_flag_unconsulted` (the daily flag).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.accounts import selectors as accounts_selectors
from liaison.core import ledger as core_ledger
from liaison.core.errors import reject
from liaison.core.services import model_update
from liaison.partnership import events, policy, selectors
from liaison.partnership.models import (
    MAX_COUNT,
    MAX_HOURS,
    CalendarFeedToken,
    Goal,
    LedgerEntry,
    LedgerFeedState,
    Match,
    Need,
    Offer,
    ResourceRequest,
    Rollout,
    Skill,
    SkillSession,
    SurveyAnswer,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
)

if TYPE_CHECKING:
    from liaison.accounts.models import Department, User

logger = logging.getLogger(__name__)

# Sizes one typed entry may hold. Bigger is almost certainly a typo (an extra zero) or a
# lump that should be several entries; the database's own limits are far wider.
MANUAL_MAX_COUNT = 500
MANUAL_MAX_HOURS = Decimal("2000")  # a year of full-time work
TITLE_MAX = 200
TEXT_MAX = 5000
DEFAULT_WINDOW_DAYS = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Department_ = Any  # a Department, or its code (accounts.Department.code)


# --- Input cleaning --------------------------------------------------------------------------------------


def _text(value: Any, *, field: str, what: str, limit: int = TEXT_MAX, required: bool = True) -> str:
    text = _CONTROL.sub("", str(value if value is not None else "")).strip()
    if required and not text:
        raise reject(field, f"Write {what}.", code="partnership.text_required")
    if len(text) > limit:
        raise reject(
            field, f"Keep {what} under {limit:,} characters (this is {len(text):,}).", code="partnership.text_too_long"
        )
    return text


def _count(value: Any, *, field: str = "count", minimum: int = 1, maximum: int = MANUAL_MAX_COUNT) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise reject(field, "Give the count as a whole number.", code="partnership.count_invalid") from None
    if number < 0:
        message = "A count cannot be negative."
        if minimum == 0:
            message += " A correction of 0 withdraws the entry."
        raise reject(field, message, code="partnership.count_invalid")
    if number < minimum:
        raise reject(field, f"The count must be at least {minimum}.", code="partnership.count_invalid")
    if number > maximum:
        raise reject(
            field,
            f"{number:,} is more than one entry can hold (at most {maximum:,}); check the figure or split it into several entries.",
            code="partnership.count_absurd",
        )
    return number


def _hours(
    value: Any, *, field: str = "hours", maximum: Decimal = MANUAL_MAX_HOURS, required: bool = False
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise reject(field, "Give the hours.", code="partnership.hours_invalid")
        return None
    if isinstance(value, bool):
        raise reject(field, "Give the hours as a number, such as 1.5.", code="partnership.hours_invalid")
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise reject(field, "Give the hours as a number, such as 1.5.", code="partnership.hours_invalid") from None
    if not hours.is_finite():
        raise reject(field, "Give the hours as a number, such as 1.5.", code="partnership.hours_invalid")
    if hours < 0:
        raise reject(field, "Hours cannot be negative.", code="partnership.hours_invalid")
    if hours > maximum:
        raise reject(
            field,
            f"{hours:,} hours is more than one entry can honestly hold (at most {maximum:,}); check the figure.",
            code="partnership.hours_absurd",
        )
    return hours.quantize(Decimal("0.01"))


def _date(
    value: Any, *, field: str, required: bool = True, allow_future: bool = True, what: str = "the date"
) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise reject(field, f"Give {what}.", code="partnership.date_invalid")
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise reject(
                field, f"{str(value)[:20]!r} is not a date (YYYY-MM-DD).", code="partnership.date_invalid"
            ) from None
    if problem := selectors.day_problem(value):
        raise reject(field, problem, code="partnership.date_invalid")
    if not allow_future and value > timezone.localdate():
        raise reject(
            field,
            f"{value:%-d %B %Y} is in the future; record it once it has happened.",
            code="partnership.date_invalid",
        )
    return value


def _day(value: Any, *, field: str, allow_future: bool = True, what: str = "the date") -> dt.date:
    """A required date (see _date)."""
    day = _date(value, field=field, required=True, allow_future=allow_future, what=what)
    assert day is not None
    return day


def _department(value: Any, *, field: str) -> Department:
    if value is None or value == "":
        raise reject(field, "Choose a department.", code="partnership.department_required")
    if hasattr(value, "pk") and hasattr(value, "code"):
        return value
    department = accounts_selectors.department_list().filter(code=str(value).strip()[:30]).first()
    if department is None:
        raise reject(field, f"There is no department {str(value)[:30]!r}.", code="partnership.department_required")
    return department


def _choice(value: Any, choices: Any, *, field: str, code: str, what: str) -> str:
    text = str(value or "").strip()
    if text not in choices.values:
        options = ", ".join(label.lower() for label in choices.labels if label)
        raise reject(field, f"Choose {what}: {options}.", code=code)
    return text


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _actor_department(actor: User, *, field: str = "department") -> Department:
    if actor.department is None:
        raise reject(
            field,
            "Your account has no department; ask an administrator to set it.",
            code="partnership.department_required",
        )
    return actor.department


# --- The ledger: typed entries and corrections -------------------------------------------------------------


@transaction.atomic
def ledger_entry_create(
    *,
    actor: User,
    kind: str,
    direction: str,
    giver: Department_,
    receiver: Department_,
    occurred_on: dt.date | str,
    label: str,
    count: int | str = 1,
    hours: Decimal | str | None = None,
    note: str = "",
) -> LedgerEntry:
    """Type what the ledger cannot see in the work: committee service, shared events, training
    sessions, anything else a site wants to count. Staff record what their own department gave
    or received; supervisors and administrators may record any pair."""
    _require(policy.can_create_ledger_entry(actor), "Your role does not add to the ledger.")
    kind = _choice(kind, LedgerEntry.ManualKind, field="kind", code="partnership.kind_unknown", what="a kind")
    direction = _choice(
        direction, LedgerEntry.Direction, field="direction", code="partnership.direction_unknown", what="a direction"
    )
    giver_dept = _department(giver, field="giver")
    receiver_dept = _department(receiver, field="receiver")
    if giver_dept.pk == receiver_dept.pk:
        raise reject(
            "receiver",
            f"{giver_dept.name} cannot give to itself; choose the other department.",
            code="partnership.same_department",
        )
    if not policy.is_supervisor(actor) and actor.department_id not in (giver_dept.pk, receiver_dept.pk):
        raise reject(
            "giver",
            f"Record what your department ({actor.department.name if actor.department else 'none'}) gave or received.",
            code="partnership.same_department",
        )
    entry = LedgerEntry.objects.create(
        origin=LedgerEntry.Origin.MANUAL,
        feed_key=LedgerEntry.MANUAL_FEED,
        source_key=f"partnership:manual:{uuid.uuid4()}",
        kind=kind,
        direction=direction,
        giver=giver_dept,
        receiver=receiver_dept,
        occurred_on=_day(occurred_on, field="occurred_on", allow_future=False, what="the day it happened"),
        count=_count(count),
        hours=_hours(hours),
        label=_text(label, field="label", what="what it was", limit=TITLE_MAX),
        note=_text(note, field="note", what="the note", required=False),
        created_by=actor,
    )
    events.ledger_entry_typed(entry=entry, actor=actor)
    return entry


@transaction.atomic
def ledger_entry_correct(
    *,
    actor: User,
    entry: LedgerEntry,
    count: int | str,
    note: str,
    hours: Decimal | str | None = None,
    occurred_on: dt.date | str | None = None,
) -> LedgerEntry:
    """Correct an entry by adding a new one that replaces it (nothing is edited in place).
    A count of 0 withdraws it. Only typed entries, or derived entries whose source is gone
    (orphaned), can be corrected: a live derived entry follows its source."""
    locked = LedgerEntry.objects.select_for_update().select_related("giver", "receiver").get(pk=entry.pk)
    _require(policy.can_correct_ledger_entry(actor, locked), "You cannot correct this entry.")
    if locked.is_derived and not locked.is_orphaned:
        raise reject(
            "entry",
            "This entry follows its source record; correct the ticket, desk entry or article it comes from instead.",
            code="partnership.correct_live_derived",
        )
    if LedgerEntry.objects.filter(corrects=locked).exists():
        raise reject(
            "entry",
            "This entry was already corrected; correct the correction instead.",
            code="partnership.already_corrected",
        )
    new_count = _count(count, minimum=0)
    correction = LedgerEntry(
        origin=LedgerEntry.Origin.MANUAL,
        feed_key=LedgerEntry.MANUAL_FEED,
        source_key=f"partnership:correction-of:{locked.pk}",
        kind=locked.kind,
        direction=locked.direction,
        giver=locked.giver,
        receiver=locked.receiver,
        occurred_on=_date(occurred_on, field="occurred_on", allow_future=False, required=False) or locked.occurred_on,
        count=new_count,
        hours=_hours(hours) if hours not in (None, "") else (locked.hours if new_count else None),
        label=(f"Withdrawn: {locked.label}" if new_count == 0 else f"Corrected: {locked.label}")[:TITLE_MAX],
        note=_text(note, field="note", what="why it is corrected"),
        corrects=locked,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:
        raise reject(
            "entry",
            "This entry was already corrected; correct the correction instead.",
            code="partnership.already_corrected",
        ) from None
    events.ledger_entry_corrected(entry=correction, corrected=locked, actor=actor)
    return correction


# --- The ledger: derivation (a system job) ------------------------------------------------------------------


@dataclass
class FeedRunResult:
    feed_key: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0
    skipped: int = 0
    error: str = ""


@dataclass
class DeriveReport:
    start: dt.date
    end: dt.date
    feeds: list[FeedRunResult] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            name: sum(getattr(result, name) for result in self.feeds)
            for name in ("created", "updated", "unchanged", "orphaned", "skipped")
        }

    @property
    def failed(self) -> list[FeedRunResult]:
        return [result for result in self.feeds if result.error]

    def summary(self) -> str:
        t = self.totals
        text = (
            f"Ledger derived for {self.start:%-d %b %Y} to {self.end - dt.timedelta(days=1):%-d %b %Y}: "
            f"{t['created']} new, {t['updated']} updated, {t['unchanged']} unchanged, {t['orphaned']} orphaned"
        )
        if t["skipped"]:
            text += f", {t['skipped']} rows skipped (see the log)"
        if self.failed:
            text += "; failed: " + ", ".join(result.feed_key for result in self.failed)
        return text + "."


_UPSERT_FIELDS = [
    "kind",
    "direction",
    "giver",
    "receiver",
    "occurred_on",
    "count",
    "hours",
    "source_url",
    "label",
    "orphaned_at",
    "derived_at",
    "updated_at",
]


def ledger_derive(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    feed_keys: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> DeriveReport:
    """A system job (no actor): bring the ledger up to date from every registered feed for
    the days [start, end) (by default the last DEFAULT_WINDOW_DAYS days through today).

    Idempotent: each feed row is upserted by (feed key, source key), so running twice adds
    nothing, and a changed source updates its entry. Safe when two workers run it at once:
    a feed's run holds a lock on its state row (PostgreSQL; SQLite's immediate transactions
    serialise writers anyway), and the unique constraint with INSERT … ON CONFLICT DO UPDATE
    is the last line, so no interleaving can duplicate an entry. An entry whose source no
    longer appears in the window is marked orphaned, never deleted; it comes back to life if
    its source reappears. One feed failing does not stop the others: the report names it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    end = end or today + dt.timedelta(days=1)
    start = start or end - dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    if end <= start:
        raise reject("end", "The window's end must come after its start.", code="partnership.window_invalid")
    feeds = core_ledger.registered_feeds()
    if feed_keys is not None:
        wanted = list(feed_keys)
        unknown = [key for key in wanted if key not in feeds]
        if unknown:
            raise reject("feed", f"No feed is registered as {', '.join(unknown)}.", code="partnership.feed_unknown")
        feeds = {key: feeds[key] for key in wanted}
    departments = selectors.department_by_code()
    report = DeriveReport(start=start, end=end)
    for feed in feeds.values():
        try:
            result = _derive_feed(feed, start=start, end=end, now=now, departments=departments)
        except Exception as exc:  # one broken feed must not stop the others; the report names it
            logger.exception("Ledger feed %s failed", feed.key)
            result = FeedRunResult(feed.key, error=f"{type(exc).__name__}: {exc}"[:500])
            LedgerFeedState.objects.update_or_create(
                feed_key=feed.key, defaults={"last_error": result.error, "last_run_at": now}
            )
        report.feeds.append(result)
    logger.info("%s", report.summary())
    return report


def ledger_derive_now(*, actor: User, start: dt.date | None = None, end: dt.date | None = None) -> DeriveReport:
    """A supervisor brings the ledger up to date now (the same job the schedule runs)."""
    _require(policy.can_run_derivation(actor), "Only supervisors update the ledger by hand.")
    report = ledger_derive(start=start, end=end)
    with transaction.atomic():
        events.ledger_derived(
            actor=actor, totals=report.totals, window=(report.start.isoformat(), report.end.isoformat())
        )
    return report


def upsert_entries(entries: list[LedgerEntry]) -> None:
    """INSERT … ON CONFLICT (feed_key, source_key) DO UPDATE: a writer that read the ledger
    before another run committed the same sources still leaves one entry per source."""
    if entries:
        LedgerEntry.objects.bulk_create(
            entries,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["feed_key", "source_key"],
            update_fields=_UPSERT_FIELDS,
        )


def _row_problem(row: Any, *, start: dt.date, end: dt.date, departments: Mapping[str, Department]) -> str:
    if not isinstance(row, core_ledger.LedgerRow):
        return "not a LedgerRow"
    if not row.source_key or len(row.source_key) > core_ledger.MAX_SOURCE_KEY:
        return "source key empty or too long"
    if not isinstance(row.occurred_on, dt.date) or not (start <= row.occurred_on < end):
        return f"date {row.occurred_on!r} outside the window"
    if row.giver not in departments or row.receiver not in departments:
        return f"unknown department {row.giver!r} or {row.receiver!r}"
    if row.giver == row.receiver:
        return "giver and receiver are the same"
    if row.direction not in core_ledger.DIRECTIONS:
        return f"direction {row.direction!r}"
    if not row.kind or len(row.kind) > 60:
        return "kind empty or too long"
    if not isinstance(row.count, int) or isinstance(row.count, bool) or not (1 <= row.count <= MAX_COUNT):
        return f"count {row.count!r}"
    if row.hours is not None and not (Decimal(0) <= Decimal(row.hours) <= MAX_HOURS):
        return f"hours {row.hours!r}"
    return ""


def _values(row: core_ledger.LedgerRow, departments: Mapping[str, Department]) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "direction": row.direction,
        "giver_id": departments[row.giver].pk,
        "receiver_id": departments[row.receiver].pk,
        "occurred_on": row.occurred_on,
        "count": row.count,
        "hours": Decimal(row.hours).quantize(Decimal("0.01")) if row.hours is not None else None,
        "source_url": (row.source_url or "")[:300],
        "label": (row.label or row.kind)[:TITLE_MAX],
    }


def _differs(entry: LedgerEntry, values: Mapping[str, Any]) -> bool:
    return any(getattr(entry, name) != value for name, value in values.items())


def _derive_feed(
    feed: core_ledger.LedgerFeed,
    *,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    departments: Mapping[str, Department],
) -> FeedRunResult:
    result = FeedRunResult(feed.key)
    with transaction.atomic():
        state, _ = LedgerFeedState.objects.get_or_create(feed_key=feed.key)
        # One run per feed at a time (PostgreSQL holds this row lock to the commit).
        state = LedgerFeedState.objects.select_for_update().get(pk=state.pk)
        wanted: dict[str, tuple[core_ledger.LedgerRow, dict[str, Any]]] = {}
        for row in feed.rows(start, end):
            problem = _row_problem(row, start=start, end=end, departments=departments)
            if problem:
                result.skipped += 1
                logger.warning(
                    "Ledger feed %s: skipped a row (%s): %r", feed.key, problem, getattr(row, "source_key", row)
                )
                continue
            wanted[row.source_key] = (row, _values(row, departments))
        in_window = LedgerEntry.objects.filter(feed_key=feed.key, occurred_on__gte=start, occurred_on__lt=end)
        existing = {entry.source_key: entry for entry in in_window}
        missing = [key for key in wanted if key not in existing]
        for chunk_start in range(0, len(missing), 500):  # a source whose date moved into the window
            chunk = missing[chunk_start : chunk_start + 500]
            for entry in LedgerEntry.objects.filter(feed_key=feed.key, source_key__in=chunk):
                existing[entry.source_key] = entry
        to_write = []
        for key, (_row, values) in wanted.items():
            stored = existing.get(key)
            if stored is None:
                result.created += 1
            elif stored.orphaned_at is not None or _differs(stored, values):
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            to_write.append(
                LedgerEntry(
                    origin=LedgerEntry.Origin.DERIVED,
                    feed_key=feed.key,
                    source_key=key,
                    orphaned_at=None,
                    derived_at=now,
                    **values,
                )
            )
        upsert_entries(to_write)
        gone = [
            entry.pk
            for key, entry in existing.items()
            if key not in wanted and entry.orphaned_at is None and start <= entry.occurred_on < end
        ]
        for chunk_start in range(0, len(gone), 500):
            LedgerEntry.objects.filter(pk__in=gone[chunk_start : chunk_start + 500]).update(
                orphaned_at=now, updated_at=now
            )
        result.orphaned = len(gone)
        for name in ("created", "updated", "unchanged", "orphaned", "skipped"):
            setattr(state, name, getattr(result, name))
        state.last_run_at, state.window_start, state.window_end, state.last_error = now, start, end, ""
        state.save()
    return result


# --- Goals and needs ---------------------------------------------------------------------------------------------


def _year(value: Any) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise reject("year", "Give the year as four digits, such as 2025.", code="partnership.year_invalid") from None
    if not 2000 <= year <= 2100:
        raise reject("year", f"{year} is not a year Liaison plans for.", code="partnership.year_invalid")
    return year


@transaction.atomic
def goal_create(*, actor: User, department: Department_, year: int | str, title: str, description: str = "") -> Goal:
    """A department's goal for the year, posted by its supervisor."""
    dept = _department(department, field="department")
    _require(policy.can_post_for_department(actor, dept.pk), f"Only {dept.name}'s supervisors post its goals.")
    goal = Goal.objects.create(
        department=dept,
        year=_year(year),
        title=_text(title, field="title", what="the goal", limit=TITLE_MAX),
        description=_text(description, field="description", what="the description", required=False),
        created_by=actor,
    )
    events.goal_posted(goal=goal, actor=actor)
    return goal


@transaction.atomic
def goal_update(*, actor: User, goal: Goal, data: Mapping[str, Any]) -> Goal:
    _require(
        policy.can_post_for_department(actor, goal.department_id), "Only the department's supervisors change its goals."
    )
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], field="title", what="the goal", limit=TITLE_MAX)
    if "description" in data:
        clean["description"] = _text(data["description"], field="description", what="the description", required=False)
    if "year" in data:
        clean["year"] = _year(data["year"])
    if "status" in data:
        clean["status"] = _choice(
            data["status"], Goal.Status, field="status", code="partnership.status_invalid", what="a status"
        )
    goal, before = model_update(instance=goal, fields=["title", "description", "year", "status"], data=clean)
    if before:
        events.goal_changed(goal=goal, actor=actor, before=before)
    return goal


@transaction.atomic
def need_create(
    *,
    actor: User,
    department: Department_,
    title: str,
    description: str = "",
    needed_by: dt.date | str | None = None,
    goal: Goal | None = None,
) -> Need:
    """What a department needs from the other, posted by its supervisor."""
    dept = _department(department, field="department")
    _require(policy.can_post_for_department(actor, dept.pk), f"Only {dept.name}'s supervisors post its needs.")
    if goal is not None and goal.department_id != dept.pk:
        raise reject("goal", "Choose one of this department's goals.", code="partnership.status_invalid")
    need = Need.objects.create(
        department=dept,
        goal=goal,
        title=_text(title, field="title", what="the need", limit=TITLE_MAX),
        description=_text(description, field="description", what="the description", required=False),
        needed_by=_date(needed_by, field="needed_by", required=False),
        created_by=actor,
    )
    events.need_posted(need=need, actor=actor)
    return need


@transaction.atomic
def need_update(*, actor: User, need: Need, data: Mapping[str, Any]) -> Need:
    """Change a need's words, date or status (open, met, withdrawn)."""
    _require(policy.can_change_need(actor, need), "Only the department that posted the need changes it.")
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], field="title", what="the need", limit=TITLE_MAX)
    if "description" in data:
        clean["description"] = _text(data["description"], field="description", what="the description", required=False)
    if "needed_by" in data:
        clean["needed_by"] = _date(data["needed_by"], field="needed_by", required=False)
    if "status" in data:
        clean["status"] = _choice(
            data["status"], Need.Status, field="status", code="partnership.status_invalid", what="a status"
        )
    previous = need.status
    need, before = model_update(instance=need, fields=["title", "description", "needed_by", "status"], data=clean)
    if "status" in before:
        events.need_status_changed(need=need, actor=actor, previous=previous)
    return need


@transaction.atomic
def offer_create(*, actor: User, need: Need, description: str) -> Offer:
    """Offer help against another department's open need."""
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if actor.department_id is not None and actor.department_id == locked.department_id:
        raise PermissionDenied("Your own department posted this need; offers come from the other side.")
    _require(policy.can_offer_help(actor, locked), "Your role does not offer help.")
    if locked.status != Need.Status.OPEN:
        raise reject("need", "This need is no longer open.", code="partnership.need_not_open")
    offer = Offer.objects.create(
        need=locked,
        department=_actor_department(actor),
        offered_by=actor,
        description=_text(description, field="description", what="what you offer"),
    )
    events.offer_made(offer=offer, actor=actor)
    return offer


def _answer_offer(*, actor: User, offer: Offer, accept: bool, note: str) -> Offer:
    locked = Offer.objects.select_for_update().select_related("need", "department").get(pk=offer.pk)
    _require(policy.can_answer_offer(actor, locked), "Only the department that posted the need answers its offers.")
    if locked.status != Offer.Status.OFFERED:
        raise reject(
            "offer",
            f"This offer was already {locked.get_status_display().lower()}.",
            code="partnership.offer_not_pending",
        )
    if accept and locked.need.status != Need.Status.OPEN:
        raise reject("offer", "The need is no longer open.", code="partnership.need_not_open")
    locked.status = Offer.Status.ACCEPTED if accept else Offer.Status.DECLINED
    locked.response_note = _text(note, field="note", what="the note", required=False)
    locked.responded_by = actor
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "response_note", "responded_by", "responded_at", "updated_at"])
    if accept:
        Match.objects.create(offer=locked, need=locked.need)
    events.offer_answered(offer=locked, actor=actor)
    return locked


@transaction.atomic
def offer_accept(*, actor: User, offer: Offer, note: str = "") -> Match:
    """Accept an offer: the two sides have a match, which counts in the ledger once delivered."""
    accepted = _answer_offer(actor=actor, offer=offer, accept=True, note=note)
    return Match.objects.select_related("need", "offer__department").get(offer=accepted)


@transaction.atomic
def offer_decline(*, actor: User, offer: Offer, note: str = "") -> Offer:
    return _answer_offer(actor=actor, offer=offer, accept=False, note=note)


@transaction.atomic
def match_deliver(
    *,
    actor: User,
    match: Match,
    delivered_on: dt.date | str,
    hours: Decimal | str | None = None,
    note: str = "",
) -> Match:
    """Record that the help was given. From now on the ledger counts it (the partnership feed)."""
    locked = Match.objects.select_for_update().select_related("need", "offer").get(pk=match.pk)
    _require(policy.can_record_delivery(actor, locked), "Only the two sides record a delivery.")
    if locked.status != Match.Status.AGREED:
        raise reject(
            "match",
            f"This match is already {locked.get_status_display().lower()}.",
            code="partnership.match_not_agreed",
        )
    locked.status = Match.Status.DELIVERED
    locked.delivered_on = _date(delivered_on, field="delivered_on", allow_future=False, what="the day it was delivered")
    locked.hours = _hours(hours, maximum=Decimal("1000"))
    locked.delivery_note = _text(note, field="note", what="the note", required=False)
    locked.delivered_by = actor
    locked.save(update_fields=["status", "delivered_on", "hours", "delivery_note", "delivered_by", "updated_at"])
    events.match_delivered(match=locked, actor=actor)
    return locked


@transaction.atomic
def match_cancel(*, actor: User, match: Match, note: str = "") -> Match:
    locked = Match.objects.select_for_update().select_related("need", "offer").get(pk=match.pk)
    _require(policy.can_record_delivery(actor, locked), "Only the two sides change a match.")
    if locked.status != Match.Status.AGREED:
        raise reject(
            "match",
            f"This match is already {locked.get_status_display().lower()}.",
            code="partnership.match_not_agreed",
        )
    locked.status = Match.Status.CANCELLED
    locked.delivery_note = _text(note, field="note", what="the note", required=False)
    locked.save(update_fields=["status", "delivery_note", "updated_at"])
    events.match_cancelled(match=locked, actor=actor)
    return locked


# --- The partnership survey -----------------------------------------------------------------------------------------

# IT's three questions: every new round starts with them (keys match them across rounds).
DEFAULT_QUESTIONS = [
    ("know_more", "What about the other department do you want to know more about?", ""),
    (
        "student_technology",
        "What issues do our students face with technology?",
        SurveyQuestion.Evidence.TECH_CATEGORIES,
    ),
    ("infrastructure", "How can infrastructure better support you?", ""),
]


@transaction.atomic
def survey_round_create(
    *,
    actor: User,
    title: str,
    period_start: dt.date | str,
    period_end: dt.date | str,
    allows_anonymous: bool = True,
    extra_questions: Iterable[str] = (),
) -> SurveyRound:
    """A new round (a draft) with IT's three questions, plus any the supervisor adds."""
    _require(policy.can_manage_survey(actor), "Only supervisors run the survey.")
    start = _date(period_start, field="period_start", what="the first day of the term")
    end = _date(period_end, field="period_end", what="the day after the term")
    assert start is not None and end is not None
    if end <= start:
        raise reject("period_end", "The term must end after it starts.", code="partnership.period_invalid")
    survey_round = SurveyRound.objects.create(
        title=_text(title, field="title", what="a title", limit=120),
        period_start=start,
        period_end=end,
        allows_anonymous=bool(allows_anonymous),
        created_by=actor,
    )
    questions = [
        SurveyQuestion(round=survey_round, key=k, order=i, text=t, evidence=e)
        for i, (k, t, e) in enumerate(DEFAULT_QUESTIONS)
    ]
    for offset, text in enumerate(q for q in extra_questions if str(q).strip()):
        order = len(DEFAULT_QUESTIONS) + offset
        questions.append(
            SurveyQuestion(
                round=survey_round,
                key=f"extra-{order + 1}",
                order=order,
                text=_text(text, field="extra_questions", what="the question", limit=300),
            )
        )
    SurveyQuestion.objects.bulk_create(questions)
    events.survey_round_changed(survey_round=survey_round, actor=actor, kind="survey_round_created")
    return survey_round


_ROUND_MOVES = {
    SurveyRound.Status.DRAFT: (SurveyRound.Status.OPEN,),
    SurveyRound.Status.OPEN: (SurveyRound.Status.CLOSED,),
    SurveyRound.Status.CLOSED: (),
}


def _move_round(*, actor: User, survey_round: SurveyRound, to: str) -> SurveyRound:
    _require(policy.can_manage_survey(actor), "Only supervisors run the survey.")
    locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if to not in _ROUND_MOVES[SurveyRound.Status(locked.status)]:
        raise reject(
            "status",
            f"A {locked.get_status_display().lower()} round cannot become {SurveyRound.Status(to).label.lower()}.",
            code="partnership.round_transition",
        )
    locked.status = to
    if to == SurveyRound.Status.OPEN:
        locked.opened_at = timezone.now()
    else:
        locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "opened_at", "closed_at", "updated_at"])
    kind = "survey_round_opened" if to == SurveyRound.Status.OPEN else "survey_round_closed"
    events.survey_round_changed(survey_round=locked, actor=actor, kind=kind)
    return locked


@transaction.atomic
def survey_round_open(*, actor: User, survey_round: SurveyRound) -> SurveyRound:
    return _move_round(actor=actor, survey_round=survey_round, to=SurveyRound.Status.OPEN)


@transaction.atomic
def survey_round_close(*, actor: User, survey_round: SurveyRound) -> SurveyRound:
    return _move_round(actor=actor, survey_round=survey_round, to=SurveyRound.Status.CLOSED)


@transaction.atomic
def survey_respond(
    *, actor: User, survey_round: SurveyRound, answers: Mapping[Any, Any], anonymous: bool = False
) -> SurveyResponse:
    """One person's answers to an open round, once. Anonymous: the response keeps no
    respondent and no department, only the day; a separate participation row (no time, no
    link) stops a second response."""
    _require(policy.can_answer_survey(actor), "Your role does not answer the partnership survey.")
    locked = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if locked.status != SurveyRound.Status.OPEN:
        raise reject("round", "This round is not open for answers.", code="partnership.round_not_open")
    if anonymous and not locked.allows_anonymous:
        raise reject("anonymous", "This round takes named answers only.", code="partnership.anonymous_not_allowed")
    questions = {q.pk: q for q in locked.questions.all()}
    cleaned: dict[int, str] = {}
    for key, body in answers.items():
        try:
            question_id = int(key)
        except (TypeError, ValueError):
            question_id = -1
        if question_id not in questions:
            raise reject(
                "answers", "An answer names a question that is not in this round.", code="partnership.question_unknown"
            )
        text = _text(body, field=f"question_{question_id}", what="your answer", required=False)
        if text:
            cleaned[question_id] = text
    if not cleaned:
        raise reject("answers", "Answer at least one question.", code="partnership.answer_required")
    try:
        with transaction.atomic():
            SurveyParticipation.objects.create(round=locked, person=actor)
    except IntegrityError:
        raise reject("round", "You already answered this round.", code="partnership.already_answered") from None
    response = SurveyResponse.objects.create(
        round=locked,
        is_anonymous=bool(anonymous),
        respondent=None if anonymous else actor,
        department=None if anonymous else actor.department,
        submitted_on=timezone.localdate(),
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=question_id, body=text) for question_id, text in cleaned.items()
    )
    events.survey_answered(survey_round=locked, actor=actor, anonymous=bool(anonymous))
    return response


# --- Rollouts -------------------------------------------------------------------------------------------------------


def _clean_rollout(data: Mapping[str, Any], *, current: Rollout | None = None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], field="title", what="a title", limit=TITLE_MAX)
    if "kind" in data:
        clean["kind"] = _choice(
            data["kind"], Rollout.Kind, field="kind", code="partnership.kind_invalid", what="a kind"
        )
    if "description" in data:
        clean["description"] = _text(data["description"], field="description", what="the description", required=False)
    if "starts_on" in data:
        clean["starts_on"] = _date(data["starts_on"], field="starts_on", what="the start date")
    if "ends_on" in data:
        clean["ends_on"] = _date(data["ends_on"], field="ends_on", required=False)
    if "effect_on_library" in data:
        clean["effect_on_library"] = _text(
            data["effect_on_library"],
            field="effect_on_library",
            what="the expected effect on library spaces and services",
        )
    if "affected_services" in data:
        clean["affected_services"] = _text(
            data["affected_services"],
            field="affected_services",
            what="the affected services",
            limit=300,
            required=False,
        )
    if "status" in data:
        clean["status"] = _choice(
            data["status"], Rollout.Status, field="status", code="partnership.status_invalid", what="a status"
        )
    starts = clean.get("starts_on", current.starts_on if current else None)
    ends = clean.get("ends_on", current.ends_on if current else None)
    if starts and ends and ends < starts:
        raise reject("ends_on", "The end date is before the start date.", code="partnership.dates_invalid")
    return clean


@transaction.atomic
def rollout_create(
    *,
    actor: User,
    title: str,
    kind: str,
    starts_on: dt.date | str,
    effect_on_library: str,
    ends_on: dt.date | str | None = None,
    description: str = "",
    affected_services: str = "",
) -> Rollout:
    """IT plans a change. Until the library's consultation is recorded it is flagged."""
    _require(policy.can_plan_rollout(actor), "IT staff plan rollouts.")
    clean = _clean_rollout(
        {
            "title": title,
            "kind": kind,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "description": description,
            "effect_on_library": effect_on_library,
            "affected_services": affected_services,
        }
    )
    department = actor.department
    if department is None or department.kind != "it":
        department = accounts_selectors.department_list().filter(kind="it").order_by("pk").first()
    if department is None:
        raise reject("department", "No IT department is set up.", code="partnership.department_required")
    rollout = Rollout.objects.create(**clean, department=department, created_by=actor)
    events.rollout_planned(rollout=rollout, actor=actor)
    return rollout


@transaction.atomic
def rollout_update(*, actor: User, rollout: Rollout, data: Mapping[str, Any]) -> Rollout:
    """Change a planned rollout. A new start date clears an earlier flag, so an unconsulted
    change is flagged again before its new date."""
    locked = Rollout.objects.select_for_update().get(pk=rollout.pk)
    _require(policy.can_edit_rollout(actor, locked), "Only the IT department that planned it changes a rollout.")
    clean = _clean_rollout(data, current=locked)
    if "starts_on" in clean and clean["starts_on"] != locked.starts_on:
        clean["flagged_at"] = None
    locked, before = model_update(
        instance=locked,
        fields=[
            "title",
            "kind",
            "description",
            "starts_on",
            "ends_on",
            "effect_on_library",
            "affected_services",
            "status",
            "flagged_at",
        ],
        data=clean,
    )
    if before:
        events.rollout_changed(rollout=locked, actor=actor, before=before)
    return locked


@transaction.atomic
def rollout_record_consultation(
    *,
    actor: User,
    rollout: Rollout,
    consulted_on: dt.date | str,
    library_response: str,
    consulted_with: str = "",
) -> Rollout:
    """The library says when it was consulted, with whom, and what it said."""
    locked = Rollout.objects.select_for_update().get(pk=rollout.pk)
    _require(policy.can_record_consultation(actor, locked), "Library staff record the library's consultation.")
    locked.consulted_on = _date(
        consulted_on, field="consulted_on", allow_future=False, what="the day the library was consulted"
    )
    locked.library_response = _text(library_response, field="library_response", what="what the library said")
    locked.consulted_with = _text(
        consulted_with, field="consulted_with", what="who was consulted", limit=200, required=False
    )
    locked.consultation_recorded_by = actor
    locked.save(
        update_fields=["consulted_on", "library_response", "consulted_with", "consultation_recorded_by", "updated_at"]
    )
    events.rollout_consulted(rollout=locked, actor=actor)
    return locked


@transaction.atomic
def rollouts_flag_unconsulted(*, today: dt.date | None = None) -> int:
    """A system job (no actor), run daily: tell both sides, once, about each planned rollout
    that starts within FLAG_DAYS and has no consultation recorded. Returns how many."""
    due = list(selectors.rollouts_needing_flag(today=today).select_for_update())
    if not due:
        return 0
    library_emails = [
        d.contact_email for d in accounts_selectors.department_list().filter(kind="library") if d.contact_email
    ]
    now = timezone.now()
    for rollout in due:
        rollout.flagged_at = now
        rollout.save(update_fields=["flagged_at", "updated_at"])
        recipients = sorted(
            {*library_emails, *([rollout.department.contact_email] if rollout.department.contact_email else [])}
        )
        events.rollout_flagged(rollout=rollout, recipients=recipients)
    return len(due)


@transaction.atomic
def calendar_link_make(*, actor: User) -> str:
    """A new secret link to the rollout calendar for this person; any older link stops
    working. The token is returned once and only its SHA-256 is stored."""
    _require(policy.can_view_rollouts(actor), "Your role does not show the rollout calendar.")
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.update_or_create(
        user=actor, defaults={"token_hash": selectors.hash_calendar_token(token), "created_at": timezone.now()}
    )
    events.calendar_link_made(actor=actor)
    return token


# --- Requests for library resources ---------------------------------------------------------------------------------


@transaction.atomic
def resource_request_create(
    *,
    actor: User,
    kind: str,
    title: str,
    details: str = "",
    needed_by: dt.date | str | None = None,
) -> ResourceRequest:
    """Staff of a department other than the library ask it for material for their own work."""
    _require(
        policy.can_request_resources(actor), "Staff of departments other than the library ask for library resources."
    )
    request = ResourceRequest.objects.create(
        requester=actor,
        department=_actor_department(actor),
        kind=_choice(kind, ResourceRequest.Kind, field="kind", code="partnership.kind_invalid", what="a kind"),
        title=_text(title, field="title", what="what you need", limit=TITLE_MAX),
        details=_text(details, field="details", what="the details", required=False),
        needed_by=_date(needed_by, field="needed_by", required=False),
    )
    events.resource_request_changed(request=request, actor=actor, kind="resource_requested")
    return request


def _lock_open_request(*, actor: User, request: ResourceRequest) -> ResourceRequest:
    _require(policy.can_handle_resource_requests(actor), "The library handles requests for its resources.")
    locked = ResourceRequest.objects.select_for_update().get(pk=request.pk)
    if not locked.is_open:
        raise reject(
            "request",
            f"This request is already {locked.get_status_display().lower()}.",
            code="partnership.request_not_open",
        )
    return locked


@transaction.atomic
def resource_request_triage(*, actor: User, request: ResourceRequest, note: str = "") -> ResourceRequest:
    """The library takes the request on (and may say how)."""
    locked = _lock_open_request(actor=actor, request=request)
    locked.status = ResourceRequest.Status.TRIAGED
    locked.triage_note = _text(note, field="note", what="the note", required=False)
    locked.handled_by = actor
    locked.handling_department = _actor_department(actor)
    locked.triaged_at = timezone.now()
    locked.save(
        update_fields=["status", "triage_note", "handled_by", "handling_department", "triaged_at", "updated_at"]
    )
    events.resource_request_changed(request=locked, actor=actor, kind="resource_triaged")
    return locked


def _close_request(
    *, actor: User, request: ResourceRequest, status: str, note: str, hours: Any = None
) -> ResourceRequest:
    locked = _lock_open_request(actor=actor, request=request)
    what = "how it was fulfilled" if status == ResourceRequest.Status.FULFILLED else "why it is declined"
    text = _CONTROL.sub("", str(note or "")).strip()
    if not text:
        raise reject("note", f"Say {what}: the requester reads this note.", code="partnership.note_required")
    locked.status = status
    locked.outcome_note = _text(text, field="note", what="the note")
    locked.hours = _hours(hours, maximum=Decimal("1000"))
    locked.handled_by = actor
    locked.handling_department = _actor_department(actor)
    locked.closed_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "outcome_note",
            "hours",
            "handled_by",
            "handling_department",
            "closed_at",
            "updated_at",
        ]
    )
    events.resource_request_changed(
        request=locked,
        actor=actor,
        kind="resource_fulfilled" if status == ResourceRequest.Status.FULFILLED else "resource_declined",
    )
    return locked


@transaction.atomic
def resource_request_fulfil(
    *, actor: User, request: ResourceRequest, note: str, hours: Decimal | str | None = None
) -> ResourceRequest:
    """Fulfilled: it counts in the ledger (the library gave the requesting department)."""
    return _close_request(actor=actor, request=request, status=ResourceRequest.Status.FULFILLED, note=note, hours=hours)


@transaction.atomic
def resource_request_decline(*, actor: User, request: ResourceRequest, note: str) -> ResourceRequest:
    return _close_request(actor=actor, request=request, status=ResourceRequest.Status.DECLINED, note=note)


# --- Skills exchange ---------------------------------------------------------------------------------------------------


@transaction.atomic
def skill_create(*, actor: User, title: str, description: str = "", level: str = Skill.Level.BASICS) -> Skill:
    """List something you can teach."""
    _require(policy.can_list_skill(actor), "Your role does not list skills.")
    title = _text(title, field="title", what="what you can teach", limit=120)
    if Skill.objects.filter(person=actor, title__iexact=title).exists():
        raise reject("title", "You already list a skill with that title.", code="partnership.skill_exists")
    skill = Skill.objects.create(
        person=actor,
        title=title,
        description=_text(description, field="description", what="the description", required=False),
        level=_choice(level, Skill.Level, field="level", code="partnership.kind_invalid", what="a level"),
    )
    events.skill_changed(skill=skill, actor=actor, kind="skill_listed")
    return skill


@transaction.atomic
def skill_update(*, actor: User, skill: Skill, data: Mapping[str, Any]) -> Skill:
    _require(policy.can_edit_skill(actor, skill), "Only the person who teaches it changes a skill.")
    clean: dict[str, Any] = {}
    if "title" in data:
        clean["title"] = _text(data["title"], field="title", what="what you can teach", limit=120)
        if Skill.objects.filter(person_id=skill.person_id, title__iexact=clean["title"]).exclude(pk=skill.pk).exists():
            raise reject("title", "You already list a skill with that title.", code="partnership.skill_exists")
    if "description" in data:
        clean["description"] = _text(data["description"], field="description", what="the description", required=False)
    if "level" in data:
        clean["level"] = _choice(
            data["level"], Skill.Level, field="level", code="partnership.kind_invalid", what="a level"
        )
    if "is_active" in data:
        clean["is_active"] = bool(data["is_active"])
    skill, before = model_update(instance=skill, fields=["title", "description", "level", "is_active"], data=clean)
    if before:
        events.skill_changed(skill=skill, actor=actor, kind="skill_changed")
    return skill


@transaction.atomic
def skill_session_record(
    *,
    actor: User,
    skill: Skill,
    held_on: dt.date | str,
    hours: Decimal | str,
    attendee_department: Department_,
    attendees: int | str = 1,
    note: str = "",
) -> SkillSession:
    """A session given. When the teacher's department differs from the attendees', it counts
    in the ledger (the teacher's department gave)."""
    _require(policy.can_record_session(actor, skill), "The teacher, or a supervisor, records a session.")
    if not skill.is_active:
        raise reject("skill", "This skill is no longer offered.", code="partnership.skill_inactive")
    teacher_department = skill.person.department
    if teacher_department is None:
        raise reject(
            "skill",
            "The teacher has no department; ask an administrator to set it.",
            code="partnership.department_required",
        )
    try:
        attendee_count = int(str(attendees).strip())
    except (TypeError, ValueError):
        attendee_count = 0
    if not 1 <= attendee_count <= 500:
        raise reject(
            "attendees", "Give the number of people who came, from 1 to 500.", code="partnership.attendees_invalid"
        )
    session_hours = _hours(hours, maximum=Decimal("24"), required=True)
    if session_hours is None or session_hours <= 0:
        raise reject("hours", "A session lasts more than 0 hours.", code="partnership.hours_invalid")
    session = SkillSession.objects.create(
        skill=skill,
        taught_by=skill.person,
        teacher_department=teacher_department,
        attendee_department=_department(attendee_department, field="attendee_department"),
        held_on=_day(held_on, field="held_on", allow_future=False, what="the day it was held"),
        hours=session_hours,
        attendees=attendee_count,
        note=_text(note, field="note", what="the note", required=False),
        recorded_by=actor,
    )
    events.skill_session_recorded(session=session, actor=actor)
    return session
