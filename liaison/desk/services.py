"""Writes for the desk: building, logging, undoing and correcting interactions.

Idempotency: every interaction carries a `client_id` made by the client. `interaction_log`
inserts inside a savepoint and relies on the unique constraint; when the id is already
stored (a re-send, a double click, two tabs flushing the same offline queue at once) it
compares a fingerprint of the content and either returns the stored row (`created=False`)
or refuses with `ClientIdConflict`. There is no read-then-write race to lose.

Logging is high-volume and is not audited; undo and edits are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from liaison.audit.services import audit_record, snapshot
from liaison.core import counts, refcache
from liaison.core.errors import reject
from liaison.desk import policy, stats
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
}
# A service point's kind (places' ServicePoint.Kind values) → the usual mode there.
_MODE_FOR_POINT_KIND: dict[str, str] = {
    "chat": Interaction.Mode.CHAT,
    "phone": Interaction.Mode.PHONE,
    "email": Interaction.Mode.EMAIL,
}


class ClientIdConflict(ValidationError):
    """The client id is already stored for a different interaction. The API answers 409."""


# --- Privacy -------------------------------------------------------------------------------

# Written so that Python's `re` and JavaScript's RegExp read them the same way: the desk
# screen receives these sources (json_script) and warns while the note is being typed.
PRIVACY_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "an e-mail address"),
    (
        "phone",
        r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b|\b\d{3}[.-]\d{4}\b",
        "a phone number",
    ),
    ("id_number", r"(?<!\d)\d{7,}(?!\d)", "a long number (a student or ID number?)"),
)
_PRIVACY_COMPILED = [(key, re.compile(pattern), label) for key, pattern, label in PRIVACY_PATTERNS]


def privacy_warning_text(label: str) -> str:
    return f"The note looks like it holds {label}. Desk statistics keep no patron identity: remove it unless it belongs to an office or service."


def note_privacy_warnings(note: str) -> list[str]:
    """Warnings (not errors) when a note looks like it names a patron: e-mail, phone, ID."""
    return [privacy_warning_text(label) for _key, pattern, label in _PRIVACY_COMPILED if pattern.search(note or "")]


# --- Building ------------------------------------------------------------------------------


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
    recorded_by=None,
    source: str = "desk",
) -> Interaction:
    """Validate one interaction and return it UNSAVED, with its tags on `.pending_tags`.

    Accepts model instances or slugs/ids (names too) for the service point, kind, tech
    category, tags and referral. Instances are taken as given; slugs and ids must name
    something still in use, except for imports (`source="import:…"`), which may carry
    history. `mode=None` means the service point's usual mode (chat for a chat service…).
    Every problem is reported at once: ValidationError({field: reason}).
    Importers call this per row and save the batch with `interactions_bulk_create`.
    """
    errors: dict[str, str] = {}
    now = timezone.now()
    is_import = isinstance(source, str) and source.startswith("import:")

    def attempt(fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            errors.update({key: " ".join(messages) for key, messages in exc.message_dict.items()})
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
        errors["source"] = f"Source must be desk, api or import:<name>; got {source!r}."
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
    )
    interaction.pending_tags = tag_objs
    interaction.occurred_at_given = moment is not None
    interaction.content_fingerprint = content_fingerprint(interaction, tag_objs)
    return interaction


def _client_id(value) -> uuid.UUID:
    if value is None or value == "":
        raise ValidationError({"client_id": "An id made by the client is required, so that a re-send is stored once."})
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError, TypeError):
        raise ValidationError({"client_id": f"Give a UUID made by the client; got {str(value)[:60]!r}."}) from None


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
    if row is None and text.isdigit():
        row = model.objects.filter(pk=int(text)).first()
    return row


def _read_level(value) -> int:
    if value is None or value == "":
        raise ValidationError({"read_level": "Choose a READ level, 1–6."})
    if isinstance(value, bool):
        raise ValidationError({"read_level": f"READ level must be 1–6; got {value!r}."})
    if isinstance(value, int):
        number = value
    else:
        match = _WHOLE_NUMBER.match(str(value))
        if not match:
            raise ValidationError({"read_level": f"READ level must be 1–6; got {str(value)[:20]!r}."})
        number = int(match.group(1))
    if not 1 <= number <= 6:
        raise ValidationError({"read_level": f"READ level must be 1–6; got {number}."})
    return number


def _mode(value, point: ServicePoint | None) -> str:
    if value is None or value == "":
        return default_mode_for(point) if point is not None else Interaction.Mode.IN_PERSON
    key = re.sub(r"[\s-]+", "_", str(value).strip().lower())
    if key in _MODE_ALIASES:
        return _MODE_ALIASES[key]
    choices = ", ".join(Interaction.Mode.values)
    raise ValidationError({"mode": f"Unknown mode {str(value)[:30]!r}; use one of {choices}."})


def _tags(values, *, inactive: bool) -> list[TopicTag]:
    if values is None:
        return []
    if isinstance(values, str | int | TopicTag):
        values = [values]
    values = [v for v in values if v not in (None, "")]
    if len(values) > MAX_TAGS:
        raise ValidationError({"tags": f"Use at most {MAX_TAGS} tags; got {len(values)}."})
    given = [v for v in values if isinstance(v, TopicTag)]
    wanted = [str(v).strip() for v in values if not isinstance(v, TopicTag)]
    found: list[TopicTag] = []
    if wanted:
        lowered = {w.lower() for w in wanted}
        ids = {int(w) for w in wanted if w.isdigit()}
        rows = list(TopicTag.objects.filter(Q(slug__in=lowered) | Q(name__in=wanted) | Q(pk__in=ids)))
        for text in wanted:
            match = next(
                (t for t in rows if t.slug == text.lower() or t.name.lower() == text.lower() or str(t.pk) == text), None
            )
            if match is None:
                raise ValidationError({"tags": f"Unknown tag {text[:60]!r}."})
            if not match.is_active and not inactive:
                raise ValidationError({"tags": f"The tag {match.slug!r} is no longer in use."})
            found.append(match)
    unique: dict[int, TopicTag] = {}
    for tag in [*given, *found]:
        unique.setdefault(tag.pk, tag)
    return list(unique.values())


def _note(value) -> str:
    text = _CONTROL.sub("", str(value or "")).strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError({"note": f"Keep the note to {MAX_NOTE_LENGTH} characters; it has {len(text)}."})
    return text


def _referral(value, *, inactive: bool) -> DirectoryEntry:
    if isinstance(value, _DIRECTORY_ENTRY_MODEL):
        return value  # type: ignore[return-value]
    text = str(value).strip()
    entry = None
    if text.isdigit():
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
        raise ValidationError({"duration_minutes": f"Duration must be a number of minutes; got {value!r}."})
    if isinstance(value, int):
        minutes = value
    else:
        match = _WHOLE_NUMBER.match(str(value))
        if not match:
            raise ValidationError(
                {"duration_minutes": f"Duration must be a whole number of minutes; got {str(value)[:20]!r}."}
            )
        minutes = int(match.group(1))
    if not 0 <= minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(
            {"duration_minutes": f"Duration must be 0–{MAX_DURATION_MINUTES} minutes; got {minutes}."}
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
            raise ValidationError(
                {"occurred_at": f"Give the time as ISO 8601, e.g. 2025-03-04T10:15:00-05:00; got {value[:40]!r}."}
            )
    if not isinstance(moment, dt.datetime):
        raise ValidationError({"occurred_at": "Give a date and a time."})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    moment = moment.replace(microsecond=0)
    if moment > now + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": "That time is in the future; an interaction is logged once it happened."})
    return moment


# --- Logging -------------------------------------------------------------------------------


def interaction_log(
    *,
    actor: User,
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
    source: str = "desk",
) -> tuple[Interaction, bool]:
    """Store an interaction once per client id. Returns (interaction, created).

    The same id with the same content returns the stored row and created=False; the same id
    with different content (or from someone else) raises ClientIdConflict. Safe when two
    requests with one id race: the unique constraint decides, inside a savepoint.
    The atomic block is the transaction (or a savepoint when the caller has one open), so
    the row and its tags are written together or not at all.
    """
    if not policy.can_log_interaction(actor):
        raise PermissionDenied("Only desk staff log interactions.")
    candidate = interaction_build(
        service_point=service_point,
        kind=kind,
        read_level=read_level,
        mode=mode,
        client_id=client_id,
        occurred_at=occurred_at,
        duration_minutes=duration_minutes,
        tech_category=tech_category,
        tags=tags,
        note=note,
        referred_to=referred_to,
        recorded_by=actor,
        source=source,
    )
    late = counts.is_late(candidate.occurred_at)
    try:
        if candidate.pending_tags or late or transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # the row and its tags together (a savepoint inside a caller's transaction)
                candidate.save(force_insert=True)
                _attach_tags([candidate])
                if late:  # back-dated into an hour the count tables may have filled
                    counts.touch(stats.INTERACTIONS, candidate.occurred_at)
        else:
            # One INSERT is atomic on its own; without a transaction around it the desk's
            # busiest write skips two round trips (BEGIN and COMMIT).
            candidate.save(force_insert=True)
    except IntegrityError:
        existing = (
            Interaction.objects.select_related("service_point", "kind", "tech_category", "referred_to")
            .filter(client_id=candidate.client_id)
            .first()
        )
        if existing is None:
            raise  # some other constraint: a bug, not a re-send
        candidate.pk = None
        _check_replay(existing, candidate)
        return existing, False
    return candidate, True


def _check_replay(existing: Interaction, candidate: Interaction) -> None:
    conflict = ClientIdConflict(
        {"client_id": "This id was already used for a different interaction; a new entry needs a new id."}
    )
    if existing.recorded_by_id and candidate.recorded_by_id and existing.recorded_by_id != candidate.recorded_by_id:
        raise conflict
    fingerprint = candidate.content_fingerprint
    if not candidate.occurred_at_given:  # "now" differs on every send: compare the rest
        fingerprint = content_fingerprint(candidate, candidate.pending_tags, occurred_at=existing.occurred_at)
    if fingerprint != existing.content_fingerprint:
        raise conflict


def _attach_tags(interactions: Sequence[Interaction]) -> None:
    through = Interaction.tags.through
    rows = [
        through(interaction_id=i.pk, topictag_id=tag.pk) for i in interactions for tag in getattr(i, "pending_tags", [])
    ]
    if rows:
        through.objects.bulk_create(rows, batch_size=500)


@dataclass
class BulkCreateResult:
    created: list[Interaction] = field(default_factory=list)
    unchanged: int = 0  # already stored with the same content (a re-import)
    conflicting: list[uuid.UUID] = field(default_factory=list)  # already stored with other content


@transaction.atomic
def interactions_bulk_create(interactions: Sequence[Interaction], *, batch_size: int = 500) -> BulkCreateResult:
    """Save interactions made by `interaction_build`, with their tags, in bulk.

    Ids already stored are not written again: the same content counts as `unchanged`, other
    content is listed in `conflicting` (the caller decides whether that aborts its import;
    raising inside its own transaction rolls everything back). Repeated ids within the batch
    are stored once.
    """
    result = BulkCreateResult()
    stored: dict[uuid.UUID, str] = {}
    ids = [i.client_id for i in interactions]
    for start in range(0, len(ids), 900):
        stored.update(
            Interaction.objects.filter(client_id__in=ids[start : start + 900]).values_list(
                "client_id", "content_fingerprint"
            )
        )
    fresh: dict[uuid.UUID, Interaction] = {}
    for interaction in interactions:
        if interaction.client_id in stored:
            if stored[interaction.client_id] == interaction.content_fingerprint:
                result.unchanged += 1
            else:
                result.conflicting.append(interaction.client_id)
        elif interaction.client_id in fresh:
            if fresh[interaction.client_id].content_fingerprint == interaction.content_fingerprint:
                result.unchanged += 1
            else:
                result.conflicting.append(interaction.client_id)
        else:
            fresh[interaction.client_id] = interaction
    created = Interaction.objects.bulk_create(list(fresh.values()), batch_size=batch_size)
    for saved, built in zip(created, fresh.values(), strict=True):
        saved.pending_tags = getattr(built, "pending_tags", [])
    _attach_tags(created)
    if created:  # an import of past entries: the count tables recount from the earliest
        counts.touch(stats.INTERACTIONS, min(i.occurred_at for i in created))
    result.created = created
    return result


# --- Undo and corrections ------------------------------------------------------------------


def _require_may_change(actor: User, interaction: Interaction, *, verb: str) -> None:
    """policy.can_change_interaction, said as a reason to the logger after the window, else a 403."""
    if policy.can_change_interaction(actor, interaction):
        return
    if not policy.is_logger(actor, interaction):
        raise PermissionDenied(f"Only the person who logged this entry, or a supervisor, can {verb} it.")
    minutes = int((timezone.now() - interaction.logged_at).total_seconds() // 60)
    raise reject(
        "client_id",
        f"You can {verb} an entry for 2 minutes after logging it; this one was logged "
        f"{minutes} minute{'s' if minutes != 1 else ''} ago. Ask a supervisor to correct it.",
        code="desk.undo_window_closed",
    )


@transaction.atomic
def interaction_undo(*, actor: User, interaction: Interaction) -> None:
    """Remove an entry: the person who logged it, within 2 minutes; a supervisor, any time."""
    _require_may_change(actor, interaction, verb="undo")
    audit_record(actor=actor, action="interaction.undo", obj=interaction, before=_audit_snapshot(interaction))
    counts.touch(stats.INTERACTIONS, interaction.occurred_at)
    try:
        interaction.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError(
            {"client_id": "This entry is linked to other records (a ticket?) and can't be undone."}
        ) from None


EDITABLE_FIELDS = (
    "service_point",
    "kind",
    "read_level",
    "mode",
    "occurred_at",
    "duration_minutes",
    "tech_category",
    "tags",
    "note",
    "referred_to",
)


@transaction.atomic
def interaction_update(*, actor: User, interaction: Interaction, data: dict[str, Any]) -> Interaction:
    """Correct an entry (same rule as undo). `data` holds only the fields that change."""
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: f"{unknown[0]!r} can't be changed."})
    _require_may_change(actor, interaction, verb="correct")
    before = _audit_snapshot(interaction)
    current = {
        "service_point": interaction.service_point,
        "kind": interaction.kind,
        "read_level": interaction.read_level,
        "mode": interaction.mode,
        "occurred_at": interaction.occurred_at,
        "duration_minutes": interaction.duration_minutes,
        "tech_category": interaction.tech_category,
        "tags": list(interaction.tags.all()),
        "note": interaction.note,
        "referred_to": interaction.referred_to,
    }
    checked = interaction_build(
        **{**current, **data},
        client_id=interaction.client_id,
        recorded_by=interaction.recorded_by,
        source=interaction.source,
    )
    for name in EDITABLE_FIELDS:
        if name != "tags":
            setattr(interaction, name, getattr(checked, name))
    interaction.content_fingerprint = content_fingerprint(interaction, checked.pending_tags)
    interaction.save()
    interaction.tags.set(checked.pending_tags)
    counts.touch(stats.INTERACTIONS, current["occurred_at"], interaction.occurred_at)
    audit_record(
        actor=actor, action="interaction.update", obj=interaction, before=before, after=_audit_snapshot(interaction)
    )
    return interaction


def _audit_snapshot(interaction: Interaction) -> dict[str, Any]:
    """The editable fields plus the ones model_to_dict leaves out (client id, both times)."""
    return {
        **snapshot(interaction),
        "client_id": str(interaction.client_id),
        "logged_at": interaction.logged_at.isoformat(),
        "source": interaction.source,
    }


def topic_tag_get_or_create(*, name: str) -> TopicTag:
    """For importers: a tag by name, made if missing (kept inactive so the desk isn't flooded)."""
    from django.utils.text import slugify

    clean = " ".join(str(name or "").split())[:60]
    slug = slugify(clean)[:60]
    if not clean or not slug:
        raise ValidationError({"tags": f"A tag needs a name with letters or digits; got {name!r}."})
    tag = TopicTag.objects.filter(Q(slug=slug) | Q(name__iexact=clean)).first()
    if tag is None:
        tag = TopicTag.objects.create(name=clean, slug=slug, is_active=False)
    return tag
