"""Checking every row of a parsed file against a mapping and an importer.

`check_rows` never writes. It returns what a commit would create, how many rows were already
imported, and every rejected row with its line, field and reason. The services decide what
to do with the result (store a report, commit all or nothing).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from liaison.imports.mapping import CompiledMapping
from liaison.imports.parsing import ParsedFile, normalize_header
from liaison.imports.registry import CHOICE, Importer, RowRefused
from liaison.imports.screening import flagged_columns

ROW = "row"  # the "field" of a problem with the whole row
SAMPLE_SIZE = 5


@dataclass(frozen=True, slots=True)  # a quarter of a million-row file may be rejected rows
class Rejection:
    line: int  # the spreadsheet row number (the header is row 1)
    field: str
    message: str
    value: str = ""  # the cell's text, for grouping rejections by cause and mapping the value

    def __str__(self) -> str:
        return f"row {self.line}: {self.field}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"line": self.line, "field": self.field, "message": self.message}
        if self.value:
            data["value"] = self.value
        return data


@dataclass(frozen=True)
class RowWarning:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class CheckResult:
    rows_total: int
    objects: list[Any] = field(default_factory=list)
    already_imported: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Before commit, in the person's face: an unmapped Count column, a transcript column.
    cautions: list[str] = field(default_factory=list)
    # What the new rows count as (a tally row counts as its count), for reconciling totals.
    records_new: int = 0
    merged: int = 0  # rows repeating an id already in the file, with the same content
    rows_new_count: int = 0

    @property
    def rows_new(self) -> int:
        return self.rows_new_count

    @property
    def rows_rejected(self) -> int:
        return len({r.line for r in self.rejections})

    @property
    def ok(self) -> bool:
        return not self.rejections


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _with_value(message: str, raw: str) -> str:
    """Domain messages do not always quote the value; the report should."""
    message = message.rstrip()
    if raw and repr(raw) not in message and raw not in message:
        return f"{message.rstrip('.')} (got {_short(raw)!r})."
    return message


class Cancelled(Exception):
    """The person cancelled the check or commit; nothing was written."""


PROGRESS_EVERY = 2000
CHUNK = 5000


def check_rows(
    importer: Importer,
    parsed: ParsedFile,
    compiled: CompiledMapping,
    *,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    sink: Callable[[list[Any]], None] | None = None,
    keep_objects: bool = True,
) -> CheckResult:
    """Map and validate every row, work out each row's identity, and ask the importer which
    identities are stored already. Identity (ADR 0040): the tool's own id namespaced by tool
    and site when the row has one, else a hash of the values the row becomes, so a re-saved,
    reformatted or trimmed file finds its rows again. Identical rows without ids are counted,
    each keeping its own identity (#2, #3…); a repeated id with the same content is one row.

    Rows are streamed and handled a chunk at a time (one look-up of stored identities per
    chunk). With `sink`, each chunk's new objects are handed to it (a commit writes them inside
    its transaction) until a row is rejected; otherwise they are kept on the result unless
    `keep_objects` is False (a check of a big file keeps counts, not objects)."""
    result = CheckResult(rows_total=parsed.rows_total)
    importer.time_zone = compiled.mapping.time_zone
    tool = compiled.mapping.source or importer.source_name or "csv"
    for problem in parsed.problems:
        result.rejections.append(Rejection(problem.line, ROW, problem.message))

    prepared: list[tuple[int, Any, str, str, list[tuple[str, str]]]] = []
    first_of_id: dict[str, tuple[int, str]] = {}
    occurrences: dict[str, int] = {}
    legacy_occurrences: Counter[str] = Counter()
    defaulted: Counter[str] = Counter()
    worded: dict[tuple[str, str, str, bool], str] = {}  # a rejection's message, worded once per cause

    def flush() -> None:
        """Ask which of the chunk's identities are stored, and keep (or write) the new rows."""
        if not prepared:
            return
        existing = importer.existing_identities([(p[2], p[3]) for p in prepared], tool)
        fresh = []
        for line, obj, identity, _legacy, warnings in prepared:
            if identity in existing:
                result.already_imported += 1
                continue
            fresh.append(obj)
            result.records_new += importer.weight_of(obj)
            if warnings:
                result.warnings += [RowWarning(line, key, message) for key, message in warnings]
            if len(result.sample) < SAMPLE_SIZE:
                result.sample.append({"line": line, **importer.describe(obj)})
        result.rows_new_count += len(fresh)
        if sink is not None:
            if not result.rejections:  # a commit stops writing at the first rejected row
                sink(fresh)
        elif keep_objects:
            result.objects += fresh
        prepared.clear()

    done = 0
    try:  # a commit's writing ends with the rows, or with the error that stopped them
        for row in parsed.iter_rows():
            done += 1
            if done % PROGRESS_EVERY == 0:
                if progress:
                    progress(done)
                if cancelled and cancelled():
                    raise Cancelled
            mapped, errors, raw = compiled.map_row(row)
            row_errors = dict(errors) if errors else {}
            usable = {k: v for k, v in mapped.items() if k not in errors} if errors else mapped
            obj = None
            try:
                obj = importer.validate_row(usable)
            except RowRefused as refused:
                for key, message in refused.errors.items():
                    row_errors.setdefault(key, message)
            except ValidationError as exc:
                for key, messages in _error_items(exc):
                    if key not in row_errors:
                        row_errors[key] = " ".join(messages)
            warnings = importer.take_warnings()
            if row_errors:
                items = (
                    sorted(row_errors.items(), key=lambda kv: _field_order(importer, kv[0]))
                    if len(row_errors) > 1
                    else list(row_errors.items())
                )
                for key, message in items:
                    value = raw.get(key, "")
                    said = worded.get((key, message, value, key in errors))
                    if said is None:
                        said = _with_value(message, value)
                        target = importer.field(key)
                        if target is not None and target.type == CHOICE and value and key not in errors:
                            said += f" A value map line '{_short(value)} = …' translates it."
                        if len(worded) < 10_000:
                            worded[(key, message, value, key in errors)] = said
                    result.rejections.append(Rejection(row.line, key, said, value))
                continue
            if compiled.defaulted:
                for name in compiled.defaulted:
                    defaulted[name] += 1
            legacy = importer.legacy_identities(row, mapped)
            identity = importer.source_id(mapped, tool)
            if identity is not None:
                fingerprint = importer.fingerprint(obj)
                if identity in first_of_id:
                    first_line, first_fingerprint = first_of_id[identity]
                    if first_fingerprint == fingerprint:
                        result.merged += 1
                        continue
                    field_name = importer.identity_field or ROW
                    result.rejections.append(
                        Rejection(
                            row.line,
                            field_name,
                            f"The same id appears again with other values (first on row {first_line}).",
                            raw.get(field_name, ""),
                        )
                    )
                    continue
                first_of_id[identity] = (row.line, fingerprint)
            else:
                identity = importer.identity_of(obj, tool)
                seen = occurrences[identity] = occurrences.get(identity, 0) + 1
                if seen > 1:
                    identity = f"{identity}#{seen}"
                if legacy:
                    legacy_occurrences[legacy] += 1
                    if legacy_occurrences[legacy] > 1:
                        legacy = f"{legacy}#{legacy_occurrences[legacy]}"
            importer.assign_identity(obj, identity)
            prepared.append((row.line, obj, identity, legacy, warnings))
            if len(prepared) >= CHUNK:
                flush()
        flush()
        if sink is not None:
            importer.commit_finish()
    except BaseException as exc:
        if sink is not None:
            importer.commit_abort(exc)
        raise
    if progress:
        progress(done)
    result.rejections.sort(key=lambda r: (r.line, _field_order(importer, r.field)))
    result.notes = importer.summary_notes(result.objects)
    if result.merged:
        result.notes.append(
            f"{result.merged} row(s) repeat an id already in the file with the same values; each counts once."
        )
    for name, count in sorted(defaulted.items()):
        target = importer.field(name)
        label = target.label if target else name
        shown = compiled.mapping.constants.get(name, "")
        result.notes.append(f"{count} row(s) had a blank {label} and took the default {shown!r}.")
    result.cautions = _cautions(importer, parsed, compiled)
    return result


