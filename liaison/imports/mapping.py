"""Column mappings: which columns of a file feed which target fields, with defaults and
value translations, and how one row is turned into a dict of typed values.

A mapping is plain data (it is stored as JSON on ImportMapping and snapshotted on each
ImportRun):

    columns     {"occurred_at": ["Date", "Time"], "kind": ["Question Type"]}
    constants   {"service_point": "joint-desk", "mode": "in_person"}   defaults for the file
    value_maps  {"kind": {"Reference": "research", "*": "other"}}     source value → target value
    date_format "mdy" | "dmy" | "ymd" | an explicit strptime format
    time_zone   "America/Los_Angeles": how to read times without an offset ("" = the site's)
    source      the tool the file came from ("gimlet", "libanswers", …; "" = the preset's, else
                "csv"): part of every row's identity, so ids of two tools never clash
    fallbacks   {"occurred_at": ["Added at"]}: columns read where the mapped ones are blank
    clock       "hm" | "ms": whether a duration "1:30" is hours:minutes (default) or minutes:seconds
    long_format {"group": "response_set", "question": "question", "answer": "response"}: a file
                with one row per answer, folded into one row per group before mapping
    treatments  {"Transcript": "drop" | "length"}: a column dropped, or kept only as its length
    wide        {"keep": ["Library"]}: a wide table, one column per period (ADR 0050): the kept
                columns describe the row, every other column is a period; the file is read as
                one row per figure with the columns `Period (column header)` and `Value (cell)`

A value map's key may be a range of numbers, read as minutes: "0..5 = 1" (from 0 up to, not
including, 5), "30.. = 4" (30 and over), "..5 = 1". A cell "05-10 minutes" is 8 minutes, so it
falls in "5..15"; "1:05:00" is 65.

Column names match whatever their case, spacing or underscores. A value map matches values
the same way; the key "*" catches every value not listed. A default (constant) is used when
no column is mapped or the cell is blank.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from liaison.core.errors import reject
from liaison.imports import values
from liaison.imports.parsing import (
    WIDE_PERIOD,
    WIDE_VALUE,
    ParsedFile,
    SourceRow,
    fold_long,
    normalize_header,
    unfold_wide,
    wide_columns,
)
from liaison.imports.registry import (
    CHOICE,
    DATE,
    DATETIME,
    INTEGER,
    MINUTES,
    TAGS,
    TEXT,
    Importer,
    Preset,
    TargetField,
)

MALFORMED = "imports.mapping_malformed"

ANY_OTHER = "*"
DROP, LENGTH = "drop", "length"
TREATMENTS = {DROP: "Leave it out", LENGTH: "Keep only its length"}
LONG_FORMAT_KEYS = ("group", "question", "answer", "text")
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)?\s*\.\.\s*(\d+(?:\.\d+)?)?\s*$")


def parse_range(key: str) -> tuple[float, float] | None:
    """ "5..15" → (5, 15); "30.." → (30, inf); "..5" → (0, 5); anything else → None."""
    match = _RANGE.match(key)
    if not match or (match.group(1) is None and match.group(2) is None):
        return None
    low = float(match.group(1)) if match.group(1) is not None else float("-inf")
    high = float(match.group(2)) if match.group(2) is not None else float("inf")
    return (low, high) if low < high else None


@dataclass
class Mapping:
    columns: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = values.DEFAULT_DATE_ORDER
    time_zone: str = ""
    source: str = ""
    fallbacks: dict[str, list[str]] = field(default_factory=dict)
    clock: str = values.CLOCK_HOURS
    long_format: dict[str, str] = field(default_factory=dict)
    treatments: dict[str, str] = field(default_factory=dict)
    wide: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "columns": {k: list(v) for k, v in sorted(self.columns.items()) if v},
            "constants": {k: v for k, v in sorted(self.constants.items()) if v not in ("", None)},
            "value_maps": {k: dict(v) for k, v in sorted(self.value_maps.items()) if v},
            "date_format": self.date_format,
        }
        # Each option is absent while it has its default, so older mappings keep their digest.
        if self.time_zone:
            data["time_zone"] = self.time_zone
        data.update(self.options())
        return data

    def options(self) -> dict[str, Any]:
        """The options beyond columns, defaults, value maps, dates and zone (stored together)."""
        data: dict[str, Any] = {}
        if self.source:
            data["source"] = self.source
        fallbacks = {k: list(v) for k, v in sorted(self.fallbacks.items()) if v}
        if fallbacks:
            data["fallbacks"] = fallbacks
        if self.clock != values.CLOCK_HOURS:
            data["clock"] = self.clock
        if self.long_format:
            data["long_format"] = dict(sorted(self.long_format.items()))
        treatments = {k: v for k, v in sorted(self.treatments.items()) if v}
        if treatments:
            data["treatments"] = treatments
        if self.wide:
            data["wide"] = {"keep": list(self.wide.get("keep", []))}
        return data

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.as_json(), sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_json(cls, data: Any) -> Mapping:
        """Read a stored or posted mapping, refusing shapes that are not a mapping."""
        if not isinstance(data, dict):
            raise reject("mapping", "A mapping is an object with columns, constants and value_maps.", code=MALFORMED)
        columns = data.get("columns") or {}
        constants = data.get("constants") or {}
        value_maps = data.get("value_maps") or {}
        date_format = data.get("date_format") or values.DEFAULT_DATE_ORDER
        time_zone = data.get("time_zone") or ""
        source = data.get("source") or ""
        fallbacks = data.get("fallbacks") or {}
        clock = data.get("clock") or values.CLOCK_HOURS
        long_format = data.get("long_format") or {}
        treatments = data.get("treatments") or {}
        wide = data.get("wide") or {}
        if not isinstance(columns, dict) or not all(
            isinstance(v, str) or (isinstance(v, list) and all(isinstance(c, str) for c in v)) for v in columns.values()
        ):
            raise reject(
                "columns", "columns maps each target field to a column name or a list of them.", code=MALFORMED
            )
        if not isinstance(constants, dict):
            raise reject("constants", "constants maps each target field to a value.", code=MALFORMED)
        if not isinstance(value_maps, dict) or not all(isinstance(v, dict) for v in value_maps.values()):
            raise reject(
                "value_maps", "value_maps maps each target field to {source value: target value}.", code=MALFORMED
            )
        if not isinstance(date_format, str):
            raise reject("date_format", "date_format is a text such as 'mdy' or '%d/%m/%Y %H:%M'.", code=MALFORMED)
        if not isinstance(time_zone, str):
            raise reject("time_zone", "time_zone is a name such as 'America/Los_Angeles'.", code=MALFORMED)
        if not isinstance(source, str) or not re.fullmatch(r"[a-z0-9_.-]{0,40}", source.strip().lower()):
            raise reject("source", "source is a short name such as 'gimlet' (letters, digits, - _ .).", code=MALFORMED)
        if not isinstance(fallbacks, dict) or not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in fallbacks.values()
        ):
            raise reject("fallbacks", "fallbacks maps each target field to a list of columns.", code=MALFORMED)
        if clock not in values.CLOCKS:
            raise reject("clock", f"clock is one of {', '.join(values.CLOCKS)}.", code=MALFORMED)
        if not isinstance(long_format, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in long_format.items()
        ):
            raise reject("long_format", "long_format names the group, question and answer columns.", code=MALFORMED)
        if not isinstance(treatments, dict) or not all(v in TREATMENTS for v in treatments.values()):
            raise reject("treatments", "treatments maps a column to 'drop' or 'length'.", code=MALFORMED)
        if not isinstance(wide, dict) or not isinstance(wide.get("keep", []), list):
            raise reject("wide", 'wide is {"keep": [the columns that describe each row]}.', code=MALFORMED)
        if not all(isinstance(c, str) for c in wide.get("keep", [])):
            raise reject("wide", "wide's keep lists column names.", code=MALFORMED)
        return cls(
            columns={k: [v] if isinstance(v, str) else list(v) for k, v in columns.items()},
            constants={k: "" if v is None else str(v) for k, v in constants.items()},
            value_maps={k: {str(a): "" if b is None else str(b) for a, b in v.items()} for k, v in value_maps.items()},
            date_format=date_format,
            time_zone=time_zone.strip(),
            source=source.strip().lower(),
            fallbacks={k: list(v) for k, v in fallbacks.items()},
            clock=clock,
            long_format={k: v for k, v in long_format.items() if k in LONG_FORMAT_KEYS and v},
            treatments=dict(treatments),
            wide={"keep": [c for c in wide.get("keep", []) if c.strip()]} if wide else {},
        )


def normalize_value(value: str) -> str:
    return re.sub(r"\s+", " ", (value or "").strip()).casefold()


# --- Value maps as "source = target" lines, the way the form edits them --------------------


def value_map_to_text(value_map: dict[str, str]) -> str:
    return "\n".join(f"{source} = {target}" for source, target in value_map.items())


def value_map_from_text(text: str, *, field_label: str = "value map") -> dict[str, str]:
    """Parse lines of "source = target". '#' starts a comment; the last '=' splits the line."""
    out: dict[str, str] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        for arrow in ("→", "->", "=>"):
            line = line.replace(arrow, "=")
        source, sep, target = line.rpartition("=")
        if not sep or not source.strip():
            raise ValidationError(
                f"{field_label}, line {number}: write 'source value = target value' (got {raw.strip()!r})."
            )
        out[source.strip()] = target.strip()
    return out


# --- Checking a mapping against an importer and a file's header ----------------------------


@dataclass
class CompiledMapping:
    """A mapping checked against one file: real column names, normalised value maps, typed
    defaults. `map_row` is the hot loop of every import: each distinct cell text is converted
    once per run (a file of a million rows has a few hundred distinct kinds, levels and
    durations), so a row costs dictionary look-ups, not parsing."""

    mapping: Mapping
    fields: list[TargetField]
    sources: dict[str, list[str]]
    value_maps: dict[str, dict[str, str]]
    constants: dict[str, Any]
    fallbacks: dict[str, list[str]] = field(default_factory=dict)
    ranges: dict[str, list[tuple[float, float, str]]] = field(default_factory=dict)
    lengths: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.defaulted: list[str] = []
        # Targets no column feeds always take their default: worked out once, not per row.
        self._fixed = {
            t.name: self.constants.get(t.name)
            for t in self.fields
            if not self.sources.get(t.name) and not self.fallbacks.get(t.name)
        }
        self._plan = [_plan_for(self, t) for t in self.fields if t.name not in self._fixed]

    def map_row(self, row: SourceRow) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """(typed values, errors by field, the text each value came from). Fields left blank
        and filled from their default are listed in `self.defaulted` for the caller to count.

        A target whose value depends on its cells alone (a kind, a level, a duration) is
        worked out once per distinct cell text and remembered; dates and free text are read
        on every row."""
        cells = row.values
        mapped = dict(self._fixed)
        raw = dict.fromkeys(self._fixed, "")
        errors: dict[str, str] = {}
        defaulted: list[str] = []
        for name, column, columns, memo, read in self._plan:
            if memo is not None:
                key = cells.get(column) if column is not None else tuple(map(cells.get, columns))
                hit = memo.get(key)
                if hit is None:
                    hit = read(cells)
                    if len(memo) < MEMO_LIMIT:
                        memo[key] = hit
                text, found = hit
            else:
                text, found = read(cells)
            raw[name] = text
            if found is _BLANK:
                value = mapped[name] = self.constants.get(name)
                if value is not None and self.sources.get(name):
                    defaulted.append(name)
            elif found.__class__ is _Failed:
                errors[name] = found.message
            else:
                mapped[name] = list(found) if found.__class__ is list else found
        self.defaulted = defaulted
        return mapped, errors, raw

    def read_target(self, target: TargetField, cells: dict[str, str]) -> tuple[str, Any]:
        """One target's (text, value, or _BLANK, or _Failed) from a row's cells."""
        text = self._text_for(target, cells, self.sources.get(target.name, ()))
        if text == "" and target.name in self.fallbacks:
            text = self._text_for(target, cells, self.fallbacks[target.name])
        if text == "":
            return text, _BLANK
        if target.type == TEXT:
            return text, text
        try:
            return text, convert(target, text, self.mapping.date_format, self.mapping.time_zone, self.mapping.clock)
        except ValueError as exc:
            return text, _Failed(str(exc))

    def _text_for(self, target: TargetField, cells: dict[str, str], columns) -> str:
        parts = []
        value_map = self.value_maps.get(target.name)
        ranges = self.ranges.get(target.name)
        for column in columns:
            text = (cells.get(column) or "").strip()
            if text != "" and column in self.lengths:
                text = f"[{len(text)} characters in {column}]"
            elif text != "" and (value_map is not None or ranges):
                text = self._translate(target, text, value_map or {}, ranges)
            if text != "":
                parts.append(text)
        if not parts:
            return ""
        if target.joins_columns:
            return target.joiner.join(parts)
        return parts[0]

    def _translate(self, target, text: str, value_map: dict[str, str], ranges) -> str:
        key = normalize_value(text)
        if key in value_map:
            return value_map[key]
        if ranges:
            try:
                minutes = values.minutes_as_number(text, self.mapping.clock)
            except ValueError:
                minutes = None
            if minutes is not None:
                for low, high, result in ranges:
                    if low <= minutes < high:
                        return result
        return value_map.get(ANY_OTHER, text)


MEMO_LIMIT = 50_000
_BLANK = object()  # no text: the target takes its default


@dataclass(frozen=True)
class _Failed:
    message: str


def _plan_for(compiled: CompiledMapping, target: TargetField):
    """How `map_row` reads one target: (name, its one column or None, every column it reads,
    a memo of results by cell text or None, the reader)."""
    sources = tuple(compiled.sources.get(target.name, ()))
    fallbacks = tuple(compiled.fallbacks.get(target.name, ()))
    columns = (*sources, *fallbacks)
    memo: dict[Any, tuple[str, Any]] | None = {} if target.type not in (TEXT, DATETIME, DATE) else None
    column = columns[0] if len(columns) == 1 else None
    if memo is not None or any(c in compiled.lengths for c in columns) or target.name in compiled.value_maps:
        # Translated or remembered: the general reading (a memo makes it once per cell text).
        def read(cells: dict[str, str]) -> tuple[str, Any]:
            return compiled.read_target(target, cells)

        return target.name, column, columns, memo, read

    # Free text and dates, read on every row: the cells of the mapped columns, stripped, the
    # blank ones left out, joined (dates and text) or the first (others); the fallback columns
    # where those are all blank.
    joiner = target.joiner if target.joins_columns else None
    if target.type == TEXT:
        parse = None
    else:
        date_format, zone_name = compiled.mapping.date_format, compiled.mapping.time_zone
        parse = values.parse_datetime if target.type == DATETIME else values.parse_date
        # The zone found once, not per cell (a name that is not a zone stays, to fail as before).
        time_zone = values.zone_for(zone_name) if values.valid_time_zone(zone_name) else zone_name

    def text_of(cells: dict[str, str], among: tuple[str, ...]) -> str:
        if len(among) == 1:
            return (cells.get(among[0]) or "").strip()
        if len(among) == 2:  # a date and a time, say: the usual pair, without a list
            first, second = (cells.get(among[0]) or "").strip(), (cells.get(among[1]) or "").strip()
            if first and second:
                return f"{first}{joiner}{second}" if joiner is not None else first
            return first or second
        parts = [text for text in [(cells.get(c) or "").strip() for c in among] if text]
        if not parts:
            return ""
        return joiner.join(parts) if joiner is not None else parts[0]

    def read(cells: dict[str, str]) -> tuple[str, Any]:
        text = text_of(cells, sources) if sources else ""
        if not text and fallbacks:
            text = text_of(cells, fallbacks)
        if not text:
            return text, _BLANK
        if parse is None:
            return text, text
        try:
            return text, parse(text, date_format, time_zone)
        except ValueError as exc:
            return text, _Failed(str(exc))

    return target.name, column, columns, memo, read


def convert(
    target: TargetField, text: str, date_format: str, time_zone: str = "", clock: str = values.CLOCK_HOURS
) -> Any:
    if target.type == INTEGER:
        return values.parse_int(text, target.minimum, target.maximum)
    if target.type == MINUTES:
        return values.parse_minutes(text, maximum=target.maximum or 24 * 60, clock=clock)
    if target.type == DATETIME:
        return values.parse_datetime(text, date_format, time_zone)
    if target.type == DATE:
        return values.parse_date(text, date_format, time_zone)
    if target.type == TAGS:
        return values.parse_tags(text)
    if target.type in (TEXT, CHOICE):
        return text
    raise ValueError(f"unknown field type {target.type!r}")


def compile_mapping(importer: Importer, mapping: Mapping, headers: list[str] | None) -> CompiledMapping:
    """Check a mapping against the importer's fields and the file's columns.

    Raises ValidationError keyed by target field (or "date_format", "columns") with every
    problem at once: a column that is not in the file, a required field with no column and
    no default, a default or a value-map target of the wrong type. With `headers=None` (saving
    a mapping with no file at hand) the columns are taken as given."""
    errors: dict[str, list[str]] = {}
    known = {f.name for f in importer.fields}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    if mapping.wide:
        if not importer.takes_wide:
            add("wide", f"{importer.label} takes one row per record; it does not read wide tables.")
        elif headers is not None and WIDE_PERIOD not in headers:
            # The file as uploaded: check its period headers, then map the unfolded columns.
            kept, periods = wide_columns(headers, mapping.wide.get("keep", []))
            missing = [
                c for c in mapping.wide.get("keep", []) if normalize_header(c) not in map(normalize_header, kept)
            ]
            for column in missing:
                add("wide", f"Column {column!r} is not in the file (its columns are: {_columns_text(headers)}).")
            if not periods:
                add("wide", "Every column is kept on the row, so no column holds periods: leave at least one out.")
            for column, problem in importer.wide_header_problems(periods).items():
                add("wide", f"Column {column!r}: {problem}")
            headers = [*kept, WIDE_PERIOD, WIDE_VALUE]
    by_key = {normalize_header(h): h for h in headers} if headers is not None else None

    for name in sorted(
        set(mapping.columns) | set(mapping.constants) | set(mapping.value_maps) | set(mapping.fallbacks)
    ):
        if name not in known:
            add("columns", f"{name!r} is not a field of {importer.label} (fields: {', '.join(sorted(known))}).")
    if not values.valid_date_format(mapping.date_format):
        add("date_format", f"{mapping.date_format!r} is not a date order (mdy, dmy, ymd) or a strptime format.")
    if not values.valid_time_zone(mapping.time_zone):
        add("time_zone", f"{mapping.time_zone!r} is not a time zone name such as America/Los_Angeles or Europe/London.")

    def resolve(target: TargetField, wanted: list[str]) -> list[str]:
        resolved = []
        for column in wanted:
            actual = column if by_key is None else by_key.get(normalize_header(column))
            if actual is None:
                add(
                    target.name,
                    f"Column {column!r} is not in the file (its columns are: {_columns_text(headers or [])}).",
                )
            elif mapping.treatments.get(actual) == DROP:
                add(target.name, f"Column {actual!r} is left out of the import (privacy); it cannot feed a field.")
            else:
                resolved.append(actual)
        return resolved

    sources: dict[str, list[str]] = {}
    fallbacks: dict[str, list[str]] = {}
    value_maps: dict[str, dict[str, str]] = {}
    ranges: dict[str, list[tuple[float, float, str]]] = {}
    constants: dict[str, Any] = {}
    for target in importer.fields:
        wanted = [c for c in mapping.columns.get(target.name, []) if c and c.strip()]
        if len(wanted) > target.max_columns:
            add(target.name, f"{target.label} takes at most {target.max_columns} column(s); {len(wanted)} are mapped.")
        sources[target.name] = resolve(target, wanted)
        fallback = [c for c in mapping.fallbacks.get(target.name, []) if c and c.strip()]
        if fallback:
            if len(fallback) > target.max_columns:
                add(target.name, f"{target.label} takes at most {target.max_columns} fallback column(s).")
            fallbacks[target.name] = resolve(target, fallback)

        raw_map = mapping.value_maps.get(target.name) or {}
        if raw_map and not target.takes_value_map:
            add(target.name, f"{target.label} takes no value map; set the date order instead.")
        value_maps_for = {}
        ranges_for = []
        for source, result in raw_map.items():
            if result != "" and target.type in (INTEGER, MINUTES):
                try:
                    convert(target, result, mapping.date_format)
                except ValueError as exc:
                    add(target.name, f"Value map '{source} = {result}': {exc}.")
            span = parse_range(source)
            if span is not None:
                ranges_for.append((span[0], span[1], result))
            value_maps_for[ANY_OTHER if source.strip() == ANY_OTHER else normalize_value(source)] = result
        if raw_map:
            value_maps[target.name] = value_maps_for
        if ranges_for:
            ranges[target.name] = sorted(ranges_for)

        constant = (mapping.constants.get(target.name) or "").strip()
        if constant:
            try:
                constants[target.name] = convert(
                    target,
                    constant,
                    mapping.date_format,
                    mapping.time_zone if values.valid_time_zone(mapping.time_zone) else "",
                    mapping.clock,
                )
            except ValueError as exc:
                add(target.name, f"Default: {exc}.")
        if target.required and not wanted and not constant:
            add(target.name, f"{target.label} is required: choose a column or give a default for the whole file.")
    if not errors and constants:
        try:
            importer.clean_constants(constants)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                for message in messages:
                    add(key, f"Default: {message}")
    if errors:
        raise ValidationError(
            {
                key: [ValidationError(m, code="imports.mapping_invalid") for m in messages]
                for key, messages in errors.items()
            }
        )
    lengths = {column for column, how in mapping.treatments.items() if how == LENGTH}
    return CompiledMapping(
        mapping,
        list(importer.fields),
        sources,
        value_maps,
        constants,
        fallbacks=fallbacks,
        ranges=ranges,
        lengths=lengths,
    )


def _columns_text(headers: list[str]) -> str:
    shown = ", ".join(headers[:40])
    return shown + (f" … and {len(headers) - 40} more" if len(headers) > 40 else "")


def prepared_file(parsed: ParsedFile, mapping: Mapping) -> ParsedFile:
    """The file as the mapping reads it: long-format rows folded into one per group; a wide
    table unfolded into one row per figure."""
    if mapping.long_format:
        parsed = fold_long(parsed, mapping.long_format)
    if mapping.wide:
        parsed = unfold_wide(parsed, mapping.wide.get("keep", []))
    return parsed


# --- Starting points: a preset, or a guess from the header ---------------------------------


def _find(headers: list[str], names: tuple[str, ...]) -> list[str] | None:
    by_key = {normalize_header(h): h for h in headers}
    found = [by_key.get(normalize_header(n)) for n in names]
    return None if any(f is None for f in found) else [f for f in found if f]


def mapping_from_preset(preset: Preset, headers: list[str]) -> Mapping:
    """The preset's mapping, using the file's own spelling of each column it finds."""
    columns: dict[str, list[str]] = {}
    for target, alternatives in preset.columns.items():
        for names in alternatives:
            found = _find(headers, names)
            if found:
                columns[target] = found
                break
    fallbacks: dict[str, list[str]] = {}
    for target, alternatives in preset.fallbacks.items():
        for names in alternatives:
            found = _find(headers, names)
            if found and found != columns.get(target):
                fallbacks[target] = found
                break
    return Mapping(
        columns=columns,
        constants=dict(preset.constants),
        value_maps={k: dict(v) for k, v in preset.value_maps.items()},
        date_format=preset.date_format,
        source=preset.source or preset.key,
        fallbacks=fallbacks,
        clock=preset.clock,
        long_format=dict(preset.long_format),
        wide=importer_wide_guess(preset, headers),
    )


def preset_for_headers(importer: Importer, headers: list[str]) -> Preset | None:
    for preset in importer.presets:
        if preset.signature and _find(headers, preset.signature):
            return preset
    return None


def mapping_guess(importer: Importer, headers: list[str]) -> Mapping:
    """Map each target to the first column named like it (its name, label or an alias). A
    file that looks like a wide table (ADR 0050) is guessed as one: its kept columns and the
    two unfolded ones are what the targets map to."""
    wide = importer.wide_guess(headers) if importer.takes_wide else {}
    if wide:
        headers = [*wide_columns(headers, wide["keep"])[0], WIDE_PERIOD, WIDE_VALUE]
    columns: dict[str, list[str]] = {}
    taken: set[str] = set()
    for target in importer.fields:
        for candidate in (target.name, target.label, *target.aliases):
            found = _find(headers, (candidate,))
            if found and found[0] not in taken:
                columns[target.name] = found
                taken.add(found[0])
                break
    return Mapping(columns=columns, wide=wide)


def importer_wide_guess(preset: Preset, headers: list[str]) -> dict[str, list[str]]:
    """A preset for wide tables keeps the columns it names that the file has."""
    if not preset.wide_keep:
        return {}
    return {"keep": [h for h in headers if normalize_header(h) in {normalize_header(k) for k in preset.wide_keep}]}
