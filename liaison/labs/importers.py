"""The labs app's importers, registered with the imports app (`liaison.imports.registry`),
which finds them through `autodiscover_modules("importers")` and runs the preview, mapping,
row checks and all-or-nothing commit for them.

- `lab_assets`: devices from any CSV or a Snipe-IT asset export. Identity is the asset tag,
  so importing the same export again adds nothing (existing tags are "already imported"; the
  import does not change a stored device). Unknown makers and models are created on commit.
- `lab_print_log`: print jobs from a print log (PaperCut Print Logger CSV, PaperCut NG/MF
  print log with a header row, or any CSV with time, printer and pages), giving pages per
  printer per day. The user name column is never read. A printer is found by its asset tag,
  its name or its network address's first label (the print queue's name).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from liaison.accounts.selectors import department_list
from liaison.imports.registry import (
    CHOICE,
    DATE,
    DATETIME,
    INTEGER,
    TEXT,
    Importer,
    KeyedImporter,
    Preset,
    TargetField,
    register,
)
from liaison.imports.values import DateOnly, zone_for
from liaison.labs import selectors, services
from liaison.labs.models import Asset, Kind, PrintJob

SNIPE_STATUS = {
    "ready to deploy": "in_service",
    "deployed": "in_service",
    "deployable": "in_service",
    "in service": "in_service",
    "pending": "in_storage",
    "in storage": "in_storage",
    "undeployable": "in_storage",
    "out for repair": "in_service",
    "broken": "in_storage",
    "archived": "retired",
    "lost/stolen": "retired",
    "retired": "retired",
}
KIND_WORDS = {
    "desktop": "workstation",
    "desktops": "workstation",
    "computer": "workstation",
    "workstation": "workstation",
    "pc": "workstation",
    "laptop": "workstation",
    "printer": "printer",
    "printers": "printer",
    "label printer": "label_printer",
    "label printers": "label_printer",
    "scanner": "scanner",
    "scanners": "scanner",
    "copier": "copier",
    "mfp": "copier",
}


def _labs_by_name_or_number() -> dict[str, Any]:
    """The labs a file may name, by name or room number (first wins), for importers' look-ups."""
    rooms: dict[str, Any] = {}
    for room in selectors.labs():
        rooms.setdefault(_key(room.name), room)
        if room.number:
            rooms.setdefault(_key(room.number), room)
    return rooms


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@register
class LabAssetImporter(KeyedImporter):
    key = "lab_assets"
    label = "Lab devices"
    description = "Devices in the labs (workstations, printers, label printers …) from any CSV or a Snipe-IT export."
    identity_field = "tag"
    fields = (
        TargetField("tag", "Asset tag", TEXT, required=True, help="The tag on the device; it identifies the row.",
                    aliases=("asset tag", "asset_tag", "tag")),
        TargetField("name", "Name", TEXT, help="What people call it.", aliases=("asset name", "name")),
        TargetField("serial", "Serial", TEXT, aliases=("serial", "serial number")),
        TargetField("maker", "Maker", TEXT, required=True, aliases=("manufacturer", "make", "maker")),
        TargetField("model", "Model", TEXT, required=True, aliases=("model", "model name")),
        TargetField("kind", "Kind", CHOICE, required=True,
                    help="workstation, printer, label_printer, scanner, copier or other; Snipe-IT categories map.",
                    aliases=("category", "kind", "type")),
        TargetField("room", "Room or lab", CHOICE, required=True, help="A lab by its name or room number.",
                    aliases=("location", "room", "lab")),
        TargetField("owner", "Whose equipment", CHOICE, help="A department code: library or it.",
                    aliases=("department", "owner", "company")),
        TargetField("status", "Status", CHOICE, help="in_service, in_storage or retired; Snipe-IT status labels map.",
                    aliases=("status", "status label")),
        TargetField("in_service_on", "In service since", DATE, aliases=("purchase date", "in service")),
        TargetField("network_address", "Network address", TEXT, aliases=("ip address", "hostname", "address")),
        TargetField("notes", "Notes", TEXT, aliases=("notes",)),
    )  # fmt: skip
    presets = (
        Preset(
            key="snipe_it",
            label="Snipe-IT asset export (CSV)",
            help="Snipe-IT's Assets › Export. Category becomes the kind, Location the lab, Status Label the status.",
            columns={
                "tag": (("Asset Tag",),),
                "name": (("Asset Name",), ("Name",)),
                "serial": (("Serial",),),
                "maker": (("Manufacturer",),),
                "model": (("Model",),),
                "kind": (("Category",),),
                "room": (("Location",), ("Default Location",)),
                "status": (("Status",), ("Status Label",)),
                "in_service_on": (("Purchase Date",),),
                "notes": (("Notes",),),
            },
            constants={"owner": "library"},
            value_maps={"kind": KIND_WORDS, "status": SNIPE_STATUS},
            date_format="ymd",
            signature=("Asset Tag", "Manufacturer", "Category"),
        ),
    )

    def __init__(self, *, actor=None, source_name: str = ""):
        super().__init__(actor=actor, source_name=source_name)
        self._rooms: dict[str, Any] | None = None
        self._owners = {d.code: d for d in department_list()}
        self.new_models: set[tuple[str, str]] = set()

    def rooms(self) -> dict[str, Any]:
        if self._rooms is None:
            self._rooms = _labs_by_name_or_number()
        return self._rooms

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "owner":
            return [(code, d.name) for code, d in self._owners.items()]
        if field_name == "kind":
            return list(Kind.choices)
        if field_name == "status":
            return list(Asset.Status.choices)
        if field_name == "room":
            return [(r.name, r.name) for r in selectors.labs()]
        return None

    def stored_identities(self, identities: list[str]) -> set[str]:
        tags = {i.removeprefix("id:"): i for i in identities}
        stored = set(Asset.objects.filter(tag__in=list(tags)).values_list("tag", flat=True))
        return {tags[t] for t in stored}

    def build_row(self, mapped: dict[str, Any], *, identity: str) -> Any:
        errors: dict[str, str] = {}
        kind = _key(mapped.get("kind") or "").replace(" ", "_")
        kind = KIND_WORDS.get(kind.replace("_", " "), kind)
        if kind not in Kind.values:
            errors["kind"] = f"Unknown kind {mapped.get('kind')!r}; use one of {', '.join(Kind.values)}."
        room = self.rooms().get(_key(mapped.get("room") or ""))
        if room is None:
            errors["room"] = f"No lab is called {mapped.get('room')!r}."
        owner = self._owners.get(_key(mapped.get("owner") or "library"))
        if owner is None:
            errors["owner"] = f"No department has the code {mapped.get('owner')!r}."
        status = _key(mapped.get("status") or "in_service").replace(" ", "_")
        status = SNIPE_STATUS.get(status.replace("_", " "), status)
        if status not in Asset.Status.values:
            errors["status"] = f"Unknown status {mapped.get('status')!r}."
        when = mapped.get("in_service_on")
        try:
            services.asset_import_check(
                tag=mapped.get("tag") or "", name=mapped.get("name") or "", serial=mapped.get("serial") or "",
                maker=mapped.get("maker") or "", model=mapped.get("model") or "",
                network_address=mapped.get("network_address") or "", notes=mapped.get("notes") or "",
            )  # fmt: skip
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
        if errors:
            raise ValidationError(errors)
        self.new_models.add((mapped["maker"].strip(), mapped["model"].strip()))
        return services.AssetImportRow(
            tag=mapped["tag"].strip(), name=(mapped.get("name") or "").strip(), serial=(mapped.get("serial") or "").strip(),
            maker=mapped["maker"].strip(), model=mapped["model"].strip(), kind=kind, room=room, owner=owner,
            status=status, in_service_on=when if isinstance(when, dt.date) else None,
            network_address=(mapped.get("network_address") or "").strip(), notes=(mapped.get("notes") or "").strip(),
        )  # fmt: skip

    def describe(self, obj: services.AssetImportRow) -> dict[str, str]:
        return {"tag": obj.tag, "model": f"{obj.maker} {obj.model}", "kind": obj.kind, "lab": obj.room.name,
                "status": obj.status}  # fmt: skip

    def commit(self, objects: list[services.AssetImportRow]) -> int:
        return services.assets_import(actor=self.actor, rows=objects)


