"""Building an interaction: every rule an entry obeys, checked in one place for the desk
screen, the API, corrections and importers.

`interaction_build` validates one entry and returns it unsaved (tags on `.pending_tags`);
writes go through `log.py` and `corrections.py`. Every problem is reported at once, each under
its field with a code from `liaison.desk.errors.CODES`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from liaison.core import refcache
from liaison.core.errors import reject
from liaison.core.text import ascii_digits
from liaison.desk.models import (
    MAX_DURATION_MINUTES,
    MAX_NOTE_LENGTH,
    Interaction,
    InteractionKind,
    TechCategory,
    TopicTag,
)
from liaison.directory import selectors as directory_selectors
from liaison.places import selectors as places_selectors

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.directory.models import DirectoryEntry
    from liaison.places.models import ServicePoint

# The models desk rows point at, known through the desk's own foreign keys (never imported).
_SERVICE_POINT_MODEL = Interaction._meta.get_field("service_point").related_model
_DIRECTORY_ENTRY_MODEL = Interaction._meta.get_field("referred_to").related_model

# A desk PC's clock may run a little fast; beyond this, "it happened in the future" is an error.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
MAX_TAGS = 10
# An imported tally row stands for at most this many interactions (a busy desk's year in one cell).
MAX_WEIGHT = 1_000_000
_SOURCE = re.compile(r"^(desk|api|import:[a-z0-9][a-z0-9_.-]{0,49})$")
# Control characters other than tab and newline (PostgreSQL refuses NUL outright).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHOLE_NUMBER = re.compile(r"^\s*\+?(\d+)(?:\.0+)?\s*$")

_MODE_ALIASES = {
    "in_person": Interaction.Mode.IN_PERSON,
    "inperson": Interaction.Mode.IN_PERSON,
    "walk_in": Interaction.Mode.IN_PERSON,
    "face_to_face": Interaction.Mode.IN_PERSON,
    "phone": Interaction.Mode.PHONE,
    "telephone": Interaction.Mode.PHONE,
    "chat": Interaction.Mode.CHAT,
    "im": Interaction.Mode.CHAT,
    "email": Interaction.Mode.EMAIL,
    "e_mail": Interaction.Mode.EMAIL,
    "remote": Interaction.Mode.REMOTE,
    "virtual": Interaction.Mode.REMOTE,
    "video": Interaction.Mode.VIDEO,
    "video_call": Interaction.Mode.VIDEO,
    "zoom": Interaction.Mode.VIDEO,
    "unknown": Interaction.Mode.UNKNOWN,
}
# A service point's kind (places' ServicePoint.Kind values) → the usual mode there.
_MODE_FOR_POINT_KIND: dict[str, str] = {
    "chat": Interaction.Mode.CHAT,
    "phone": Interaction.Mode.PHONE,
    "email": Interaction.Mode.EMAIL,
}


def default_mode_for(service_point: ServicePoint) -> str:
    return _MODE_FOR_POINT_KIND.get(service_point.kind, Interaction.Mode.IN_PERSON)


def content_fingerprint(
    interaction: Interaction, tags: Iterable[TopicTag], occurred_at: dt.datetime | None = None
) -> str:
    """A hash of what was logged (not of who sent it or when it arrived)."""
    moment = occurred_at or interaction.occurred_at
    payload = [
        interaction.service_point_id,
        interaction.kind_id,
        interaction.read_level,
        interaction.tech_category_id,
        interaction.mode,
        sorted(tag.pk for tag in tags),
        interaction.note,
        interaction.referred_to_id,
        interaction.duration_minutes,
        moment.astimezone(dt.UTC).replace(microsecond=0).isoformat(),
    ]
    weight = getattr(interaction, "weight", 1) or 1
    if weight != 1:  # only tallies carry it, so the desk's own fingerprints are unchanged
        payload.append(weight)
    return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()


def interaction_build(
    *,
    service_point: ServicePoint | str | int,
    kind: InteractionKind | str | int,
    read_level: int | str,
    mode: str | None,
    client_id: uuid.UUID | str,
    occurred_at: dt.datetime | str | None = None,
    duration_minutes: int | str | None = None,
    tech_category: TechCategory | str | int | None = None,
    tags: Iterable[TopicTag | str | int] = (),
    note: str = "",
    referred_to: DirectoryEntry | str | int | None = None,
    recorded_by: User | None = None,
    source: str = "desk",
    weight: int = 1,
) -> Interaction:
    """Validate one interaction and return it UNSAVED, with its tags on `.pending_tags`.

    Accepts model instances or slugs/ids (names too) for the service point, kind, tech
    category, tags and referral. Instances are taken as given; slugs and ids must name
    something still in use, except for imports (`source="import:…"`), which may carry
    history. `mode=None` means the service point's usual mode (chat for a chat service…).
    Every problem is reported at once: ValidationError({field: [reason with its code]}).
    Importers call this per row and save the batch with `interactions_bulk_create`.
    """
    errors: dict[str, list[ValidationError]] = {}
    now = timezone.now()
    is_import = isinstance(source, str) and source.startswith("import:")

    def attempt(fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            errors.update(exc.error_dict)  # each field keeps its message and its code
            return None

    parsed_id = attempt(lambda: _client_id(client_id))
    point = attempt(lambda: _service_point(service_point, inactive=is_import))
    kind_obj = attempt(lambda: _resolve(InteractionKind, kind, field="kind", label="kind", inactive=is_import))
    level = attempt(lambda: _read_level(read_level))
    category = None
    if tech_category not in (None, ""):
        category = attempt(
            lambda: _resolve(
                TechCategory, tech_category, field="tech_category", label="technology category", inactive=is_import
            ),
        )
    chosen_mode = attempt(lambda: _mode(mode, point))
    tag_objs = attempt(lambda: _tags(tags, inactive=is_import)) or []
    clean_note = attempt(lambda: _note(note))
    referral = None
    if referred_to not in (None, ""):
        referral = attempt(lambda: _referral(referred_to, inactive=is_import))
    duration = attempt(lambda: _duration(duration_minutes))
    moment = attempt(lambda: _occurred_at(occurred_at, now))
    if not isinstance(source, str) or not _SOURCE.match(source):
        message = f"Source must be desk, api or import:<name>; got {source!r}."
        errors.update(reject("source", message, code="desk.source_invalid").error_dict)
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= MAX_WEIGHT:
        message = f"A row counts as 1 to {MAX_WEIGHT:,} interactions; got {str(weight)[:20]!r}."
        errors.update(reject("weight", message, code="desk.weight_invalid").error_dict)
    if errors:
        raise ValidationError(errors)

    interaction = Interaction(
        client_id=parsed_id,
        service_point=point,
        kind=kind_obj,
        read_level=level,
        tech_category=category,
        mode=chosen_mode,
        note=clean_note,
        referred_to=referral,
        duration_minutes=duration,
        occurred_at=moment or now.replace(microsecond=0),
        logged_at=now,
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
        source=source,
        weight=weight,
    )
    interaction.pending_tags = tag_objs
    interaction.occurred_at_given = moment is not None
    interaction.content_fingerprint = content_fingerprint(interaction, tag_objs)
    return interaction


def _client_id(value) -> uuid.UUID:
    if value is None or value == "":
        raise reject(
            "client_id", "An id made by the client is required, so that a re-send is stored once.", code="desk.required"
        )
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError, TypeError):
        raise reject(
            "client_id", f"Give a UUID made by the client; got {str(value)[:60]!r}.", code="desk.client_id_invalid"
        ) from None


def _resolve(model: type[InteractionKind] | type[TechCategory], value, *, field: str, label: str, inactive: bool):
    """One of the desk's own reference rows (a kind, a technology category)."""
    return _reference(
        value,
        field=field,
        label=label,
        inactive=inactive,
        expected=model,
        find=lambda key: _own_reference(model, key),
        known=lambda: model.objects.filter(is_active=True).values_list("slug", flat=True)[:12],
    )


