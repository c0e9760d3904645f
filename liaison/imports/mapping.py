"""Column mappings: which columns of a file feed which target fields, with defaults and
value translations, and how one row is turned into a dict of typed values.

A mapping is plain data (it is stored as JSON on ImportMapping and snapshotted on each
ImportRun):

    columns     {"occurred_at": ["Date", "Time"], "kind": ["Question Type"]}
    constants   {"service_point": "joint-desk", "mode": "in_person"}   defaults for the file
    value_maps  {"kind": {"Reference": "research", "*": "other"}}     source value → target value
    date_format "mdy" | "dmy" | "ymd" | an explicit strptime format
    time_zone   "America/Los_Angeles": how to read times without an offset ("" = the site's)

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
from liaison.imports.parsing import SourceRow, normalize_header
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


@dataclass
class Mapping:
    columns: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = values.DEFAULT_DATE_ORDER
    time_zone: str = ""

    def as_json(self) -> dict[str, Any]:
        data = {
            "columns": {k: list(v) for k, v in sorted(self.columns.items()) if v},
            "constants": {k: v for k, v in sorted(self.constants.items()) if v not in ("", None)},
            "value_maps": {k: dict(v) for k, v in sorted(self.value_maps.items()) if v},
            "date_format": self.date_format,
        }
        if self.time_zone:  # absent when it is the site's, so older mappings keep their digest
            data["time_zone"] = self.time_zone
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
        return cls(
            columns={k: [v] if isinstance(v, str) else list(v) for k, v in columns.items()},
            constants={k: "" if v is None else str(v) for k, v in constants.items()},
            value_maps={k: {str(a): "" if b is None else str(b) for a, b in v.items()} for k, v in value_maps.items()},
            date_format=date_format,
            time_zone=time_zone.strip(),
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
    """A mapping checked against one file: real column names, normalised value maps, typed defaults."""

    mapping: Mapping
    fields: list[TargetField]
    sources: dict[str, list[str]]
    value_maps: dict[str, dict[str, str]]
    constants: dict[str, Any]

    def map_row(self, row: SourceRow) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """(typed values, errors by field, the text each value came from)."""
        mapped: dict[str, Any] = {}
        errors: dict[str, str] = {}
        raw: dict[str, str] = {}
        for target in self.fields:
            text = self._text_for(target, row)
            raw[target.name] = text
            if text == "":
                mapped[target.name] = self.constants.get(target.name)
                continue
            try:
                mapped[target.name] = convert(target, text, self.mapping.date_format, self.mapping.time_zone)
            except ValueError as exc:
                errors[target.name] = str(exc)
        return mapped, errors, raw

    def _text_for(self, target: TargetField, row: SourceRow) -> str:
        parts = []
        value_map = self.value_maps.get(target.name)
        for column in self.sources.get(target.name, ()):
            text = (row.values.get(column) or "").strip()
            if value_map is not None and text != "":
                key = normalize_value(text)
                text = value_map.get(key, value_map.get(ANY_OTHER, text))
            if text != "":
                parts.append(text)
        if not parts:
            return ""
        if target.joins_columns:
            return target.joiner.join(parts)
        return parts[0]


def convert(target: TargetField, text: str, date_format: str, time_zone: str = "") -> Any:
    if target.type == INTEGER:
        return values.parse_int(text, target.minimum, target.maximum)
    if target.type == MINUTES:
        return values.parse_minutes(text, maximum=target.maximum or 24 * 60)
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
    by_key = {normalize_header(h): h for h in headers} if headers is not None else None
    errors: dict[str, list[str]] = {}
    known = {f.name for f in importer.fields}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for name in sorted(set(mapping.columns) | set(mapping.constants) | set(mapping.value_maps)):
        if name not in known:
            add("columns", f"{name!r} is not a field of {importer.label} (fields: {', '.join(sorted(known))}).")
    if not values.valid_date_format(mapping.date_format):
        add("date_format", f"{mapping.date_format!r} is not a date order (mdy, dmy, ymd) or a strptime format.")
    if not values.valid_time_zone(mapping.time_zone):
        add("time_zone", f"{mapping.time_zone!r} is not a time zone name such as America/Los_Angeles or Europe/London.")

    sources: dict[str, list[str]] = {}
    value_maps: dict[str, dict[str, str]] = {}
    constants: dict[str, Any] = {}
    for target in importer.fields:
        wanted = [c for c in mapping.columns.get(target.name, []) if c and c.strip()]
        if len(wanted) > target.max_columns:
            add(target.name, f"{target.label} takes at most {target.max_columns} column(s); {len(wanted)} are mapped.")
        resolved = []
        for column in wanted:
            actual = column if by_key is None else by_key.get(normalize_header(column))
            if actual is None:
                add(
                    target.name,
                    f"Column {column!r} is not in the file (its columns are: {', '.join(headers or [])}).",
                )
            else:
                resolved.append(actual)
        sources[target.name] = resolved

        raw_map = mapping.value_maps.get(target.name) or {}
        if raw_map and not target.takes_value_map:
            add(target.name, f"{target.label} takes no value map; set the date order instead.")
        value_maps_for = {}
        for source, result in raw_map.items():
            if result != "" and target.type in (INTEGER, MINUTES):
                try:
                    convert(target, result, mapping.date_format)
                except ValueError as exc:
                    add(target.name, f"Value map '{source} = {result}': {exc}.")
            value_maps_for[ANY_OTHER if source.strip() == ANY_OTHER else normalize_value(source)] = result
        if raw_map:
            value_maps[target.name] = value_maps_for

        constant = (mapping.constants.get(target.name) or "").strip()
        if constant:
            try:
                constants[target.name] = convert(
                    target,
                    constant,
                    mapping.date_format,
                    mapping.time_zone if values.valid_time_zone(mapping.time_zone) else "",
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
    return CompiledMapping(mapping, list(importer.fields), sources, value_maps, constants)


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
    return Mapping(
        columns=columns,
        constants=dict(preset.constants),
        value_maps={k: dict(v) for k, v in preset.value_maps.items()},
        date_format=preset.date_format,
    )


def preset_for_headers(importer: Importer, headers: list[str]) -> Preset | None:
    for preset in importer.presets:
        if preset.signature and _find(headers, preset.signature):
            return preset
    return None


def mapping_guess(importer: Importer, headers: list[str]) -> Mapping:
    """Map each target to the first column named like it (its name, label or an alias)."""
    columns: dict[str, list[str]] = {}
    taken: set[str] = set()
    for target in importer.fields:
        for candidate in (target.name, target.label, *target.aliases):
            found = _find(headers, (candidate,))
            if found and found[0] not in taken:
                columns[target.name] = found
                taken.add(found[0])
                break
    return Mapping(columns=columns)