@register
class PrintLogImporter(Importer):
    key = "lab_print_log"
    label = "Print logs"
    description = "Print jobs from PaperCut (Print Logger CSV or NG/MF log) or any CSV: pages per printer per day."
    fields = (
        TargetField("printed_at", "Printed at", DATETIME, required=True, max_columns=2,
                    help="When the job printed; date and time may come from two columns.",
                    aliases=("time", "date", "usage date", "printed at")),
        TargetField("printer", "Printer", CHOICE, required=True,
                    help="The printer's asset tag, its name, or its print queue (the address's first part).",
                    aliases=("printer", "printer name", "queue")),
        TargetField("pages", "Pages", INTEGER, required=True, minimum=0, maximum=100_000,
                    aliases=("pages", "total pages")),
        TargetField("copies", "Copies", INTEGER, minimum=1, maximum=10_000, help="Pages are multiplied by it.",
                    aliases=("copies",)),
    )  # fmt: skip
    presets = (
        Preset(
            key="papercut_logger",
            label="PaperCut Print Logger (daily CSV)",
            help="papercut-print-log-YYYY-MM-DD.csv. Delete the first line (the 'PaperCut Print Logger' banner) first.",
            columns={
                "printed_at": (("Time",),),
                "printer": (("Printer",),),
                "pages": (("Pages",),),
                "copies": (("Copies",),),
            },
            date_format="ymd",
            signature=("Time", "User", "Pages", "Copies", "Printer", "Document Name"),
        ),
        Preset(
            key="papercut_ngmf",
            label="PaperCut NG/MF print log (tab-separated, with a header row)",
            help="printlog_yyyy_mm_dd.log with its documented columns named in a header row.",
            columns={
                "printed_at": (("Date", "Time"), ("Date",)),
                "printer": (("Printer Name",), ("Printer",)),
                "pages": (("Total pages",), ("Pages",)),
            },
            date_format="ymd",
            signature=("Server Name", "Printer Name", "Total pages"),
        ),
    )

    def __init__(self, *, actor=None, source_name: str = ""):
        super().__init__(actor=actor, source_name=source_name)
        self._printers: dict[str, Asset] | None = None

    def printers(self) -> dict[str, Asset]:
        if self._printers is None:
            self._printers = {}
            for asset in Asset.objects.filter(kind__in=["printer", "label_printer", "copier"]):
                for name in (asset.tag, asset.name, asset.network_address.split("://")[-1].split(".")[0]):
                    if name:
                        self._printers.setdefault(_key(name), asset)
        return self._printers

    # A print log has no job ids: a job's identity is what it says (printer, time, pages), and
    # two identical jobs in one file stay two (the engine numbers the second; ADR 0040).
    def content_key(self, obj: PrintJob) -> Any:
        return [obj.asset.pk, obj.printed_at.isoformat(), obj.pages]

    def assign_identity(self, obj: PrintJob, identity: str) -> None:
        obj.import_identity = self._stored_key(identity)

    def existing_identities(self, identities: list[tuple[str, str]], tool: str) -> set[str]:
        keys = {self._stored_key(i): i for i, _legacy in identities}
        found = set()
        ids = list(keys)
        for start in range(0, len(ids), 900):
            found.update(PrintJob.objects.filter(import_identity__in=ids[start : start + 900]).values_list(
                "import_identity", flat=True))  # fmt: skip
        return {keys[k] for k in found}

    @staticmethod
    def _stored_key(identity: str) -> str:
        return "print:" + hashlib.sha256(identity.encode()).hexdigest()[:60]

    def validate_row(self, mapped: dict[str, Any]) -> PrintJob:
        errors: dict[str, str] = {}
        printer = self.printers().get(_key(mapped.get("printer") or ""))
        if printer is None:
            errors["printer"] = f"No printer has the tag, name or queue {mapped.get('printer')!r}."
        when = mapped.get("printed_at")
        if isinstance(when, DateOnly):
            when = dt.datetime.combine(when.date, dt.time(12, 0), tzinfo=zone_for(self.time_zone))
        if not isinstance(when, dt.datetime):
            errors["printed_at"] = "No date and time."
        if errors:
            raise ValidationError(errors)
        pages = int(mapped.get("pages") or 0) * int(mapped.get("copies") or 1)
        return PrintJob(asset=printer, printed_at=when, pages=pages)

    def describe(self, obj: PrintJob) -> dict[str, str]:
        return {"printer": obj.asset.tag, "printed at": f"{obj.printed_at:%Y-%m-%d %H:%M}", "pages": str(obj.pages)}

    def commit(self, objects: list[PrintJob]) -> int:
        return services.print_jobs_import(rows=objects)


