"""Reads for the referral directory: "Who handles X?", the list with its filters and
referral counts, and what is due for review.

Referral counts come from the desk's interactions through the reverse relation
`referrals` (desk.Interaction.referred_to). This module never imports the desk: it asks the
ORM whether the relation exists, so the directory works before and without the desk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from liaison.core.search import STOP_WORDS, hyphenated_forms, match_strength, search_terms, text_words, words
from liaison.core.text import ascii_digits
from liaison.directory import policy
from liaison.directory.models import DirectoryEntry, split_handles

REFERRAL_WINDOW_DAYS = 90
# The desk's interaction time, in order of preference: when it happened beats when it was typed.
_REFERRAL_TIME_FIELDS = ("occurred_at", "happened_at", "started_at", "logged_at", "created_at")
# Weights: what an entry is called and what it says it handles count most.
_W_NAME, _W_HANDLES, _W_DESCRIPTION = 6.0, 4.0, 1.0
_SEARCH_CANDIDATES = 500


# --- Referral counts -------------------------------------------------------------------


def referral_time_field() -> str | None:
    """The name of the referring interaction's time field, or None when there is no
    `referrals` relation (the desk app is not installed)."""
    try:
        relation = DirectoryEntry._meta.get_field("referrals")
    except FieldDoesNotExist:
        return None
    related = relation.related_model
    for name in _REFERRAL_TIME_FIELDS:
        try:
            related._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return name
    return ""  # the relation exists but has no time: count every referral


def with_referral_counts(entries: QuerySet, *, days: int = REFERRAL_WINDOW_DAYS, now=None) -> QuerySet:
    """Annotate `referral_count` (referrals in the last `days` days) in the same query."""
    field = referral_time_field()
    if field is None:
        return entries.annotate(referral_count=Value(0, output_field=IntegerField()))
    if not field:
        return entries.annotate(referral_count=Count("referrals", distinct=True))
    since = (now or timezone.now()) - dt.timedelta(days=days)
    return entries.annotate(
        referral_count=Count("referrals", filter=Q(**{f"referrals__{field}__gte": since}), distinct=True)
    )


def referral_counts(entry: DirectoryEntry, *, now=None) -> dict[str, int]:
    """Referrals to one entry in the last 30 and 90 days and all time."""
    if referral_time_field() is None:
        return {"days_30": 0, "days_90": 0, "all_time": 0}
    field = referral_time_field()
    now = now or timezone.now()
    referrals = DirectoryEntry.objects.filter(pk=entry.pk)
    if field:
        aggregates = {
            "days_30": Count("referrals", filter=Q(**{f"referrals__{field}__gte": now - dt.timedelta(days=30)})),
            "days_90": Count("referrals", filter=Q(**{f"referrals__{field}__gte": now - dt.timedelta(days=90)})),
            "all_time": Count("referrals"),
        }
    else:
        aggregates = {"days_30": Count("referrals"), "days_90": Count("referrals"), "all_time": Count("referrals")}
    return referrals.aggregate(**aggregates)


# --- "Who handles X?" ------------------------------------------------------------------


@dataclass(frozen=True)
class _Scored:
    entry_id: int
    score: float
    matched_handles: tuple[str, ...]


def _phrase(text: str) -> str:
    """'Who handles E-mail lists?' -> 'email lists': comparable phrases, stop words dropped."""
    return " ".join(w.replace("-", "") for w in words(text) if w not in STOP_WORDS)


def _score(entry: dict, terms: list[str], phrase: str) -> _Scored | None:
    name_words = text_words(entry["name"])
    handles = split_handles(entry["handles"])
    handle_words = [text_words(h) for h in handles]
    all_handle_words = [w for hw in handle_words for w in hw]
    description_words = text_words(entry["description"])
    score, matched_terms = 0.0, 0
    for term in terms:
        best = max(
            _W_NAME * match_strength(term, name_words),
            _W_HANDLES * match_strength(term, all_handle_words),
            _W_DESCRIPTION * match_strength(term, description_words),
        )
        if best:
            matched_terms += 1
            score += best
    if not matched_terms:
        return None
    if matched_terms == len(terms):
        score += 3.0 * len(terms)  # every word found beats some words found often
    matched = tuple(h for h, hw in zip(handles, handle_words, strict=True) if any(match_strength(t, hw) for t in terms))
    if phrase:
        handled = [_phrase(h) for h in handles]
        if phrase in handled or phrase == _phrase(entry["name"]):
            score += 10.0  # exactly what it handles, or its name
        elif " " in phrase and any(phrase in h for h in handled):
            score += 5.0
    if words(entry["name"])[:1] == terms[:1]:
        score += 1.0  # the name starts with the first word typed
    return _Scored(entry["id"], score, matched)


def _rank(entries: QuerySet, query: str) -> list[_Scored]:
    """Score candidate entries in Python with word-prefix matching. The database first
    narrows to rows containing any term, so this stays small however large the directory."""
    terms = search_terms(query)
    if not terms:
        return []
    candidates = Q()
    for term in terms:
        candidates |= Q(name__icontains=term) | Q(handles__icontains=term) | Q(description__icontains=term)
        if len(term) >= 4:  # 'printers' should still find 'printing'
            candidates |= Q(name__icontains=term[:4]) | Q(handles__icontains=term[:4])
        for hyphenated in hyphenated_forms(term):  # 'wifi' finds 'Wi-Fi', 'email' finds 'e-mail'
            candidates |= Q(name__icontains=hyphenated) | Q(handles__icontains=hyphenated)
    rows = entries.filter(candidates).values("id", "name", "handles", "description")[:_SEARCH_CANDIDATES]
    phrase = _phrase(query)
    scored = [s for s in (_score(row, terms, phrase) for row in rows) if s is not None]
    names = {row["id"]: row["name"].lower() for row in rows}
    scored.sort(key=lambda s: (-s.score, names[s.entry_id]))
    return scored


def directory_search(query: str, limit: int = 8, *, with_counts: bool = False) -> list[DirectoryEntry]:
    """Active entries that handle what the query asks about, best first. Each result carries
    `search_score` and `matched_handles` (the handled phrases that matched), and with
    `with_counts` also `referral_count` (last 90 days). Two queries, whatever the size."""
    limit = max(1, min(int(limit), 50))
    ranked = _rank(DirectoryEntry.objects.filter(is_active=True), query)[:limit]
    if not ranked:
        return []
    entries = DirectoryEntry.objects.filter(pk__in=[s.entry_id for s in ranked]).select_related(
        "department", "building"
    )
    if with_counts:
        entries = with_referral_counts(entries)
    by_id = {entry.pk: entry for entry in entries}
    results = []
    for scored in ranked:
        entry = by_id[scored.entry_id]
        entry.search_score = scored.score
        entry.matched_handles = list(scored.matched_handles)
        results.append(entry)
    return results


# --- Lists -----------------------------------------------------------------------------

STATUS_CHOICES = (("active", "Active"), ("retired", "Retired"), ("all", "All"))


def entry_list(
    *,
    query: str = "",
    department_id: int | None = None,
    kind: str = "",
    overdue: bool = False,
    owner_id: int | None = None,
    status: str = "active",
    today: dt.date | None = None,
) -> QuerySet[DirectoryEntry]:
    """The directory list: filtered, ranked by the query when there is one (else by name),
    with `referral_count` for the last 90 days and everything a row shows, in one query."""
    today = today or timezone.localdate()
    entries = DirectoryEntry.objects.all()
    if status == "active":
        entries = entries.filter(is_active=True)
    elif status == "retired":
        entries = entries.filter(is_active=False)
    if department_id:
        entries = entries.filter(department_id=department_id)
    if kind:
        entries = entries.filter(kind=kind)
    if overdue:
        entries = entries.filter(is_active=True, review_by__lt=today)
    if owner_id:
        entries = entries.filter(owner_id=owner_id)
    if query.strip():
        ranked = _rank(entries, query)
        if not ranked:
            return entries.none()
        order = Case(
            *[When(pk=s.entry_id, then=Value(position)) for position, s in enumerate(ranked)],
            output_field=IntegerField(),
        )
        entries = entries.filter(pk__in=[s.entry_id for s in ranked]).order_by(order, "pk")
    else:
        entries = entries.order_by("name", "pk")
    return with_referral_counts(entries.select_related("department", "owner", "building"))


def entries_due_for_review(*, today: dt.date | None = None, owner=None) -> QuerySet[DirectoryEntry]:
    """Active entries whose review-by date has passed, oldest first (optionally one owner's)."""
    today = today or timezone.localdate()
    entries = DirectoryEntry.objects.filter(is_active=True, review_by__lt=today)
    if owner is not None:
        entries = entries.filter(owner=owner)
    return entries.select_related("department", "owner").order_by("review_by", "name")


def entries_due_soon(*, owner, today: dt.date | None = None, days: int = 30) -> QuerySet[DirectoryEntry]:
    """An owner's active entries coming due within `days` days (not yet overdue)."""
    today = today or timezone.localdate()
    return DirectoryEntry.objects.filter(
        is_active=True, owner=owner, review_by__gte=today, review_by__lte=today + dt.timedelta(days=days)
    ).order_by("review_by", "name")


def entry_get(*, pk: int) -> DirectoryEntry:
    """One entry (active or retired) with what its page shows; 404 when absent. No access
    check: pages and the API use `entry_get_for_user`."""
    return get_object_or_404(DirectoryEntry.objects.select_related("department", "owner", "building"), pk=pk)


def entry_get_for_user(*, user: Any, pk: int, for_edit: bool = False) -> DirectoryEntry:
    """One entry (active or retired) with `referral_count` (last 90 days) and what its page
    shows. 404 when there is none or `user` may not read the directory; with `for_edit`, 403
    when they may read it but not change it."""
    entries = DirectoryEntry.objects.select_related("department", "owner", "building").filter(pk=pk)
    entry = with_referral_counts(entries).first() if policy.can_view_entries(user) else None
    if entry is None:
        raise Http404("No such directory entry.")
    if for_edit and not policy.can_edit_entry(user, entry):
        raise PermissionDenied("Only staff may change directory entries.")
    return entry


# --- For other apps (the desk refers to entries; the desk importer matches them) -----------


def entry_find(*, key: DirectoryEntry | int | str) -> DirectoryEntry | None:
    """A referral target by id or slug, active or retired; None when there is none. Every desk
    role may read the directory, so a caller that has checked the role needs no user here."""
    if isinstance(key, DirectoryEntry):
        return key
    text = str(key).strip()
    entry = DirectoryEntry.objects.filter(pk=int(text)).first() if ascii_digits(text) else None
    return entry or DirectoryEntry.objects.filter(slug=text.lower()).first()


def entry_choices(*, active_only: bool = True) -> QuerySet[DirectoryEntry]:
    """Entries for a choice list or a look-up by slug or name (no joins, no counts), by name."""
    entries = DirectoryEntry.objects.order_by("name")
    return entries.filter(is_active=True) if active_only else entries
