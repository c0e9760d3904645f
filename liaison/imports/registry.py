"""What an importer is, and the registry of importers.

An importer turns mapped rows of a file into records of one domain. The engine (parsing,
mapping, checking every row, committing all or nothing) is the same for every importer; an
importer only says:

- `fields`: the target fields it fills, each with a type, whether it is required, and help;
- `presets`: built-in column mappings and value translations for known export formats;
- `validate_row(mapped, identity=...)`: build one unsaved object from a mapped row, or raise
  ValidationError naming the fields that are wrong;
- `content_key(obj)`: the built object's normalised values (what it will count as), from
  which the engine makes the identity of a row without an id of its own;
- `assign_identity(obj, identity)`: key the object by its identity, so re-importing adds nothing;
- `existing_identities(identities)`: which of those are already stored;
- `commit(objects)`: write the built objects in bulk (inside the engine's transaction).

Register an importer with `@register`; the browser flow, the API and the management command
offer every registered importer.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar

from liaison.core.errors import reject
from liaison.imports.parsing import SourceRow, normalize_header

TEXT = "text"
INTEGER = "integer"
MINUTES = "minutes"
DATETIME = "datetime"
DATE = "date"
CHOICE = "choice"
TAGS = "tags"

# Types whose several source columns are joined (date + time, question + answer); for the
# others the first non-blank column wins (READ from "difficulty", else from "question type").
JOINED_TYPES = {TEXT, TAGS, DATETIME, DATE}
TYPE_LABELS = {
    TEXT: "text",
    INTEGER: "whole number",
    MINUTES: "minutes",
    DATETIME: "date and time",
    DATE: "date",
    CHOICE: "one of a list",
    TAGS: "list of tags",
}


@dataclass(frozen=True)
class TargetField:
    name: str
    label: str
    type: str
    required: bool = False
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    max_columns: int = 1
    joiner: str = " "
    aliases: tuple[str, ...] = ()

    @property
    def joins_columns(self) -> bool:
        return self.type in JOINED_TYPES

    @property
    def takes_value_map(self) -> bool:
        """Words to translate: kinds, modes, levels, tags. Not dates, not free text."""
        return self.type not in (DATETIME, DATE, TEXT)

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.type, self.type)


@dataclass(frozen=True)
class Preset:
    """A built-in mapping for a known export. `columns` gives, per target, alternatives in
    order of preference; each alternative is the tuple of columns that feed the target."""

    key: str
    label: str
    help: str
    columns: dict[str, tuple[tuple[str, ...], ...]]
    constants: dict[str, str] = field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = "mdy"
    # Columns whose presence identifies the export (used to pre-select the preset).
    signature: tuple[str, ...] = ()
    # Columns read where the mapped ones are blank, per target, alternatives as in `columns`.
    fallbacks: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    source: str = ""  # the tool, for row identities ("" = the preset's key)
    clock: str = "hm"  # "1:30" as hours:minutes ("hm") or minutes:seconds ("ms")
    long_format: dict[str, str] = field(default_factory=dict)  # one row per answer (Desk Tracker)
    wide_keep: tuple[str, ...] = ()  # a wide table (ADR 0050): the columns that describe each row


def legacy_content_identity(row: SourceRow) -> str:
    """The identity imports gave a row without an id before ADR 0040: a hash of its non-blank
    cells keyed by normalised column name. Still looked up, so files imported then are found."""
    pairs = sorted((normalize_header(k), v.strip()) for k, v in row.values.items() if v and v.strip())
    digest = hashlib.sha256(json.dumps(pairs, ensure_ascii=False).encode()).hexdigest()
    return f"row:{digest[:40]}"


def source_identity(tool: str, site: str, source_id: str) -> str:
    """`gimlet:<site>:<id>`: a tool's own row id, namespaced by tool and by site, so Gimlet's
    question 800 and LibAnswers' transaction 800 are two rows."""
    return f"{tool}:{_slug(site)}:{' '.join(str(source_id).split())}"


