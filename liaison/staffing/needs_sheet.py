"""Coverage needs as the spreadsheet grid supervisors keep (ADR 0055): read from XLSX or CSV
for a preview, and written back in the same shape, so an export imports again unchanged.

The shape, one grid per position (a service point, or its skilled side):

- the top-left cell names the position: `joint-desk`, or `joint-desk (research)` for the side
  that needs a skill (in an XLSX the sheet's name may say it instead; left empty or "Hour",
  the position chosen on the upload form is meant);
- weekdays along the first row and hours down the first column, or the other way round
  (weekdays: Monday or Mon, any case; hours: 9, 09, 9:00, 9am, 13:00, or a span 9-11 meaning
  09:00 and 10:00);
- each cell a number of workers: `2` (minimum and ideal 2) or `1/2` (minimum 1, ideal 2);
  blank or 0 means none.

In a CSV, grids follow one another with a blank line between them. Nothing here touches the
database: `parse` takes the known service points and skills, and every problem names its sheet,
row and column ("Sheet joint-desk, row 5, column C (Tue): ...")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from liaison.staffing.forms import parse_need_cell

MAX_BYTES = 2 * 1024 * 1024
MAX_SHEETS = 20
MAX_ROWS = 200
MAX_COLUMNS = 40
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_LABELS = {"", "hour", "hours", "time", "weekday", "day"}
POSITION = re.compile(r"^\s*([a-z0-9][a-z0-9_-]*)\s*(?:\(\s*([a-z0-9][a-z0-9_-]*)\s*\))?\s*$", re.IGNORECASE)
HOUR = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)

Grid = dict[tuple[int, int], tuple[int, int]]
Key = tuple[str, str]  # (service point slug, skill slug or "")


def position_label(point_slug: str, skill_slug: str = "") -> str:
    return f"{point_slug} ({skill_slug})" if skill_slug else point_slug


@dataclass
class ReadGrid:
    """One grid as read: where it came from, the position it names, and its cells."""

    source: str  # "Sheet joint-desk" or "CSV grid 1 (row 1)"
    key: Key
    cells: Grid = field(default_factory=dict)

    @property
    def label(self) -> str:
        return position_label(*self.key)


@dataclass
class ReadNeeds:
    grids: list[ReadGrid]
    problems: list[str]
    file_format: str

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.grids)

    def as_payload(self) -> list[dict]:
        """JSON-safe, for the signed preview form: [{point, skill, cells: [[d, h, min, ideal]]}]."""
        return [
            {
                "point": g.key[0],
                "skill": g.key[1],
                "cells": [[d, h, m, i] for (d, h), (m, i) in sorted(g.cells.items())],
            }
            for g in self.grids
        ]


def payload_grids(payload: Sequence[Mapping]) -> dict[Key, Grid]:
    """The grids back from `as_payload` (after the signature was checked)."""
    return {
        (str(item["point"]), str(item["skill"])): {(int(d), int(h)): (int(m), int(i)) for d, h, m, i in item["cells"]}
        for item in payload
    }


# --- Reading ------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        # Excel turns a typed 1/2 into a date; say so rather than guess the day-month order.
        return f"a date ({value:%Y-%m-%d}) where Excel turned 1/2 into a date; write 1-2 or format the cell as text"
    if isinstance(value, dt.time):  # Excel keeps a typed 09:00 as a time
        return f"{value.hour:02d}:{value.minute:02d}"
    return str(value).strip()[:60]


def _blocks_from_xlsx(content: bytes) -> list[tuple[str, list[list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError("This is not an XLSX workbook Liaison can read.") from exc
    if len(book.sheetnames) > MAX_SHEETS:
        raise ValueError(f"The workbook has {len(book.sheetnames)} sheets; at most {MAX_SHEETS} are read.")
    blocks = []
    for sheet in book.worksheets:
        rows = []
        for row in sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True):
            rows.append([_text(v) for v in row])
        blocks.append((sheet.title, rows))
    book.close()
    return blocks


def _blocks_from_csv(content: bytes) -> list[tuple[str, list[list[str]]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((",", ";", "\t"), key=first.count)
    rows = [[c.strip()[:40] for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    if len(rows) > MAX_ROWS * MAX_SHEETS:
        raise ValueError(f"The file has {len(rows)} lines; at most {MAX_ROWS * MAX_SHEETS} are read.")
    # Grids are separated by blank lines; keep each grid's first line number for the messages.
    blocks: list[tuple[str, list[list[str]]]] = []
    current: list[list[str]] = []
    start = 0
    for number, row in enumerate(rows, start=1):
        if not any(row):
            if current:
                blocks.append((f"CSV grid {len(blocks) + 1} (from line {start})", current))
                current = []
            continue
        if not current:
            start = number
        current.append(row)
    if current:
        blocks.append((f"CSV grid {len(blocks) + 1} (from line {start})", current))
    return blocks


def _weekday(text: str) -> int | None:
    word = text.strip().lower().rstrip(".")
    if len(word) < 2:
        return None
    for index, name in enumerate(WEEKDAY_NAMES):
        if name.startswith(word) and (len(word) >= 3 or word in ("mo", "tu", "we", "th", "fr", "sa", "su")):
            return index
    return None


def _hours(text: str) -> list[int] | None:
    """The hours a label covers: '9' → [9]; '9-11' → [9, 10]; None when it is not an hour."""
    cleaned = text.strip().lower().replace("–", "-").replace("—", "-").replace(" ", "")
    if not cleaned:
        return None
    parts = cleaned.split("-")
    if len(parts) > 2:
        return None
    bounds = []
    for part in parts:
        match = HOUR.match(part)
        if not match:
            return None
        hour, minute, half = int(match.group(1)), match.group(2), (match.group(3) or "").replace(".", "")
        if minute not in (None, "00") or hour > 24:
            return None
        if half:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if half.startswith("p") else 0)
        bounds.append(hour)
    if len(bounds) == 1:
        return [bounds[0]] if bounds[0] <= 23 else None
    start, end = bounds
    return list(range(start, end)) if start < end <= 24 else None


def parse(
    content: bytes,
    file_name: str,
    *,
    default: Key | None,
    known_points: Iterable[str],
    known_skills: Iterable[str],
) -> ReadNeeds:
    """Read every grid in the file. Problems are collected (all of them, each naming sheet, row
    and column), never raised; the caller saves nothing while there is one."""
    points, skills = set(known_points), set(known_skills)
    if len(content) > MAX_BYTES:
        return ReadNeeds([], [f"The file is {len(content) // 1024} KB; at most {MAX_BYTES // 1024} KB is read."], "")
    is_xlsx = content[:2] == b"PK" or file_name.lower().endswith(".xlsx")
    try:
        blocks = _blocks_from_xlsx(content) if is_xlsx else _blocks_from_csv(content)
    except ValueError as exc:
        return ReadNeeds([], [str(exc)], "xlsx" if is_xlsx else "csv")
    grids: list[ReadGrid] = []
    problems: list[str] = []
    seen: dict[Key, str] = {}
    for name, rows in blocks:
        where = f"Sheet {name}" if is_xlsx else name
        while rows and not any(rows[-1]):
            rows.pop()
        if not rows:
            continue
        if len(rows) > MAX_ROWS:
            problems.append(f"{where}: more than {MAX_ROWS} rows.")
            continue
        grid = _read_block(
            where, name if is_xlsx else "", rows, default, points, skills, problems, first_line=_first_line(name)
        )
        if grid is None:
            continue
        if grid.key in seen:
            problems.append(f"{where}: {grid.label} is already given in {seen[grid.key]}.")
            continue
        seen[grid.key] = where
        grids.append(grid)
    if not grids and not problems:
        problems.append("The file holds no grid of needs.")
    return ReadNeeds(grids, problems, "xlsx" if is_xlsx else "csv")


def _first_line(name: str) -> int:
    match = re.search(r"from line (\d+)", name)
    return int(match.group(1)) if match else 1


def _position(where: str, corner: str, sheet: str, default: Key | None, points, skills, problems) -> Key | None:
    for text in (corner, sheet):
        if text.strip().lower() in DEFAULT_LABELS:
            continue
        match = POSITION.match(text)
        if match and match.group(1).lower() in points:
            skill = (match.group(2) or "").lower()
            if skill and skill not in skills:
                problems.append(
                    f"{where}: no skill is called '{skill}' (known: {', '.join(sorted(skills)) or 'none'})."
                )
                return None
            return match.group(1).lower(), skill
        if text is corner:
            problems.append(
                f"{where}, cell A1: '{text}' is not a service point (known: {', '.join(sorted(points))}); "
                "write its short name, e.g. joint-desk, or joint-desk (research)."
            )
            return None
    if default is None:
        problems.append(f"{where}: name the service point in cell A1 (e.g. joint-desk).")
    return default


def _read_block(where, sheet, rows, default, points, skills, problems, *, first_line: int) -> ReadGrid | None:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    key = _position(where, rows[0][0], sheet, default, points, skills, problems)
    top = rows[0][1:]
    side = [r[0] for r in rows[1:]]
    top_days = [t for t in top if t]
    side_days = [s for s in side if s]
    if top_days and sum(_weekday(t) is not None for t in top_days) >= max(1, len(top_days) // 2):
        days_across = True
    elif side_days and sum(_weekday(s) is not None for s in side_days) >= max(1, len(side_days) // 2):
        days_across = False
    else:
        problems.append(f"{where}: no weekdays in the first row or the first column (write Mon … Sun or Monday …).")
        return None
    found = len(problems)

    def row_no(index: int) -> int:
        return first_line + index

    day_of: dict[int, int] = {}  # position along the weekday axis → weekday
    hours_of: dict[int, list[int]] = {}  # position along the hour axis → hours
    day_labels = top if days_across else side
    hour_labels = side if days_across else top
    for index, label in enumerate(day_labels, start=1):
        if not label:
            continue
        day = _weekday(label)
        place = f"column {get_column_letter(index + 1)}" if days_across else f"row {row_no(index)}"
        if day is None:
            problems.append(f"{where}, {place}: '{label}' is not a weekday.")
        elif day in day_of.values():
            problems.append(f"{where}, {place}: {WEEKDAY_NAMES[day].capitalize()} is given twice.")
        else:
            day_of[index] = day
    taken: dict[int, str] = {}
    for index, label in enumerate(hour_labels, start=1):
        if not label:
            continue
        place = f"row {row_no(index)}" if days_across else f"column {get_column_letter(index + 1)}"
        hours = _hours(label)
        if hours is None:
            problems.append(f"{where}, {place}: '{label}' is not an hour (write 9, 09:00, 9am or 9-11).")
            continue
        clash = [h for h in hours if h in taken]
        if clash:
            problems.append(f"{where}, {place}: '{label}' overlaps {taken[clash[0]]} at {clash[0]:02d}:00.")
            continue
        for h in hours:
            taken[h] = f"{place} ('{label}')"
        hours_of[index] = hours
    cells: Grid = {}
    for r, row in enumerate(rows[1:], start=1):
        for c, raw in enumerate(row[1:], start=1):
            day_index, hour_index = (c, r) if days_across else (r, c)
            if not raw:
                continue
            if day_index not in day_of or hour_index not in hours_of:
                if not day_labels[day_index - 1] or not hour_labels[hour_index - 1]:  # a bad label is told once
                    problems.append(
                        f"{where}, row {row_no(r)}, column {get_column_letter(c + 1)}: '{raw}' is outside the grid "
                        "(its row or column names no weekday or hour)."
                    )
                continue
            day = day_of[day_index]
            place = f"{where}, row {row_no(r)}, column {get_column_letter(c + 1)} ({SHORT[day]}"
            try:
                pair = parse_need_cell(raw)
            except ValueError as exc:
                problems.append(f"{place} {hours_of[hour_index][0]:02d}:00): {exc}.")
                continue
            if pair is None or pair == (0, 0):
                continue
            minimum, ideal = pair
            if not (0 <= minimum <= ideal and 1 <= ideal <= 20):
                problems.append(
                    f"{place} {hours_of[hour_index][0]:02d}:00): the minimum ({minimum}) must be 0 to the ideal "
                    f"({ideal}), and the ideal 1 to 20."
                )
                continue
            for hour in hours_of[hour_index]:
                cells[(day, hour)] = pair
    if key is None or len(problems) > found:
        return None
    return ReadGrid(where, key, cells)


# --- Writing --------------------------------------------------------------------------------------


def grid_rows(label: str, grid: Mapping[tuple[int, int], tuple[int, int]], hours: Iterable[int]) -> list[list[str]]:
    """One position's grid as rows: the label, Mon … Sun across, hours down, '2' or '1/2'."""
    every = sorted(set(hours) | {h for _d, h in grid})
    rows = [[label, *SHORT]]
    for hour in every:
        row = [f"{hour:02d}:00"]
        for day in range(7):
            pair = grid.get((day, hour))
            row.append("" if pair is None else str(pair[1]) if pair[0] == pair[1] else f"{pair[0]}/{pair[1]}")
        rows.append(row)
    return rows


def sheet_title(label: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "-", label)[:31]
