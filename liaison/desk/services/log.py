"""Logging interactions, once per client id: one from the desk screen or the API
(`interaction_log`), many from an importer (`interactions_bulk_create`).

Idempotency: every interaction carries a `client_id` made by the client. `interaction_log`
inserts inside a savepoint and relies on the unique constraint; when the id is already
stored (a re-send, a double click, two tabs flushing the same offline queue at once) it
compares a fingerprint of the content and either returns the stored row (`created=False`)
or refuses with `ClientIdConflict`. There is no read-then-write race to lose.

Logging is high-volume and is neither audited nor an event: the row is its own record.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.text import slugify

from liaison.core import counts
from liaison.core.errors import reject
from liaison.desk import policy, stats
from liaison.desk.models import Interaction, InteractionKind, TechCategory, TopicTag
from liaison.desk.services.build import InteractionRow, content_fingerprint, interaction_build

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.directory.models import DirectoryEntry
    from liaison.places.models import ServicePoint


class ClientIdConflict(ValidationError):
    """The client id is already stored for a different interaction. The API answers 409
    (code `desk.client_id_reused` on the field, `conflict` on the answer)."""

    def __init__(
        self, message: dict[str, Any] | str | None = None, code: str | None = None, params: dict[str, Any] | None = None
    ) -> None:
        if message is None:
            message = {
                "client_id": ValidationError(
                    "This id was already used for a different interaction; a new entry needs a new id.",
                    code="desk.client_id_reused",
                )
            }
        super().__init__(message, code, params)


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
        conn = transaction.get_connection()
        # On SQLite the INSERT runs in a transaction too: two resends of one entry racing in
        # autocommit let `INSERT … RETURNING` come back with no row and no error (seen in the
        # offline-outbox browser test). BEGIN IMMEDIATE takes the write lock first, so the
        # second waits and meets the unique constraint as it should.
        if candidate.pending_tags or late or conn.in_atomic_block or conn.vendor == "sqlite":
            with transaction.atomic():  # the row and its tags together (a savepoint inside a caller's transaction)
                candidate.save(force_insert=True)
                _attach_tags([candidate])
                if late:  # back-dated into an hour the count tables may have filled
                    counts.touch(stats.ALL, candidate.occurred_at)
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
    if existing.recorded_by_id and candidate.recorded_by_id and existing.recorded_by_id != candidate.recorded_by_id:
        raise ClientIdConflict()
    fingerprint = candidate.content_fingerprint
    if not candidate.occurred_at_given:  # "now" differs on every send: compare the rest
        fingerprint = content_fingerprint(candidate, candidate.pending_tags, occurred_at=existing.occurred_at)
    if fingerprint != existing.content_fingerprint:
        raise ClientIdConflict()


def _attach_tags(interactions: Sequence[Interaction]) -> None:
    through = Interaction.tags.through
    rows = [
        through(interaction_id=i.pk, topictag_id=tag.pk) for i in interactions for tag in getattr(i, "pending_tags", [])
    ]
    if rows:
        through.objects.bulk_create(rows, batch_size=500)


@dataclass
class BulkCreateResult:
    created: list[Interaction | InteractionRow] = field(default_factory=list)
    unchanged: int = 0  # already stored with the same content (a re-import)
    conflicting: list[uuid.UUID | str] = field(default_factory=list)  # already stored with other content


@transaction.atomic
def interactions_bulk_create(
    interactions: Sequence[Interaction | InteractionRow], *, batch_size: int = 500, known_new: bool = False
) -> BulkCreateResult:
    """Save interactions made by `interaction_build` (or rows made by `InteractionBatch`), with
    their tags, in bulk.

    Ids already stored are not written again: the same content counts as `unchanged`, other
    content is listed in `conflicting` (the caller decides whether that aborts its import;
    raising inside its own transaction rolls everything back). Repeated ids within the batch
    are stored once. `known_new=True` (an importer that has just asked which ids are stored)
    skips that look-up: a clash then fails the insert, and the caller's transaction with it.

    On PostgreSQL, rows without tags go in through `COPY` (the table's own bulk path); rows
    with tags through `bulk_create`, which returns their ids for the tag links.

    An importer's building block, without an actor of its own: the import run that calls it
    (the imports app's service) has already checked who may import, and each row's
    `recorded_by` was set by `interaction_build`.
    """
    result = BulkCreateResult()
    stored: dict[str, str] = {}  # by the id as text: a batch's rows may carry theirs as text
    ids = [i.client_id for i in interactions]
    if not known_new:
        for start in range(0, len(ids), 900):
            found = Interaction.objects.filter(client_id__in=ids[start : start + 900])
            stored.update((str(k), v) for k, v in found.values_list("client_id", "content_fingerprint"))
    fresh: dict[Any, Interaction | InteractionRow] = {}
    for interaction in interactions:
        if stored and str(interaction.client_id) in stored:
            if stored[str(interaction.client_id)] == interaction.content_fingerprint:
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
    plain = [i for i in fresh.values() if not getattr(i, "pending_tags", None)]
    tagged = [i for i in fresh.values() if getattr(i, "pending_tags", None)]
    if connection.vendor == "postgresql" and plain:
        _copy_in(plain)
        created: list[Interaction | InteractionRow] = list(plain)
    else:
        tagged = list(fresh.values())
        created = []
    models = [i.as_model() if isinstance(i, InteractionRow) else i for i in tagged]
    made = Interaction.objects.bulk_create(models, batch_size=batch_size)
    for saved, built in zip(made, models, strict=True):
        saved.pending_tags = getattr(built, "pending_tags", [])
    _attach_tags(made)
    created += made
    if created:  # an import of past entries: the count tables recount from the earliest
        counts.touch(stats.ALL, min(i.occurred_at for i in created))
    result.created = created
    return result


# The columns COPY fills, in the order `_copy_text` writes them: every concrete field but the id
# (`test_import_copy.py` holds the two lists together).
_COPY_ATTNAMES = (
    "client_id",
    "service_point_id",
    "kind_id",
    "read_level",
    "tech_category_id",
    "mode",
    "note",
    "referred_to_id",
    "duration_minutes",
    "weight",
    "occurred_at",
    "logged_at",
    "recorded_by_id",
    "source",
    "content_fingerprint",
)
_NULL = "\\N"


def _copy_sql() -> str:
    column_of = {f.attname: str(f.column) for f in Interaction._meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column_of[name]) for name in _COPY_ATTNAMES)
    return f"COPY {connection.ops.quote_name(Interaction._meta.db_table)} ({columns}) FROM STDIN"


def _copy_field(text: str) -> str:
    """A text value as COPY's text format takes it: backslash, tab, newline and carriage return
    escaped with a backslash; a NUL (which PostgreSQL cannot store in text) refused with the
    database error psycopg would raise. The desk's checks already strip control characters from
    notes, so the escaping is the rare path's safety."""
    if text.isprintable() and "\\" not in text:
        return text  # the usual value: nothing to escape (non-ASCII letters are printable)
    if "\x00" in text:
        raise DataError("PostgreSQL text fields cannot contain NUL (0x00) characters.")  # as psycopg says
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_text(interactions: Iterable[Interaction | InteractionRow]) -> str:
    """The rows as the text of a `COPY … FROM STDIN` (PostgreSQL's text format: one line per
    row, tab-separated, `\\N` for NULL), in the order of `_COPY_ATTNAMES`. Written by hand
    rather than row by row through psycopg's `write_row`: the values are the checked ones of
    `interaction_build` or `InteractionBatch` (ids, whole numbers, aware times, a mode, a note),
    so only the text values need escaping, and one block per chunk costs a fraction of adapting
    each value."""
    field = _copy_field
    words: dict[str, str] = {}  # a mode or source as written: a few values over many rows
    lines: list[str] = []
    append = lines.append
    for row in interactions:
        mode, source = words.get(row.mode), words.get(row.source)
        if mode is None:
            mode = words[row.mode] = field(row.mode)
        if source is None:
            source = words[row.source] = field(row.source)
        category, referral, minutes = row.tech_category_id, row.referred_to_id, row.duration_minutes
        by = row.recorded_by_id
        occurred = row.occurred_at.isoformat()  # PostgreSQL reads the offset; naive as psycopg sends it
        logged = occurred if row.logged_at is row.occurred_at else row.logged_at.isoformat()
        append(
            f"{field(str(row.client_id))}\t{int(row.service_point_id)}\t{int(row.kind_id)}\t{int(row.read_level)}\t"
            f"{_NULL if category is None else int(category)}\t{mode}\t{field(row.note)}\t"
            f"{_NULL if referral is None else int(referral)}\t{_NULL if minutes is None else int(minutes)}\t"
            f"{int(row.weight)}\t{occurred}\t{logged}\t"
            f"{_NULL if by is None else int(by)}\t{source}\t{field(row.content_fingerprint)}\n"
        )
    return "".join(lines)


def _copy_in(interactions: Sequence[Interaction | InteractionRow]) -> None:
    """Insert through PostgreSQL's COPY: one round trip for the whole chunk, no SQL to build."""
    with connection.cursor() as cursor, cursor.cursor.copy(_copy_sql()) as copy:
        copy.write(_copy_text(interactions))


class InteractionCopy:
    """An import's new rows written as it reads on: for an importer, inside its run's
    transaction (which keeps it all or nothing), in chunks of rows built by `InteractionBatch`.

    On PostgreSQL the rows without tags go into one `COPY` left open between chunks, so the
    database takes in one chunk while the importer reads and checks the next (two cores, one
    each), instead of waiting for each. Any other query on the connection ends that `COPY`
    first (an execute wrapper), and so does `finish()`, which the importer calls once its rows
    are all written; `abort(exc)` ends it with the error. Rows with tags, and every row on other
    databases, go through `interactions_bulk_create`. The count tables are moved back once, to
    the earliest row written, by `finish()`."""

    def __init__(self) -> None:
        self._cursor: Any = None
        self._context: Any = None
        self._copy: Any = None
        self._earliest: dt.datetime | None = None

    def write(self, rows: Sequence[InteractionRow]) -> int:
        """Write the rows (all new: the caller asked which ids are stored); how many."""
        if not connection.in_atomic_block:
            raise RuntimeError("InteractionCopy writes inside the import's transaction.")
        if not rows:
            return 0
        earliest = min(row.occurred_at for row in rows)
        if self._earliest is None or earliest < self._earliest:
            self._earliest = earliest
        plain = [row for row in rows if not row.pending_tags] if connection.vendor == "postgresql" else []
        if len(plain) < len(rows):
            self.close()
            tagged = [row for row in rows if row.pending_tags] if plain else list(rows)
            result = interactions_bulk_create(tagged, batch_size=1000, known_new=True)
            if result.conflicting:
                raise ValidationError(
                    {"file": f"{len(result.conflicting)} row(s) clash with interactions stored meanwhile."}
                )
        if plain:
            text = _copy_text(plain)  # made before the COPY opens: a refused value writes nothing
            with connection.wrap_database_errors:  # what the COPY reports, as Django's errors
                if self._copy is None:
                    self._open()
                self._copy.write(text)
        return len(rows)

    def _open(self) -> None:
        self._cursor = connection.cursor()
        self._context = self._cursor.cursor.copy(_copy_sql())
        self._copy = self._context.__enter__()
        connection.execute_wrappers.append(self._before_query)

    def _before_query(self, execute, sql, params, many, context):
        self.close()
        return execute(sql, params, many, context)

    def close(self, error: BaseException | None = None) -> None:
        """End the open COPY, if any: the database has every row written so far (or, with
        `error`, refuses the COPY, and the transaction rolls back)."""
        if self._copy is None:
            return
        connection.execute_wrappers.remove(self._before_query)
        context, cursor = self._context, self._cursor
        self._context = self._copy = self._cursor = None
        try:
            with connection.wrap_database_errors:
                if error is None:
                    context.__exit__(None, None, None)
                else:
                    context.__exit__(type(error), error, error.__traceback__)
        finally:
            cursor.close()

    def finish(self) -> None:
        self.close()
        if self._earliest is not None:  # an import of past entries: the count tables recount from there
            counts.touch(stats.ALL, self._earliest)
            self._earliest = None

    def abort(self, error: BaseException) -> None:
        # The COPY fails with the error that stopped the import, which the caller raises.
        with contextlib.suppress(Exception):
            self.close(error)


# --- Undo and corrections ------------------------------------------------------------------


def topic_tag_get_or_create(*, name: str) -> TopicTag:
    """For importers: a tag by name, made if missing (kept inactive so the desk isn't flooded).
    Like `interactions_bulk_create`, it runs inside an import run that checked its actor."""
    clean = " ".join(str(name or "").split())[:60]
    slug = slugify(clean)[:60]
    if not clean or not slug:
        raise reject("tags", f"A tag needs a name with letters or digits; got {name!r}.", code="desk.tag_name_invalid")
    tag = TopicTag.objects.filter(Q(slug=slug) | Q(name__iexact=clean)).first()
    if tag is None:
        tag = TopicTag.objects.create(name=clean, slug=slug, is_active=False)
    return tag