# --- Hourly headcounts (ADR 0059) -------------------------------------------------------------

AREA_SLOTS = 6
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_HOUR = re.compile(
    r"^(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\s*(?P<ap>[ap])?\.?m?\.?"
    r"(?:\s*(?:-|–|—|to|until)\s*(?P<h2>\d{1,2})(?::?(?P<m2>\d{2}))?\s*(?P<ap2>[ap])?\.?m?\.?)?$"
)


def parse_hour(text: str) -> tuple[int, int]:
    """The hour a count belongs to, and the minutes past it the sheet named: '9', '09:00',
    '9am', '9:00 PM', '14h', '1400', '9-10', '9–10am', '11-12pm', '09:00 - 10:00'."""
    cleaned = " ".join(str(text).lower().replace("h", "").split())
    match = _HOUR.match(cleaned)
    if not match:
        raise ValueError(f"{text!r} is not an hour (e.g. 9, 09:00, 9am, 9-10am, 14:00).")
    hour, minute = int(match["h"]), int(match["m"] or 0)
    meridiem = match["ap"]
    if meridiem is None and match["ap2"] is not None and match["h2"] is not None:
        end = int(match["h2"])
        meridiem = match["ap2"]
        if hour == 12 and end < 12:
            meridiem = "p"  # 12-1pm: noon to one
        elif (end == 12 and hour < 12) or hour > end:
            meridiem = "a" if match["ap2"] == "p" else "p"  # 11-12pm: eleven in the morning
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError(f"{text!r}: {hour} is not an hour on a 12-hour clock.")
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not an hour of the day.")
    return hour, minute