def _service_point(value, *, inactive: bool) -> ServicePoint:
    return _reference(
        value,
        field="service_point",
        label="service point",
        inactive=inactive,
        expected=_SERVICE_POINT_MODEL,
        find=places_selectors.service_point_by_key,
        known=places_selectors.service_point_slugs,
    )


def _reference(
    value,
    *,
    field: str,
    label: str,
    inactive: bool,
    expected: type[models.Model],
    find: Callable[[Any], Any],
    known: Callable[[], Iterable[str]],
):
    if value is None or value == "":
        raise reject(field, f"Choose a {label}.", code="desk.required")
    if isinstance(value, expected):
        return value  # the caller chose it
    if isinstance(value, models.Model):
        raise reject(field, f"Expected a {label}; got a {value._meta.verbose_name}.", code="desk.wrong_type")
    text = str(value).strip()
    found = find(value) if text else None
    if found is None:
        names = ", ".join(known())
        message = f"Unknown {label} {text[:60]!r}." + (f" Known: {names}." if names else "")
        raise reject(field, message, code="desk.unknown")
    if not found.is_active and not inactive:
        raise reject(field, f"The {label} {found.slug!r} is no longer in use.", code="desk.no_longer_in_use")
    return found


def _own_reference(model: type[InteractionKind] | type[TechCategory], value) -> InteractionKind | TechCategory | None:
    # Small reference tables come from a per-process index first; a miss asks the database.
    found = refcache.lookup(model, value)
    if found is not None:
        return found  # type: ignore[return-value]
    if isinstance(value, int) and not isinstance(value, bool):
        return model.objects.filter(pk=value).first()
    text = str(value).strip()
    row = model.objects.filter(Q(slug=text.lower()) | Q(name__iexact=text)).first()
    if row is None and ascii_digits(text):
        row = model.objects.filter(pk=int(text)).first()
    return row


