"""Forms for the import screens: the upload, and the column-mapping form built from an
importer's target fields and the uploaded file's columns."""

from __future__ import annotations

import json
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from liaison.imports import values
from liaison.imports.mapping import (
    LONG_FORMAT_KEYS,
    TREATMENTS,
    Mapping,
    compile_mapping,
    value_map_from_text,
    value_map_to_text,
)
from liaison.imports.parsing import WIDE_PERIOD, WIDE_VALUE
from liaison.imports.registry import Importer, importer_choices
from liaison.imports.screening import Flag
from liaison.imports.storage import import_max_bytes, size_error

NOT_MAPPED = ""
CUSTOM_FORMAT = "custom"


class UploadForm(forms.Form):
    importer = forms.ChoiceField(label="What the file holds")
    file = forms.FileField(
        label="File",
        help_text="A CSV (any delimiter, UTF-8 or Windows encoding) or an Excel .xlsx workbook.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = importer_choices()
        self.fields["importer"].choices = choices
        if len(choices) == 1:
            self.fields["importer"].initial = choices[0][0]
        limit_mb = import_max_bytes() / 1048576
        self.fields["file"].help_text += f" Up to {limit_mb:.0f} MB."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > import_max_bytes():
            raise ValidationError(size_error(upload.size).message_dict["file"])
        return upload


def time_zone_choices() -> list[tuple[str, str]]:
    site = settings.TIME_ZONE
    return [
        ("", f"Campus time ({site})"),
        *((name, name.replace("_", " ")) for name in sorted(available_timezones())),
    ]


class MappingForm(forms.Form):
    """One group of inputs per target field: the column(s) it comes from, a default for the
    whole file, and a value map written as "source = target" lines."""

    start = forms.CharField(required=False, widget=forms.HiddenInput)
    date_format = forms.ChoiceField(
        label="Dates in the file",
        choices=[*values.DATE_ORDERS.items(), (CUSTOM_FORMAT, "Another format (write it below)")],
        help_text="ISO dates (2021-03-24) are understood whatever you choose.",
    )
    date_format_custom = forms.CharField(
        label="Date format",
        required=False,
        help_text="Python strptime codes, e.g. %d.%m.%Y %H:%M",
        max_length=60,
    )
    time_zone = forms.ChoiceField(
        label="Times in the file are in",
        required=False,
        help_text="Choose where the log was kept when it comes from another campus; times with an offset (…+02:00, …Z) keep it.",
    )
    source = forms.ChoiceField(
        label="The file comes from",
        required=False,
        help_text="Part of every row's identity: Gimlet's question 800 and LibAnswers' 800 are two rows.",
    )
    clock = forms.ChoiceField(
        label="A duration written 1:30 means",
        choices=list(values.CLOCKS.items()),
        required=False,
    )
    # Carried through the page unchanged: the preset's long-format folding (Desk Tracker).
    long_format = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        importer: Importer,
        headers: list[str],
        initial_mapping: Mapping | None = None,
        flagged: list[Flag] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.headers = headers
        self.flagged = flagged or []
        self.fields["time_zone"].choices = time_zone_choices()
        current_source = (initial_mapping.source if initial_mapping else "") or str(self.data.get("source") or "")
        sources = [("", "A spreadsheet or another tool"), *((p.source or p.key, p.label) for p in importer.presets)]
        if current_source and current_source not in dict(sources):
            sources.append((current_source, current_source))
        self.fields["source"].choices = sources
        for index, flag in enumerate(self.flagged):
            self.fields[self.treatment_key(index)] = forms.ChoiceField(
                label=flag.column,
                choices=[("", "Import it as it is"), *TREATMENTS.items()],
                required=False,
                help_text=flag.reason,
            )
        self.mapping: Mapping | None = None
        # A saved mapping may name columns this file lacks: offer them, so the check says so.
        missing = []
        wanted = [c for cols in (initial_mapping.columns.values() if initial_mapping else []) for c in cols]
        if self.is_bound:
            wanted += [v for k, v in self.data.items() if k.startswith("col__") and isinstance(v, str)]
        known = {h.casefold() for h in headers}
        for column in wanted:
            if column and column.casefold() not in known and column not in missing:
                missing.append(column)
        unfolded = []
        if importer.takes_wide and WIDE_PERIOD not in headers:
            # A wide table's two unfolded columns, offered whether or not the box is ticked yet.
            unfolded = [(WIDE_PERIOD, f"{WIDE_PERIOD}: wide table"), (WIDE_VALUE, f"{WIDE_VALUE}: wide table")]
            missing = [c for c in missing if c not in (WIDE_PERIOD, WIDE_VALUE)]
            self.fields["wide"] = forms.BooleanField(
                label="The columns after the first ones are periods (a wide table: one column per month)",
                required=False,
                help_text=f"Each figure becomes one row: its column's header is read as the period "
                f"({WIDE_PERIOD!r}) and the figure as the value ({WIDE_VALUE!r}). "
                "Blank, '-' and 'n/a' cells hold no figure.",
            )
            self.fields["wide_keep"] = forms.MultipleChoiceField(
                label="Columns that describe the row (every other column is a period)",
                choices=[(h, h) for h in headers],
                required=False,
                widget=forms.SelectMultiple(attrs={"size": min(6, max(2, len(headers)))}),
            )
        column_choices = [
            (NOT_MAPPED, "— not mapped —"),
            *[(h, h) for h in headers],
            *unfolded,
            *[(c, f"{c} (not in this file)") for c in missing],
        ]
        for target in importer.fields:
            for index in range(target.max_columns):
                if index == 0:
                    label = "Column in the file"
                elif target.joins_columns:
                    label = f"Joined with column {index + 1}"
                else:
                    label = f"Else column {index + 1} (when the ones before are blank)"
                self.fields[self.column_key(target.name, index)] = forms.ChoiceField(
                    label=label,
                    choices=column_choices,
                    required=False,
                )
            choices = importer.constant_choices(target.name)
            if choices is not None:
                constant = forms.ChoiceField(choices=[("", "— none —"), *choices], required=False)
            else:
                constant = forms.CharField(required=False, max_length=200)
            constant.label = "Default for the whole file"
            self.fields[self.constant_key(target.name)] = constant
            self.fields[self.fallback_key(target.name)] = forms.ChoiceField(
                label="Where it is blank, use column", choices=column_choices, required=False
            )
            if target.takes_value_map:
                self.fields[self.value_map_key(target.name)] = forms.CharField(
                    label="Value map",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                    help_text="One per line: value in the file = value to store. '* = …' catches the rest.",
                )
        if initial_mapping is not None and not self.is_bound:
            self.initial.update(self.initial_from(initial_mapping))

    @staticmethod
    def column_key(name: str, index: int) -> str:
        return f"col__{name}__{index}"

    @staticmethod
    def constant_key(name: str) -> str:
        return f"const__{name}"

    @staticmethod
    def value_map_key(name: str) -> str:
        return f"map__{name}"

    @staticmethod
    def fallback_key(name: str) -> str:
        return f"fb__{name}"

    @staticmethod
    def treatment_key(index: int) -> str:
        return f"treat__{index}"

    def treatments(self) -> list:
        return [self[self.treatment_key(i)] for i in range(len(self.flagged))]

    def initial_from(self, mapping: Mapping) -> dict:
        by_key = {h.casefold(): h for h in self.headers}
        initial: dict[str, str] = {}
        for target in self.importer.fields:
            for index, column in enumerate(mapping.columns.get(target.name, [])[: target.max_columns]):
                initial[self.column_key(target.name, index)] = by_key.get(column.casefold(), column)
            if target.name in mapping.constants:
                initial[self.constant_key(target.name)] = mapping.constants[target.name]
            if target.takes_value_map and mapping.value_maps.get(target.name):
                initial[self.value_map_key(target.name)] = value_map_to_text(mapping.value_maps[target.name])
            fallback = mapping.fallbacks.get(target.name) or []
            if fallback:
                initial[self.fallback_key(target.name)] = by_key.get(fallback[0].casefold(), fallback[0])
        for index, flag in enumerate(self.flagged):
            initial[self.treatment_key(index)] = mapping.treatments.get(flag.column, "")
        initial["source"] = mapping.source
        initial["clock"] = mapping.clock
        initial["long_format"] = json.dumps(mapping.long_format) if mapping.long_format else ""
        if "wide" in self.fields:
            initial["wide"] = bool(mapping.wide)
            keep = {k.casefold() for k in mapping.wide.get("keep", [])}
            initial["wide_keep"] = [h for h in self.headers if h.casefold() in keep]
        if mapping.date_format in values.DATE_ORDERS:
            initial["date_format"] = mapping.date_format
        else:
            initial["date_format"] = CUSTOM_FORMAT
            initial["date_format_custom"] = mapping.date_format
        initial["time_zone"] = mapping.time_zone
        return initial

    def groups(self) -> list[dict]:
        """The inputs of each target, for the template."""
        out = []
        for target in self.importer.fields:
            columns = [self[self.column_key(target.name, i)] for i in range(target.max_columns)]
            value_map = self[self.value_map_key(target.name)] if target.takes_value_map else None
            out.append(
                {
                    "target": target,
                    "column": columns[0],
                    "more_columns": columns[1:],
                    "more_columns_used": any(c.value() or c.errors for c in columns[1:]),
                    "constant": self[self.constant_key(target.name)],
                    "fallback": self[self.fallback_key(target.name)],
                    "value_map": value_map,
                    "value_map_used": bool(value_map is not None and (value_map.value() or value_map.errors)),
                    "errors": [e for c in columns for e in c.errors],
                }
            )
        return out

    def clean(self):
        data = super().clean()
        columns: dict[str, list[str]] = {}
        constants: dict[str, str] = {}
        value_maps: dict[str, dict[str, str]] = {}
        fallbacks: dict[str, list[str]] = {}
        for target in self.importer.fields:
            fallback = data.get(self.fallback_key(target.name))
            if fallback:
                fallbacks[target.name] = [fallback]
            picked = [data.get(self.column_key(target.name, i)) for i in range(target.max_columns)]
            picked = [p for p in picked if p]
            if picked:
                columns[target.name] = picked
            constant = (data.get(self.constant_key(target.name)) or "").strip()
            if constant:
                constants[target.name] = constant
            if target.takes_value_map:
                try:
                    parsed = value_map_from_text(
                        data.get(self.value_map_key(target.name)) or "", field_label="Value map"
                    )
                except ValidationError as exc:
                    self.add_error(self.value_map_key(target.name), exc)
                    continue
                if parsed:
                    value_maps[target.name] = parsed
        date_format = data.get("date_format") or values.DEFAULT_DATE_ORDER
        if date_format == CUSTOM_FORMAT:
            date_format = (data.get("date_format_custom") or "").strip()
            if not date_format:
                self.add_error("date_format_custom", "Write the date format, e.g. %d.%m.%Y %H:%M.")
                date_format = values.DEFAULT_DATE_ORDER
        # Check the rest even when a value map or the date format is wrong: every problem at once.
        time_zone = (data.get("time_zone") or "").strip()
        treatments = {
            flag.column: data.get(self.treatment_key(i)) or ""
            for i, flag in enumerate(self.flagged)
            if data.get(self.treatment_key(i))
        }
        mapping = Mapping(
            columns=columns,
            constants=constants,
            value_maps=value_maps,
            date_format=date_format,
            time_zone=time_zone,
            source=data.get("source") or "",
            fallbacks=fallbacks,
            clock=data.get("clock") or values.CLOCK_HOURS,
            long_format=long_format_from_text(data.get("long_format") or ""),
            treatments=treatments,
            wide={"keep": list(data.get("wide_keep") or [])} if data.get("wide") else {},
        )
        try:
            compile_mapping(self.importer, mapping, self.headers)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                field = self._field_for(key)
                for message in messages:
                    self.add_error(field, message)
            return data
        if not self.errors:
            self.mapping = mapping
        return data

    def _field_for(self, key: str) -> str | None:
        if key == "time_zone":
            return "time_zone"
        if key == "wide" and "wide" in self.fields:
            return "wide"
        if key == "date_format":
            return "date_format_custom" if self.data.get("date_format") == CUSTOM_FORMAT else "date_format"
        if self.importer.field(key) is not None:
            return self.column_key(key, 0)
        return None


def long_format_from_text(text: str) -> dict[str, str]:
    """The hidden field's JSON (from a preset); anything else is no folding."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in LONG_FORMAT_KEYS and isinstance(v, str) and v}


class SaveMappingForm(forms.Form):
    name = forms.CharField(label="Save this mapping as", max_length=100, required=True)
    description = forms.CharField(label="Description", max_length=300, required=False)
