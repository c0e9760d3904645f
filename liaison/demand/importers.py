"""Aggregate history into demand, through the imports app's preview-and-mapping flow (ADR 0050).

`demand_history` reads a figure per place per period from:

- long files: one row per figure (branch, month, count; or lab, hour, headcount; or a period
  written as an ISO-8601 interval, `2024-01-01/P1M`, `2024-01-01T09:00/2024-01-01T10:00`);
- wide tables: one row per branch and one column per month, as libraries publish them
  (`Library, 2008-04, 2008-05, …`, or `Apr-08`, `April 2008`, `2024-2`): tick "the columns are
  periods" on the mapping screen, and each figure becomes a row whose period is its column's
  header. A header that is not a period stops the check with its name.

Identity: measure, place and period. The same figure again is "already imported"; a stored
period whose figure differs from the file's is listed in the check ("N figures will be
corrected", with the first few) and corrected by the commit (the latest import wins). A period
repeated within one file with another figure is a rejected row naming the first one. Any
rejected row or cell: nothing is kept (imports' all-or-nothing commit).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from liaison.demand import selectors, services
from liaison.demand.models import Measure
from liaison.demand.periods import GRAINS, PeriodError, is_ambiguous, parse_period
from liaison.imports.parsing import WIDE_PERIOD, WIDE_VALUE
from liaison.imports.registry import CHOICE, TEXT, KeyedImporter, Preset, TargetField, register
from liaison.imports.values import zone_for
from liaison.places import selectors as places_selectors

MAX_VALUE = Decimal("1000000000000")
MEASURE_WORDS = {
    "visits": "visits", "visitors": "visits", "footfall": "visits", "gate count": "visits", "door count": "visits",
    "enquiries": "enquiries", "inquiries": "enquiries", "questions": "enquiries", "reference": "enquiries",
    "computer sessions": "computer_sessions", "pc sessions": "computer_sessions", "pc bookings": "computer_sessions",
    "computer use": "computer_use_percent", "pc use": "computer_use_percent", "computer utilisation": "computer_use_percent",
    "wifi users": "wifi_users", "wi-fi users": "wifi_users", "wifi sessions": "wifi_sessions",
    "wi-fi sessions": "wifi_sessions", "bandwidth": "bandwidth_gb", "printer pages": "printer_pages",
    "pages printed": "printer_pages", "headcount": "headcount", "head count": "headcount",
    "seat occupancy": "headcount", "occupancy": "headcount",
}  # fmt: skip


def _key(text: str) -> str:
    return " ".join(str(text or "").split()).casefold()


def parse_figure(text: str) -> Decimal:
    """'1,234' → 1234; '39%' → 39; '1 234' → 1234; '12.5' → 12.5. Refuses words and negatives."""
    raw = " ".join(str(text or "").split())
    cleaned = raw.replace("\u00a0", "").replace(" ", "")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if not raw:
        raise ValueError("the figure is blank")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number (write 1234 or 1,234; leave a cell with no figure blank)") from None
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a number")
    if value < 0:
        raise ValueError(f"{raw!r} is below zero; a count is zero or more")
    if value >= MAX_VALUE:
        raise ValueError(f"{raw!r} is far larger than any count")
    return value.quantize(Decimal("0.01"))


@register
class DemandHistoryImporter(KeyedImporter):
    key = "demand_history"
    label = "Aggregate history (visits, enquiries, computer use, headcounts …)"
    description = (
        "Monthly, daily or hourly figures per branch or lab: long (one row per figure) or wide (one column per "
        "month). Periods may be months (2024-03, Mar-24, April 2024), days, hours or ISO-8601 intervals."
    )
    takes_wide = True
    fields = (
        TargetField("measure", "Measure", CHOICE, required=True,
                    help="visits, enquiries, computer_sessions, computer_use_percent, wifi_users, wifi_sessions, "
                         "bandwidth_gb, printer_pages or headcount. Usually a default for the whole file.",
                    aliases=("measure", "metric", "statistic")),
        TargetField("place", "Place (branch, desk or lab)", TEXT, required=True,
                    help="A Liaison service point or lab by name or slug; any other name is kept as a branch.",
                    aliases=("library", "branch", "place", "location", "lab", "site")),
        TargetField("period", "Period", TEXT, required=True,
                    help="A month (2024-03, Mar-24), a day, an hour (2024-03-05T09:00) or an ISO-8601 interval "
                         "(2024-03-01/P1M). In a wide table, the column headers.",
                    aliases=(WIDE_PERIOD, "period", "month", "interval", "date", "hour")),
        TargetField("period_end", "Period ends", TEXT,
                    help="Only when the file gives the end in a column of its own (the end is excluded).",
                    aliases=("end", "period end", "to")),
        TargetField("value", "Figure", TEXT, required=True,
                    help="A number: 1234, 1,234, 12.5 or 39%. In a wide table, the cells.",
                    aliases=(WIDE_VALUE, "value", "count", "figure", "total", "headcount")),
    )  # fmt: skip
    presets = (
        Preset(
            key="wide_monthly",
            label="Wide table: one row per branch, one column per month",
            help="Library, 2008-04, 2008-05, … (Newcastle's open data and most council returns).",
            columns={
                "place": (("Library",), ("Branch",), ("Site",)),
                "period": ((WIDE_PERIOD,),),
                "value": ((WIDE_VALUE,),),
            },
            wide_keep=("Library", "Branch", "Site"),
            source="wide",
        ),
        Preset(
            key="hourly_headcount",
            label="Hourly headcounts (place, hour, count)",
            help="One row per lab and hour: Lab, Hour (2024-03-05 09:00), Count.",
            columns={
                "place": (("Lab",), ("Place",), ("Room",)),
                "period": (("Hour",), ("Period",)),
                "value": (("Count",), ("Headcount",)),
            },
            constants={"measure": "headcount"},
            source="headcount",
        ),
    )

    def __init__(self, *, actor=None, source_name: str = ""):
        super().__init__(actor=actor, source_name=source_name)
        self._places: dict[str, tuple[str, int | None, int | None]] | None = None
        self._ambiguous_seen: set[tuple[str, str, str]] = set()
        self._said: dict[str, Decimal] = {}
        self._corrections: list[str] = []
        self._correction_count = 0
        self._named_branches: set[str] = set()
        self._last_identity: str | None = None

    # --- wide tables ----------------------------------------------------------------------
    def wide_header_problems(self, headers: list[str]) -> dict[str, str]:
        zone = zone_for(self.time_zone)
        problems = {}
        for header in headers:
            try:
                parse_period(header, zone)
            except PeriodError as exc:
                problems[header] = f"{exc}. Keep it on the row (a column that describes the row) or rename it."
        return problems

    def wide_guess(self, headers: list[str]) -> dict[str, list[str]]:
        zone = zone_for(self.time_zone)
        periods = []
        for header in headers:
            try:
                parse_period(header, zone)
                periods.append(header)
            except PeriodError:
                pass
        if len(periods) < 3:
            return {}
        return {"keep": [h for h in headers if h not in periods]}

    # --- looking things up --------------------------------------------------------------
    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "measure":
            return list(Measure.choices)
        return None

    def places(self) -> dict[str, tuple[str, int | None, int | None]]:
        """name or slug (folded) → (name, service point id, room id): one query each."""
        if self._places is None:
            self._places = {}
            for room in places_selectors.lab_list():
                self._places.setdefault(_key(room.name), (room.name, None, room.pk))
            for point in places_selectors.service_point_choices(active_only=False):
                self._places[_key(point.name)] = (point.name, point.pk, None)
                self._places.setdefault(_key(point.slug), (point.name, point.pk, None))
        return self._places

    # --- rows ---------------------------------------------------------------------------
    def row_key(self, mapped: dict[str, Any]) -> str:
        return ""  # worked out in build_row, once the period is read

    def validate_row(self, mapped: dict[str, Any]) -> Any:
        return self.build_row(mapped, identity="")

    def source_id(self, mapped: dict[str, Any], tool: str) -> str | None:
        return self._last_identity

    def build_row(self, mapped: dict[str, Any], *, identity: str) -> Any:
        errors: dict[str, str] = {}
        measure = _key(mapped.get("measure") or "").replace("-", " ")
        measure = MEASURE_WORDS.get(measure, measure.replace(" ", "_"))
        if measure not in Measure.values:
            errors["measure"] = f"Unknown measure {mapped.get('measure')!r}; use one of {', '.join(Measure.values)}."
        place_text = " ".join(str(mapped.get("place") or "").split())
        if not place_text:
            errors["place"] = "The row names no place."
        elif len(place_text) > 120:
            errors["place"] = "A place's name is at most 120 characters."
        zone = zone_for(self.time_zone)
        period_text = str(mapped.get("period") or "")
        value_text = str(mapped.get("value") or "")
        period = None
        try:
            period = parse_period(period_text, zone, end_text=str(mapped.get("period_end") or ""))
        except PeriodError as exc:
            errors["period"] = f"{str(exc)[:1].upper()}{str(exc)[1:]}."
        try:
            value = parse_figure(value_text)
        except ValueError as exc:
            where = f" (period {period_text!r})" if period_text.strip() else ""
            errors["value"] = f"{str(exc)[:1].upper()}{str(exc)[1:]}{where}."
        if errors:
            raise ValidationError(errors)
        assert period is not None
        if measure == Measure.COMPUTER_USE and value > 100:
            raise ValidationError(
                {
                    "value": f"{value_text!r} is over 100% (period {period_text.strip()!r}): a share of the time cannot be."
                }
            )
        place_key = _key(place_text)
        name, point_id, room_id = self.places().get(place_key, (place_text, None, None))
        if point_id is None and room_id is None:
            self._named_branches.add(place_text)
        # The fall-back hour happens twice: its second sighting in a file is the second hour.
        local = period.start.astimezone(zone)
        if period.grain == "hour" and is_ambiguous(local.replace(tzinfo=zone)):
            seen = (measure, place_key, period_text.strip())
            if seen in self._ambiguous_seen:
                period = parse_period(period_text, zone, end_text=str(mapped.get("period_end") or ""), fold=1)
            else:
                self._ambiguous_seen.add(seen)
        identity = f"id:{measure}|{place_key}|{period.start.isoformat()}|{period.end.isoformat()}"
        self._last_identity = identity
        self._said.setdefault(identity, value)  # a repeat with another figure is rejected, not said
        return services.ObservationRow(
            measure=measure, place_name=name, place_key=_key(name), service_point_id=point_id, room_id=room_id,
            start=period.start, end=period.end, grain=period.grain, value=value,
        )  # fmt: skip

    def stored_identities(self, identities: list[str]) -> set[str]:
        """Identities stored with the same figure. Those stored with another are corrections:
        counted and listed in the check's notes, written by the commit."""
        stored = selectors.observation_values(identities)
        same = set()
        for identity in identities:
            said = self._said.pop(identity, None)  # asked once per chunk: memory stays a chunk's
            if identity not in stored:
                continue
            if stored[identity] == said:
                same.add(identity)
            else:
                self._correction_count += 1
                if len(self._corrections) < 5:
                    _m, place, start, _end = identity.removeprefix("id:").split("|", 3)
                    self._corrections.append(f"{place} from {start[:16]}: {stored[identity]} → {said}")
        return same

    def describe(self, obj: services.ObservationRow) -> dict[str, str]:
        return {
            "measure": Measure(obj.measure).label,
            "place": obj.place_name,
            "period": f"{GRAINS[obj.grain]} from {obj.start.astimezone(zone_for(self.time_zone)):%Y-%m-%d %H:%M}",
            "figure": f"{obj.value.normalize():f}",
        }

    def summary_notes(self, objects: list[Any]) -> list[str]:
        notes = []
        if self._correction_count:
            notes.append(
                f"{self._correction_count} figure(s) differ from the ones stored for the same place and period and "
                f"will be corrected to the file's (the latest import wins): {'; '.join(self._corrections)}"
                + ("; …" if self._correction_count > len(self._corrections) else "")
                + "."
            )
        if self._named_branches:
            names = sorted(self._named_branches)
            notes.append(
                f"{len(names)} place(s) are not Liaison service points or labs and are kept by name: "
                f"{', '.join(names[:20])}{' …' if len(names) > 20 else ''}."
            )
        return notes

    def commit(self, objects: list[services.ObservationRow]) -> int:
        return services.observations_import(actor=self.actor, rows=objects, run=self.run)

    def audit_summary(self, objects: list[Any]) -> dict[str, Any]:
        return {"corrected": self._correction_count}