_COUNT_LIKE = re.compile(
    r"^(count|counts|tally|total|totals|number|no|n|num|qty|quantity|frequency|#|number of .*|.* count|count of .*|# of .*|how many.*)$"
)


def _cautions(importer: Importer, parsed: ParsedFile, compiled: CompiledMapping) -> list[str]:
    """Warnings about the whole file that a person must see before committing."""
    out = []
    used = {c for columns in [*compiled.sources.values(), *compiled.fallbacks.values()] for c in columns}
    for flag in flagged_columns(parsed.headers, parsed.iter_rows()):
        if flag.column in used and flag.column not in compiled.mapping.treatments:
            out.append(
                f"Column {flag.column!r} feeds a field and looks private ({flag.reason}). Desk statistics keep no "
                "patron identity: leave it out, or keep only its length, under 'Private columns'."
            )
    count_mapped = bool(
        importer.count_field
        and (compiled.sources.get(importer.count_field) or compiled.constants.get(importer.count_field))
    )
    if importer.count_field and not count_mapped:
        for header in parsed.headers:
            if header in used or not _COUNT_LIKE.match(normalize_header(header)):
                continue
            cells = [(row.values.get(header) or "").strip() for row in itertools.islice(parsed.iter_rows(), 200)]
            filled = [c for c in cells if c]
            if filled and sum(1 for c in filled if c.replace(",", "").isdigit()) >= 0.8 * len(filled):
                bigger = sum(1 for c in filled if c.replace(",", "").isdigit() and int(c.replace(",", "")) > 1)
                out.append(
                    f"Column {header!r} holds numbers and is not mapped. If each row stands for that many "
                    f"interactions (a tally), map it to Count, or the totals will come out short"
                    + (f" ({bigger} of the first {len(filled)} rows count more than one)." if bigger else ".")
                )
    return out


def _error_items(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return [(ROW if key == "__all__" else key, messages) for key, messages in exc.message_dict.items()]
    return [(ROW, exc.messages)]


def _field_order(importer: Importer, name: str) -> int:
    order = _ORDERS.get(type(importer))
    if order is None:
        order = _ORDERS[type(importer)] = {f.name: i for i, f in enumerate(importer.fields)}
    return order.get(name, -1)


_ORDERS: dict[type, dict[str, int]] = {}
