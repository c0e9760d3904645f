"""Checking every row of a parsed file against a mapping and an importer.

`check_rows` never writes. It returns what a commit would create, how many rows were already
imported, and every rejected row with its line, field and reason. The services decide what
to do with the result (store a report, commit all or nothing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from liaison.imports.mapping import CompiledMapping
from liaison.imports.parsing import ParsedFile
from liaison.imports.registry import CHOICE, Importer

ROW = "row"  # the "field" of a problem with the whole row
SAMPLE_SIZE = 5


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


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

    @property
    def rows_new(self) -> int:
        return len(self.objects)

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


def check_rows(
    importer: Importer,
    parsed: ParsedFile,
    compiled: CompiledMapping,
    *,
    progress: Callable[[int], None] | None = None,
) -> CheckResult:
    result = CheckResult(rows_total=parsed.rows_total)
    importer.time_zone = compiled.mapping.time_zone
    for problem in parsed.problems:
        result.rejections.append(Rejection(problem.line, ROW, problem.message))

    # Pass 1: map every row and work out its identity.
    prepared = []
    first_line_of: dict[str, int] = {}
    occurrences: Counter[str] = Counter()
    for row in parsed.rows:
        mapped, errors, raw = compiled.map_row(row)
        identity = importer.row_identity(row, mapped)
        if identity.startswith("id:"):
            if identity in first_line_of:
                errors = {
                    **errors,
                    importer.identity_field
                    or ROW: f"the same id appears again (first on line {first_line_of[identity]}).",
                }
            else:
                first_line_of[identity] = row.line
        else:
            # Identical rows in one file are separate events (two quick directional
            # questions in the same minute); number the repeats so each keeps its identity.
            occurrences[identity] += 1
            if occurrences[identity] > 1:
                identity = f"{identity}#{occurrences[identity]}"
        prepared.append((row, mapped, errors, raw, identity))

    existing = importer.existing_identities([p[4] for p in prepared])

    # Pass 2: validate the rows that are new.
    for done, (row, mapped, errors, raw, identity) in enumerate(prepared, start=1):
        if progress:
            progress(done)
        if identity in existing:
            result.already_imported += 1
            continue
        row_errors = dict(errors)
        usable = {k: v for k, v in mapped.items() if k not in errors}
        obj = None
        try:
            obj = importer.validate_row(usable, identity=identity)
        except ValidationError as exc:
            for key, messages in _error_items(exc):
                if key not in row_errors:
                    row_errors[key] = " ".join(messages)
        warnings = importer.take_warnings()
        if row_errors:
            for key, message in sorted(row_errors.items(), key=lambda kv: _field_order(importer, kv[0])):
                message = _with_value(message, raw.get(key, ""))
                target = importer.field(key)
                if target is not None and target.type == CHOICE and raw.get(key) and key not in errors:
                    message += f" A value map line '{_short(raw[key])} = …' translates it."
                result.rejections.append(Rejection(row.line, key, message))
            continue
        result.objects.append(obj)
        result.warnings += [RowWarning(row.line, key, message) for key, message in warnings]
        if len(result.sample) < SAMPLE_SIZE:
            result.sample.append({"line": row.line, **importer.describe(obj)})
    result.rejections.sort(key=lambda r: (r.line, _field_order(importer, r.field)))
    result.notes = importer.summary_notes(result.objects)
    return result


def _error_items(exc: ValidationError) -> list[tuple[str, list[str]]]:
    if hasattr(exc, "error_dict"):
        return [(ROW if key == "__all__" else key, messages) for key, messages in exc.message_dict.items()]
    return [(ROW, exc.messages)]


def _field_order(importer: Importer, name: str) -> int:
    names = [f.name for f in importer.fields]
    return names.index(name) if name in names else -1