@dataclass
class HeadcountRow:
    room: Any
    hour_start: dt.datetime
    total: int
    areas: list[tuple[str, int]]
    identity: str = ""


@register
class HeadcountImporter(Importer):
    key = "lab_headcounts"
    label = "Hourly headcounts"
    description = (
        "People counted per hour in a lab, from a door counter export or a manual count sheet: a total and up to "
        f"{AREA_SLOTS} areas. Disagreements (a weekday that is not the date's, areas that do not add up to the "
        "total) are reported as warnings and kept as the sheet says, never corrected."
    )
    fields = (
        TargetField("room", "Lab", CHOICE, required=True, help="The lab counted, by its name or room number.",
                    aliases=("lab", "room", "location", "site")),
        TargetField("date", "Date", DATETIME, required=True,
                    help="The day counted (a date and time in one cell is read too).",
                    aliases=("date", "day date", "count date", "timestamp", "date/time")),
        TargetField("hour", "Hour", TEXT, help="The hour counted: 9, 09:00, 9am, 9-10am, 14:00 … "
                    "(blank when the date cell carries the time).", aliases=("hour", "time", "time slot", "period")),
        TargetField("weekday", "Weekday", TEXT, help="The sheet's weekday column, checked against the date.",
                    aliases=("weekday", "day", "day of week")),
        TargetField("total", "Total", INTEGER, minimum=0, maximum=100_000, help="People in the whole lab.",
                    aliases=("total", "count", "headcount", "people", "entries")),
        TargetField("area_names", "Area names", TEXT,
                    help="The names of areas 1–6, separated by commas, in order (e.g. 'Quiet room, Group study, "
                    "PCs'). Set it once as the default."),
        *(TargetField(f"area_{n}", f"Area {n} count", INTEGER, minimum=0, maximum=100_000)
          for n in range(1, AREA_SLOTS + 1)),
    )  # fmt: skip
    presets = (
        Preset(
            key="count_sheet",
            label="Manual count sheet (Date, Day, Time, areas, Total)",
            help="The paper sheet typed up: one row per hour, a column per area and a total.",
            columns={
                "date": (("Date",),),
                "hour": (("Time",), ("Hour",)),
                "weekday": (("Day",), ("Weekday",)),
                "total": (("Total",),),
                "room": (("Lab",), ("Room",)),
                "area_1": (("Quiet study",),),
                "area_2": (("Group tables",),),
                "area_3": (("Computers",),),
            },
            constants={"area_names": "Quiet study, Group tables, Computers"},
            signature=("Date", "Day", "Time", "Total"),
        ),
        Preset(
            key="door_counter",
            label="Door counter export (hourly, one lab)",
            help="An hourly export from a door or people counter: a timestamp and the count.",
            columns={
                "date": (("Timestamp",), ("Date/Time",), ("Date",)),
                "total": (("Count",), ("Entries",), ("In",)),
                "room": (("Location",), ("Site",)),
            },
            date_format="ymd",
            signature=("Timestamp", "Count"),
        ),
    )

    def __init__(self, *, actor=None, source_name: str = ""):
        super().__init__(actor=actor, source_name=source_name)
        self._rooms: dict[str, Any] | None = None
        self._key: str = ""

    def rooms(self) -> dict[str, Any]:
        if self._rooms is None:
            self._rooms = _labs_by_name_or_number()
        return self._rooms

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "room":
            return [(r.name, r.name) for r in selectors.labs()]
        return None

    def validate_row(self, mapped: dict[str, Any]) -> HeadcountRow:
        errors: dict[str, str] = {}
        room = self.rooms().get(_key(mapped.get("room") or ""))
        if room is None:
            errors["room"] = f"No lab is called {mapped.get('room')!r}."
        when = mapped.get("date")
        day: dt.date | None = None
        hour: int | None = None
        minute = 0
        if isinstance(when, DateOnly):
            day = when.date
        elif isinstance(when, dt.datetime):
            local = when.astimezone(zone_for(self.time_zone))
            day, hour, minute = local.date(), local.hour, local.minute
        else:
            errors["date"] = "No date."
        hour_text = (mapped.get("hour") or "").strip()
        if hour_text:
            try:
                hour, minute = parse_hour(hour_text)
            except ValueError as exc:
                errors["hour"] = str(exc)
        elif hour is None and "date" not in errors:
            errors["hour"] = "No hour: map the Hour column, or a date cell that carries the time."
        names = [n.strip() for n in (mapped.get("area_names") or "").split(",")]
        areas: list[tuple[str, int]] = []
        for n in range(1, AREA_SLOTS + 1):
            value = mapped.get(f"area_{n}")
            if value is None:
                continue
            name = names[n - 1] if n - 1 < len(names) and names[n - 1] else f"Area {n}"
            areas.append((name[:60], int(value)))
        if len({name for name, _ in areas}) < len(areas):
            errors["area_names"] = "Two areas have the same name; name each area once."
        total = mapped.get("total")
        if total is None and not areas:
            errors["total"] = "No count: map the Total column or at least one area."
        if errors:
            raise ValidationError(errors)
        assert day is not None and hour is not None
        if minute:
            self.warn("hour", f"{hour_text or f'{hour}:{minute:02d}'} is counted in the hour from {hour}:00.")
        weekday = _key(mapped.get("weekday") or "").rstrip(".")
        if weekday:
            said = WEEKDAYS.get(weekday)
            if said is None:
                self.warn("weekday", f"{mapped.get('weekday')!r} is not a weekday; the date ({day:%Y-%m-%d}) is used.")
            elif said != day.weekday():
                self.warn("weekday", f"The sheet says {DAY_NAMES[said]}, but {day:%Y-%m-%d} is a "
                                     f"{DAY_NAMES[day.weekday()]}; the date is kept as written. Check the sheet.")  # fmt: skip
        area_sum = sum(count for _name, count in areas)
        if total is None:
            total = area_sum
            self.warn("total", f"No total on the sheet: the areas' sum ({area_sum}) is stored as the total.")
        elif areas and area_sum != total:
            self.warn("total", f"The areas add up to {area_sum}, but the total says {total}; both are kept as "
                               "written. Check the sheet.")  # fmt: skip
        start = dt.datetime.combine(day, dt.time(hour, 0), tzinfo=zone_for(self.time_zone))
        row = HeadcountRow(room=room, hour_start=start, total=int(total), areas=areas)
        self._key = f"headcount:{room.pk}:{start.astimezone(dt.UTC).isoformat()}"
        return row

    # A lab's hour is counted once: its key is the row's identity, so the same hour twice in a
    # file with other counts is refused by name, and a file imported again adds nothing.
    def source_id(self, mapped: dict[str, Any], tool: str) -> str | None:
        return self._key

    def legacy_identities(self, row, mapped: dict[str, Any]) -> str:
        return ""

    def content_key(self, obj: HeadcountRow) -> Any:
        return [obj.room.pk, obj.hour_start.isoformat(), obj.total, obj.areas]

    def assign_identity(self, obj: HeadcountRow, identity: str) -> None:
        obj.identity = _stored_headcount_key(identity)

    def existing_identities(self, identities: list[tuple[str, str]], tool: str) -> set[str]:
        keys = {_stored_headcount_key(i): i for i, _legacy in identities}
        found: set[str] = set()
        ids = list(keys)
        for start in range(0, len(ids), 900):
            found.update(selectors.headcount_identities_stored(ids[start : start + 900]))
        return {keys[k] for k in found}

    def describe(self, obj: HeadcountRow) -> dict[str, str]:
        local = obj.hour_start.astimezone(zone_for(self.time_zone))
        return {"lab": obj.room.name, "hour": f"{local:%a %Y-%m-%d %H}:00", "total": str(obj.total),
                "areas": ", ".join(f"{n} {c}" for n, c in obj.areas) or "—"}  # fmt: skip

    def commit(self, objects: list[HeadcountRow]) -> int:
        return services.headcounts_import(rows=objects)


def _stored_headcount_key(identity: str) -> str:
    return "hc:" + hashlib.sha256(identity.encode()).hexdigest()[:60]