def _read_level(value) -> int:
    if value is None or value == "":
        raise reject("read_level", "Choose a READ level, 1–6.", code="desk.required")
    if isinstance(value, bool):
        raise reject("read_level", f"READ level must be 1–6; got {value!r}.", code="desk.read_level_invalid")
    if isinstance(value, int):
        number = value
    else:
        match = _WHOLE_NUMBER.match(str(value))
        if not match:
            raise reject(
                "read_level", f"READ level must be 1–6; got {str(value)[:20]!r}.", code="desk.read_level_invalid"
            )
        number = int(match.group(1))
    if not 1 <= number <= 6:
        raise reject("read_level", f"READ level must be 1–6; got {number}.", code="desk.read_level_invalid")
    return number


def _mode(value, point: ServicePoint | None) -> str:
    if value is None or value == "":
        return default_mode_for(point) if point is not None else Interaction.Mode.IN_PERSON
    key = re.sub(r"[\s-]+", "_", str(value).strip().lower())
    if key in _MODE_ALIASES:
        return _MODE_ALIASES[key]
    choices = ", ".join(Interaction.Mode.values)
    raise reject("mode", f"Unknown mode {str(value)[:30]!r}; use one of {choices}.", code="desk.unknown")


def _tags(values, *, inactive: bool) -> list[TopicTag]:
    if values is None:
        return []
    if isinstance(values, str | int | TopicTag):
        values = [values]
    values = [v for v in values if v not in (None, "")]
    if len(values) > MAX_TAGS:
        raise reject("tags", f"Use at most {MAX_TAGS} tags; got {len(values)}.", code="desk.too_many_tags")
    given = [v for v in values if isinstance(v, TopicTag)]
    wanted = [str(v).strip() for v in values if not isinstance(v, TopicTag)]
    found: list[TopicTag] = []
    if wanted:
        lowered = {w.lower() for w in wanted}
        ids = {int(w) for w in wanted if ascii_digits(w)}
        rows = list(TopicTag.objects.filter(Q(slug__in=lowered) | Q(name__in=wanted) | Q(pk__in=ids)))
        for text in wanted:
            match = next(
                (t for t in rows if t.slug == text.lower() or t.name.lower() == text.lower() or str(t.pk) == text), None
            )
            if match is None:
                raise reject("tags", f"Unknown tag {text[:60]!r}.", code="desk.unknown")
            if not match.is_active and not inactive:
                raise reject("tags", f"The tag {match.slug!r} is no longer in use.", code="desk.no_longer_in_use")
            found.append(match)
    unique: dict[int, TopicTag] = {}
    for tag in [*given, *found]:
        unique.setdefault(tag.pk, tag)
    return list(unique.values())


def _note(value) -> str:
    text = _CONTROL.sub("", str(value or "")).strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise reject(
            "note", f"Keep the note to {MAX_NOTE_LENGTH} characters; it has {len(text)}.", code="desk.note_too_long"
        )
    return text


