"""Tables out as CSV and XLSX, safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula
by Excel, LibreOffice or Google Sheets (CSV injection, OWASP). Text cells like that get a leading
apostrophe, which spreadsheets show as text; numbers, dates and booleans are written as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")[:120] or "export"


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def xlsx_bytes(sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=re.sub(r"[\\/*?:\[\]]", "-", title)[:31] or "Sheet")
        for index, row in enumerate(rows):
            sheet.append([_xlsx_cell(cell) for cell in row])
            if index == 0:
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
        for column in sheet.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; callers pass local times
    if isinstance(value, str):
        # openpyxl writes a string that starts with "=" as a formula; neutralise first.
        return neutralise(value)
    return value


def csv_response(rows: Iterable[Sequence[Any]], *, filename: str) -> HttpResponse:
    response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}.csv"'
    return response


def xlsx_response(sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]], *, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}.xlsx"'
    return response