def values_identity(tool: str, key: Any) -> str:
    """A row without an id: the tool and a hash of the values it becomes (ADR 0040)."""
    digest = hashlib.sha256(json.dumps([tool, key], ensure_ascii=False, default=str).encode()).hexdigest()
    return f"{tool}:values:{digest[:40]}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").casefold()).strip("-")


class RowRefused(Exception):
    """A row refused for reasons already known (a value refused on an earlier row): raised by
    `validate_row` instead of a ValidationError, which costs more to build and read when a
    quarter of a million rows repeat the same refusal. `errors` is {field: message}."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class Importer:
    key: ClassVar[str]
    label: ClassVar[str]
    description: ClassVar[str] = ""
    fields: ClassVar[tuple[TargetField, ...]] = ()
    presets: ClassVar[tuple[Preset, ...]] = ()
    # A target holding the source system's own row id (e.g. Gimlet's question number). When a
    # row has one, it is the row's identity (with the tool and `site_field`); otherwise the
    # identity is a hash of the values the row becomes (`content_key`).
    identity_field: ClassVar[str | None] = None
    site_field: ClassVar[str | None] = None
    # A target saying how many records the row stands for (a tally file's Count column).
    count_field: ClassVar[str | None] = None
    # Whether the importer reads wide tables, one column per period (ADR 0050): the mapping's
    # `wide` option unfolds them into one row per figure before mapping.
    takes_wide: ClassVar[bool] = False

    def __init__(self, *, actor=None, source_name: str = ""):
        self.actor = actor
        # Where the rows come from ("gimlet", "libanswers", "csv"), for importers that record it.
        self.source_name = source_name
        # The mapping's time zone ("" = the site's): where a date without a time is placed.
        self.time_zone = ""
        self._warnings: list[tuple[str, str]] = []
        # The import run being committed (set by the commit, None while checking or without a run).
        self.run: Any = None

    # --- description ------------------------------------------------------------------
    def field(self, name: str) -> TargetField | None:
        return next((f for f in self.fields if f.name == name), None)

    def preset(self, key: str) -> Preset | None:
        return next((p for p in self.presets if p.key == key), None)

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        """Values offered for a target's default in the mapping form (None: free text)."""
        return None

    # --- wide tables (takes_wide) --------------------------------------------------------
    def wide_header_problems(self, headers: list[str]) -> dict[str, str]:
        """Of a wide table's period columns, those whose header is not a period: {header: why}."""
        return {}

    def wide_guess(self, headers: list[str]) -> dict[str, list[str]]:
        """The `wide` option to start from for a file with these headers ({} = not wide)."""
        return {}

    # --- checking ---------------------------------------------------------------------
    def clean_constants(self, constants: dict[str, Any]) -> None:
        """Check the defaults that apply to the whole file; raise ValidationError by target."""

    def source_id(self, mapped: dict[str, Any], tool: str) -> str | None:
        """The row's identity from the source's own id, or None when it has none."""
        if not self.identity_field or not mapped.get(self.identity_field):
            return None
        site = mapped.get(self.site_field) if self.site_field else ""
        return source_identity(tool, site or "", mapped[self.identity_field])

    def legacy_identities(self, row: SourceRow, mapped: dict[str, Any]) -> str:
        """The identity the row had before ADR 0040 (looked up so older imports are found)."""
        if self.identity_field and mapped.get(self.identity_field):
            return f"id:{mapped[self.identity_field]}"
        return legacy_content_identity(row)

    def validate_row(self, mapped: dict[str, Any]) -> Any:
        raise NotImplementedError

    def content_key(self, obj: Any) -> Any:
        """The object's values as they will be counted (JSON-able), for `values_identity`."""
        raise NotImplementedError

    def identity_of(self, obj: Any, tool: str) -> str:
        """The identity of a row without an id: `values_identity(tool, self.content_key(obj))`.
        An importer may work the same text out faster; it must stay the same text."""
        return values_identity(tool, self.content_key(obj))

    def fingerprint(self, obj: Any) -> str:
        """What the object says, to tell a repeated id with the same content from a clash."""
        return json.dumps(self.content_key(obj), default=str)

    def assign_identity(self, obj: Any, identity: str) -> None:
        raise NotImplementedError

    def existing_identities(self, identities: list[tuple[str, str]], tool: str) -> set[str]:
        """Of (identity, legacy identity) pairs, the identities already stored (by either key;
        a legacy id key counts only for rows imported from the same tool)."""
        raise NotImplementedError

    def weight_of(self, obj: Any) -> int:
        """How many records the object stands for (a tally row: its count)."""
        return 1

    def warn(self, field_name: str, message: str) -> None:
        """Note something about the current row that does not stop it (shown in the report)."""
        self._warnings.append((field_name, message))

    def take_warnings(self) -> list[tuple[str, str]]:
        warnings, self._warnings = self._warnings, []
        return warnings

    def describe(self, obj: Any) -> dict[str, str]:
        """How a built object will be stored, for the check page's sample."""
        return {}

    def summary_notes(self, objects: list[Any]) -> list[str]:
        """Sentences about the whole check (e.g. "12 new tags will be created")."""
        return []

    # --- writing ----------------------------------------------------------------------
    def commit(self, objects: list[Any]) -> int:
        raise NotImplementedError

    def commit_finish(self) -> None:
        """After the last chunk of a commit: finish writing (still inside the transaction)."""

    def commit_abort(self, error: BaseException) -> None:
        """A commit stopped by `error` (it rolls back): let go of whatever writing is open."""

    def audit_summary(self, objects: list[Any]) -> dict[str, Any]:
        return {"created": len(objects)}