def _referral(value, *, inactive: bool) -> DirectoryEntry:
    if isinstance(value, _DIRECTORY_ENTRY_MODEL):
        return value  # type: ignore[return-value]
    text = str(value).strip()
    entry = None
    if ascii_digits(text):
        try:
            entry = directory_selectors.entry_get(pk=int(text))
        except Http404:
            entry = None
    if entry is None:
        entry = directory_selectors.entry_list(status="all").filter(slug=text.lower()).first()
    if entry is None:
        raise reject("referred_to", f"Unknown directory entry {text[:60]!r}.", code="desk.unknown")
    if not entry.is_active and not inactive:
        raise reject(
            "referred_to", f"The directory entry {entry.name!r} is no longer in use.", code="desk.no_longer_in_use"
        )
    return entry


def _duration(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise reject(
            "duration_minutes", f"Duration must be a number of minutes; got {value!r}.", code="desk.duration_invalid"
        )
    if isinstance(value, int):
        minutes = value
    else:
        match = _WHOLE_NUMBER.match(str(value))
        if not match:
            raise reject(
                "duration_minutes",
                f"Duration must be a whole number of minutes; got {str(value)[:20]!r}.",
                code="desk.duration_invalid",
            )
        minutes = int(match.group(1))
    if not 0 <= minutes <= MAX_DURATION_MINUTES:
        raise reject(
            "duration_minutes",
            f"Duration must be 0–{MAX_DURATION_MINUTES} minutes; got {minutes}.",
            code="desk.duration_invalid",
        )
    return minutes


def _occurred_at(value, now: dt.datetime) -> dt.datetime | None:
    if value is None or value == "":
        return None
    moment = value
    if isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
        if moment is None:
            raise reject(
                "occurred_at",
                f"Give the time as ISO 8601, e.g. 2025-03-04T10:15:00-05:00; got {value[:40]!r}.",
                code="desk.time_invalid",
            )
    if not isinstance(moment, dt.datetime):
        raise reject("occurred_at", "Give a date and a time.", code="desk.time_invalid")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    moment = moment.replace(microsecond=0)
    if moment > now + FUTURE_TOLERANCE:
        raise reject(
            "occurred_at",
            "That time is in the future; an interaction is logged once it happened.",
            code="desk.time_in_future",
        )
    return moment


# --- Many rows at once: imports ---------------------------------------------------------------

_encode = json.encoder.encode_basestring_ascii  # what json.dumps does to a str (ensure_ascii)


class InteractionRow:
    """An interaction built by `InteractionBatch.build`: checked by the rules of
    `interaction_build`, held as plain values rather than a model instance (an import of a
    million rows would spend more on building instances than on checking them). Read like an
    unsaved `Interaction` (the `_id` attributes, `pending_tags`, `get_mode_display`);
    `interactions_bulk_create` and `InteractionCopy` write it. `shape` is the checked values it
    shares with every row of its batch alike but for the time, the note and the count (an
    importer may key what it works out per row by it)."""

    __slots__ = (
        "client_id",
        "content_fingerprint",
        "duration_minutes",
        "import_new_tags",
        "kind",
        "kind_id",
        "logged_at",
        "mode",
        "note",
        "occurred_at",
        "occurred_at_utc",
        "pending_tags",
        "read_level",
        "recorded_by",
        "recorded_by_id",
        "referred_to",
        "referred_to_id",
        "service_point",
        "service_point_id",
        "shape",
        "source",
        "tech_category",
        "tech_category_id",
        "weight",
    )

    def __init__(
        self,
        *,
        client_id: uuid.UUID | str,
        service_point: ServicePoint,
        kind: InteractionKind,
        read_level: int,
        tech_category: TechCategory | None,
        mode: str,
        note: str,
        referred_to: DirectoryEntry | None,
        duration_minutes: int | None,
        weight: int,
        occurred_at: dt.datetime,
        logged_at: dt.datetime,
        recorded_by: User | None,
        source: str,
        content_fingerprint: str,
        pending_tags: list[TopicTag],
        occurred_at_utc: str,
    ) -> None:
        self.client_id = client_id
        self.service_point = service_point
        self.service_point_id = service_point.pk
        self.kind = kind
        self.kind_id = kind.pk
        self.read_level = read_level
        self.tech_category = tech_category
        self.tech_category_id = None if tech_category is None else tech_category.pk
        self.mode = mode
        self.note = note
        self.referred_to = referred_to
        self.referred_to_id = None if referred_to is None else referred_to.pk
        self.duration_minutes = duration_minutes
        self.weight = weight
        self.occurred_at = occurred_at
        self.logged_at = logged_at
        self.recorded_by = recorded_by
        self.recorded_by_id = None if recorded_by is None else recorded_by.pk
        self.source = source
        self.content_fingerprint = content_fingerprint
        self.pending_tags = pending_tags
        self.occurred_at_utc = occurred_at_utc
        self.import_new_tags: list[str] = []
        self.shape: RowShape | None = None

    def get_mode_display(self) -> str:
        return str(Interaction.Mode(self.mode).label)

    def as_model(self) -> Interaction:
        interaction = Interaction(
            client_id=self.client_id,
            service_point=self.service_point,
            kind=self.kind,
            read_level=self.read_level,
            tech_category=self.tech_category,
            mode=self.mode,
            note=self.note,
            referred_to=self.referred_to,
            duration_minutes=self.duration_minutes,
            weight=self.weight,
            occurred_at=self.occurred_at,
            logged_at=self.logged_at,
            recorded_by=self.recorded_by,
            source=self.source,
            content_fingerprint=self.content_fingerprint,
        )
        interaction.pending_tags = self.pending_tags
        return interaction


class RowShape:
    """What a batch's rows alike share, checked once: the service point, kind, READ level,
    category, mode, tags, referral and duration of a combination of given values (or the
    problems with them), and the opening and middle of the fingerprint's JSON text."""

    __slots__ = (
        "category",
        "duration",
        "errors",
        "fingerprint_head",
        "fingerprint_middle",
        "given",
        "kind",
        "level",
        "mode",
        "point",
        "referral",
        "tag_ids",
        "tags",
    )

    def __init__(self, given: tuple[Any, ...], errors: dict[str, str]) -> None:
        self.given = given  # the values as passed: a record keyed by its identity stays alive
        self.errors = errors
        self.point: Any = None
        self.kind: Any = None
        self.level: Any = None
        self.category: Any = None
        self.mode: Any = None
        self.tags: list[TopicTag] = []
        self.tag_ids: list[int] = []
        self.referral: Any = None
        self.duration: Any = None
        self.fingerprint_head = ""
        self.fingerprint_middle = ""


def _json_id(record: models.Model | None) -> str:
    """A record's id as `json.dumps` writes it in the fingerprint (null for none)."""
    return "null" if record is None or record.pk is None else str(record.pk)


_MEMO_LIMIT = 50_000
# Values remembered by what they are; anything else (a record, a list of tags) by its identity.
_VALUE_KEYS = frozenset({str, int, float, tuple, type(None)})
_BY_IDENTITY = object()  # marks a key made of an object's identity (never a value's)
_UTC = dt.UTC
_new_row = InteractionRow.__new__


class InteractionBatch:
    """`interaction_build` for the many rows of one import (one source, one person): the same
    rules, through the same checks, with each distinct value of a field whose check depends
    on the value alone (service point, kind, READ level, category, mode, tags, note, referral,
    duration) checked once per batch and its answer remembered, so a million rows naming two
    desks and six kinds cost two and six look-ups, and a value refused once is refused again
    from memory. Each distinct combination of those values (but the note) is remembered too,
    as a `RowShape`, so a row like an earlier one costs one look-up for all of them. The time,
    the client id and the count are checked on every row.

    `build(...)` answers `(InteractionRow, {})` or `(None, {field: message})`: a refused row
    costs no exception (a quarter of a file may be refused)."""

    def __init__(self, *, source: str, recorded_by: User | None = None):
        self.source = source
        self.recorded_by = recorded_by if getattr(recorded_by, "is_authenticated", False) else None
        self.recorded_by_id = None if self.recorded_by is None else self.recorded_by.pk
        self.is_import = isinstance(source, str) and source.startswith("import:")
        self.aware = settings.USE_TZ  # timezone.now() without asking the settings on every row
        self.source_errors: dict[str, str] = {}
        if not isinstance(source, str) or not _SOURCE.match(source):
            self.source_errors["source"] = f"Source must be desk, api or import:<name>; got {source!r}."
        self._memos: dict[str, dict[Any, tuple[Any, dict[str, str] | None, Any]]] = {
            name: {}
            for name in (
                "service_point",
                "kind",
                "read_level",
                "tech_category",
                "mode",
                "tags",
                "note",
                "referral",
                "duration",
            )
        }
        self._shapes: dict[tuple[Any, ...], RowShape] = {}
        # note → (the note as kept, its JSON text) or (None, the problem)
        self._notes: dict[Any, tuple[str | None, str]] = {}

    def _checked(self, memo_name: str, key: Any, check: Callable[[], Any]) -> tuple[Any, dict[str, str] | None]:
        """The answer of `check()` for this value, from memory after the first time. A record
        (an importer passes the ones it found) is remembered by its identity, and kept with
        the answer so that identity is never another object's."""
        memo = self._memos[memo_name]
        cls = key.__class__
        if cls is bool:  # True == 1: never a key
            return self._check(check)
        memo_key = id(key) if cls not in _VALUE_KEYS else key
        found = memo.get(memo_key)
        if found is None:
            found = (*self._check(check), key)
            if len(memo) < _MEMO_LIMIT:
                memo[memo_key] = found
        return found[0], found[1]

    @staticmethod
    def _check(check: Callable[[], Any]) -> tuple[Any, dict[str, str] | None]:
        try:
            return check(), None
        except ValidationError as exc:
            return None, {name: " ".join(messages) for name, messages in exc.message_dict.items()}

    def _shape(
        self,
        given: tuple[Any, ...],
        service_point: Any,
        kind: Any,
        read_level: Any,
        tech_category: Any,
        mode: Any,
        tag_key: tuple[Any, ...],
        referred_to: Any,
        duration_minutes: Any,
    ) -> RowShape:
        """Check one combination of values, each through its own remembered check."""
        errors: dict[str, str] = {}
        inactive = self.is_import
        checked = self._checked
        shape = RowShape(given, errors)
        point, problem = checked(
            "service_point", service_point, lambda: _service_point(service_point, inactive=inactive)
        )
        if problem:
            errors.update(problem)
        kind_obj, problem = checked(
            "kind",
            kind,
            lambda: _resolve(InteractionKind, kind, field="kind", label="kind", inactive=inactive),
        )
        if problem:
            errors.update(problem)
        level, problem = checked("read_level", read_level, lambda: _read_level(read_level))
        if problem:
            errors.update(problem)
        category = None
        if tech_category not in (None, ""):
            category, problem = checked(
                "tech_category",
                tech_category,
                lambda: _resolve(
                    TechCategory, tech_category, field="tech_category", label="technology category", inactive=inactive
                ),
            )
            if problem:
                errors.update(problem)
        chosen_mode, problem = checked("mode", (mode, id(point)), lambda: _mode(mode, point))
        if problem:
            errors.update(problem)
        tag_objs, problem = checked("tags", tag_key, lambda: _tags(list(tag_key), inactive=inactive))
        if problem:
            errors.update(problem)
        referral = None
        if referred_to not in (None, ""):
            referral, problem = checked("referral", referred_to, lambda: _referral(referred_to, inactive=inactive))
            if problem:
                errors.update(problem)
        duration = None
        if duration_minutes is not None and duration_minutes != "":
            duration, problem = checked("duration", duration_minutes, lambda: _duration(duration_minutes))
            if problem:
                errors.update(problem)
        if errors:
            return shape
        shape.point, shape.kind, shape.level, shape.category = point, kind_obj, level, category
        shape.mode, shape.referral, shape.duration = chosen_mode, referral, duration
        shape.tags = list(tag_objs) if tag_objs else []
        shape.tag_ids = sorted(t.pk for t in shape.tags)
        # `content_fingerprint`'s JSON text up to the note, and from the note to the time.
        ids = [_json_id(point), _json_id(kind_obj), str(level), _json_id(category), _encode(chosen_mode)]
        shape.fingerprint_head = f"[{','.join(ids)},[{','.join(map(str, shape.tag_ids))}],"
        shape.fingerprint_middle = f",{_json_id(referral)},{'null' if duration is None else duration},"
        return shape

    def _note(self, note: Any) -> tuple[str | None, str]:
        known = self._notes.get(note) if note.__class__ is str else None
        if known is None:
            clean, problem = self._checked("note", note, lambda: _note(note))
            known = (None, " ".join(problem.values())) if problem else (clean, _encode(clean))
            if note.__class__ is str and len(self._notes) < _MEMO_LIMIT:
                self._notes[note] = known
        return known

    def build(
        self,
        *,
        service_point: ServicePoint | str | int,
        kind: InteractionKind | str | int,
        read_level: int | str,
        mode: str | None,
        client_id: uuid.UUID | str,
        occurred_at: dt.datetime | str | None = None,
        duration_minutes: int | str | None = None,
        tech_category: TechCategory | str | int | None = None,
        tags: Iterable[TopicTag | str | int] = (),
        note: str = "",
        referred_to: DirectoryEntry | str | int | None = None,
        weight: int = 1,
    ) -> tuple[InteractionRow | None, dict[str, str]]:
        errors: dict[str, str] = {}
        if client_id.__class__ is not uuid.UUID:
            try:
                client_id = _client_id(client_id)
            except ValidationError as exc:
                errors["client_id"] = " ".join(exc.messages)
        tag_key = tuple(tags) if not isinstance(tags, str | int | TopicTag) else (tags,)
        values = _VALUE_KEYS
        given = (
            service_point,
            kind,
            read_level,
            tech_category,
            mode,
            tag_key,
            referred_to,
            duration_minutes,
        )
        key = (
            service_point if service_point.__class__ in values else (_BY_IDENTITY, id(service_point)),
            kind if kind.__class__ in values else (_BY_IDENTITY, id(kind)),
            read_level if read_level.__class__ in values else (_BY_IDENTITY, id(read_level)),
            tech_category if tech_category.__class__ in values else (_BY_IDENTITY, id(tech_category)),
            mode if mode.__class__ in values else (_BY_IDENTITY, id(mode)),
            tag_key,
            referred_to if referred_to.__class__ in values else (_BY_IDENTITY, id(referred_to)),
            duration_minutes if duration_minutes.__class__ in values else (_BY_IDENTITY, id(duration_minutes)),
        )
        shapes = self._shapes
        shape = shapes.get(key)
        if shape is None:
            shape = self._shape(given, *given)
            if len(shapes) < _MEMO_LIMIT:
                shapes[key] = shape
        if shape.errors:
            errors.update(shape.errors)
        clean_note, note_text = self._note(note)
        if clean_note is None:
            errors["note"] = note_text
        now = dt.datetime.now(_UTC) if self.aware else timezone.now()
        moment = None
        if (
            occurred_at.__class__ is dt.datetime
            and not occurred_at.microsecond
            and occurred_at.utcoffset() is not None
            and occurred_at <= now + FUTURE_TOLERANCE
        ):
            moment = occurred_at  # an aware time to the second, not in the future: what _occurred_at keeps
        else:
            try:
                moment = _occurred_at(occurred_at, now)
            except ValidationError as exc:
                errors["occurred_at"] = " ".join(exc.messages)
        if self.source_errors:
            errors.update(self.source_errors)
        if (
            weight.__class__ is not int and (not isinstance(weight, int) or isinstance(weight, bool))
        ) or not 1 <= weight <= MAX_WEIGHT:
            errors["weight"] = f"A row counts as 1 to {MAX_WEIGHT:,} interactions; got {str(weight)[:20]!r}."
        if errors:
            return None, errors
        moment = moment or now.replace(microsecond=0)
        moment_utc = moment.astimezone(_UTC).isoformat()
        point, kind_obj, category, referral = shape.point, shape.kind, shape.category, shape.referral
        row = _new_row(InteractionRow)
        row.client_id = client_id
        row.service_point = point
        row.service_point_id = point.pk
        row.kind = kind_obj
        row.kind_id = kind_obj.pk
        row.read_level = shape.level
        row.tech_category = category
        row.tech_category_id = None if category is None else category.pk
        row.mode = shape.mode
        row.note = clean_note or ""  # a str here: a refused note returned above
        row.referred_to = referral
        row.referred_to_id = None if referral is None else referral.pk
        row.duration_minutes = shape.duration
        row.weight = weight
        row.occurred_at = moment
        row.logged_at = now
        row.recorded_by = self.recorded_by
        row.recorded_by_id = self.recorded_by_id
        row.source = self.source
        row.pending_tags = list(shape.tags) if shape.tags else []  # each row its own list
        row.occurred_at_utc = moment_utc
        row.import_new_tags = []
        row.shape = shape
        # `content_fingerprint`: the shape's JSON text around this row's note, time and count.
        row.content_fingerprint = hashlib.sha256(
            (
                f"{shape.fingerprint_head}{note_text}{shape.fingerprint_middle}{_encode(moment_utc)}"
                + (f",{weight}]" if weight != 1 else "]")
            ).encode()
        ).hexdigest()
        return row, {}