class KeyedImporter(Importer):
    """Reference data keyed by what a row names (a device's tag; a course's term, code and
    section): the key is known before the row is built, a row updates what it names, and a row
    whose record already says what the row says is "already imported". Subclasses implement
    `row_key(mapped)` (by default `id:<identity_field>`), `build_row(mapped, *, identity)` and
    `stored_identities(identities)`; this class puts them on the engine's protocol (ADR 0040:
    such a key is the row's own id, so it is not namespaced by tool)."""

    def row_key(self, mapped: dict[str, Any]) -> str:
        if self.identity_field and mapped.get(self.identity_field):
            return f"id:{' '.join(str(mapped[self.identity_field]).split())}"
        raise RowRefused({self.identity_field or ROW_FIELD: "This row names nothing to import."})

    def build_row(self, mapped: dict[str, Any], *, identity: str) -> Any:
        raise NotImplementedError

    def stored_identities(self, identities: list[str]) -> set[str]:
        raise NotImplementedError

    # The engine's protocol, on top of the three above.
    def validate_row(self, mapped: dict[str, Any]) -> Any:
        return self.build_row(mapped, identity=self.row_key(mapped))

    def source_id(self, mapped: dict[str, Any], tool: str) -> str | None:
        return self.row_key(mapped)

    def legacy_identities(self, row: SourceRow, mapped: dict[str, Any]) -> str:
        return ""

    def fingerprint(self, obj: Any) -> str:
        return repr(obj)

    def assign_identity(self, obj: Any, identity: str) -> None:
        """Built with its key already."""

    def existing_identities(self, identities: list[tuple[str, str]], tool: str) -> set[str]:
        return self.stored_identities([identity for identity, _legacy in identities])


ROW_FIELD = "row"

_registry: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    _registry[importer.key] = importer
    return importer


def unregister(key: str) -> None:
    _registry.pop(key, None)


def importer_classes() -> list[type[Importer]]:
    return sorted(_registry.values(), key=lambda cls: cls.label)


def importer_choices() -> list[tuple[str, str]]:
    return [(cls.key, cls.label) for cls in importer_classes()]


def importer_class(key: str) -> type[Importer]:
    try:
        return _registry[key]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise reject(
            "importer", f"Unknown importer {key!r} (known: {known}).", code="imports.importer_unknown"
        ) from None


def importer_get(key: str, *, actor=None, source_name: str = "") -> Importer:
    return importer_class(key)(actor=actor, source_name=source_name)
