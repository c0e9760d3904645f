"""Reading an uploaded file into a header and rows of text, whatever produced it.

CSV goes through the csv module: the encoding is UTF-8 (with or without a byte-order mark),
UTF-16 with a mark, or Windows-1252 as a fallback; the delimiter is taken from the header
line; quoted cells may span lines; blank lines are skipped. XLSX goes through openpyxl in
read-only mode, first worksheet. Every row keeps the line (or sheet row) it started on, so
a report can say "line 37".

Problems with the whole file raise ValidationError({"file": ...}) with a message a
librarian can act on. Problems with one row (too many or too few cells) are returned as
row problems, so the report lists them with the other rejected rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from liaison.core.errors import reject

CSV = "csv"
XLSX = "xlsx"
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
# One cell may hold a long note, but not a whole file: a cell this big means a stray quote.
MAX_CELL_CHARS = 100_000


@dataclass(frozen=True)
class SourceRow:
    """One data row: the line it starts on and its cells keyed by column name."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


@dataclass
class ParsedFile:
    format: str
    headers: list[str]
    rows: list[SourceRow]
    problems: list[RowProblem] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""

    @property
    def rows_total(self) -> int:
        """Data rows in the file, readable or not (blank lines are not rows)."""
        return len(self.rows) + len(self.problems)

    def describe(self) -> str:
        if self.format == XLSX:
            return "Excel workbook (first sheet)"
        return f"CSV, {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated, {self.encoding}"


def file_error(message: str) -> ValidationError:
    return reject("file", message, code="imports.file_unreadable")


def normalize_header(name: str) -> str:
    """'Question Type', 'question_type' and ' QUESTION  type ' are the same column."""
    return re.sub(r"[\s_]+", " ", (name or "").strip().casefold())


def detect_format(content: bytes, file_name: str) -> str:
    name = (file_name or "").lower()
    if content.startswith(b"PK\x03\x04"):
        if name.endswith((".xlsx", ".xlsm")) or not name.endswith((".csv", ".txt", ".tsv")):
            return XLSX
        raise file_error("This file is a zip archive (perhaps an Excel workbook renamed to .csv), not a CSV.")
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error("This is an old Excel .xls file. Save it as .xlsx or CSV and upload that.")
    if name.endswith((".xlsx", ".xlsm")):
        raise file_error("This file is named .xlsx but is not an Excel workbook. Export it again, or upload a CSV.")
    if name.endswith((".xls", ".ods", ".numbers", ".pdf", ".docx")):
        raise file_error("Upload a CSV or an Excel .xlsx file.")
    return CSV


def parse_file(content: bytes, file_name: str) -> ParsedFile:
    """Read a CSV or XLSX file's bytes. Raises ValidationError({"file": ...}) when unreadable."""
    if not content or not content.strip():
        raise file_error("The file is empty.")
    if detect_format(content, file_name) == XLSX:
        return _parse_xlsx(content)
    return _parse_csv(content)


# --- CSV ---------------------------------------------------------------------------------


def decode_text(content: bytes) -> tuple[str, str]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise file_error("The file says it is UTF-16 but is not readable as such.") from exc
    sample = content[:8192]
    if b"\x00" in sample:
        raise file_error(
            "This does not look like a text file (it holds binary data). Upload a CSV or an Excel .xlsx file."
        )
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise file_error(
            "The file's text encoding is not UTF-8 or Windows-1252. Save it as 'CSV UTF-8' and upload it again."
        ) from exc
    return text, "Windows-1252"


def _control_chars(text: str) -> int:
    return sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def sniff_delimiter(text: str) -> str:
    """The delimiter is the candidate that splits the header line most often, outside quotes."""
    header = re.sub(r'"[^"]*"', "", _first_line(text))
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _parse_csv(content: bytes) -> ParsedFile:
    text, encoding = decode_text(content)
    if _control_chars(text) > max(3, len(text) // 200):
        raise file_error("This does not look like a text file (it holds control characters). Upload a CSV.")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    headers: list[str] | None = None
    rows: list[SourceRow] = []
    problems: list[RowProblem] = []
    previous_end = 0
    try:
        for cells in reader:
            start = previous_end + 1  # csv yields blank lines too, so this is the record's first line
            previous_end = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if headers is None:
                headers = _clean_headers(cells, start)
                continue
            if any(len(c) > MAX_CELL_CHARS for c in cells):
                raise file_error(
                    f"Line {start}: a cell is longer than {MAX_CELL_CHARS:,} characters; "
                    "a quote mark is probably not closed."
                )
            row, problem = _row_from_cells(headers, cells, start)
            if problem:
                problems.append(problem)
            else:
                rows.append(row)
    except csv.Error as exc:
        raise file_error(f"Line {reader.line_num}: the CSV is malformed ({exc}).") from exc
    if headers is None:
        raise file_error("The file has no header row.")
    if not rows and not problems:
        raise file_error("The file has a header row but no data rows.")
    return ParsedFile(CSV, headers, rows, problems, encoding=encoding, delimiter=delimiter)


_DATA_LIKE = re.compile(r"^[\d\s.,:/\-+%$]+$")


def _clean_headers(cells: list[str], line: int) -> list[str]:
    names = [c.strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    filled = [n for n in names if n]
    if not filled:
        raise file_error(f"Line {line}: the header row is empty.")
    data_like = [n for n in filled if _DATA_LIKE.match(n)]
    if len(data_like) * 2 >= len(filled):
        raise file_error(
            f"Line {line}: the first row looks like data ({data_like[0]!r}), not column names. "
            "Add a header row naming each column."
        )
    seen: dict[str, int] = {}
    out = []
    for index, name in enumerate(names, start=1):
        name = name or f"Column {index}"
        key = normalize_header(name)
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        out.append(name)
    return out


def _row_from_cells(headers: list[str], cells: list[str], line: int) -> tuple[SourceRow | None, RowProblem | None]:
    if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
        return None, RowProblem(
            line, f"the row has {len(cells)} cells but the header has {len(headers)} columns (a stray delimiter?)."
        )
    if len(cells) < len(headers):
        return None, RowProblem(line, f"the row has {len(cells)} cells but the header has {len(headers)} columns.")
    return SourceRow(line, dict(zip(headers, cells, strict=False))), None


# --- XLSX --------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_xlsx(content: bytes) -> ParsedFile:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise file_error("The Excel file could not be read; it may be damaged. Save it again or export a CSV.") from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise file_error("The Excel file has no worksheet.")
        headers: list[str] | None = None
        rows: list[SourceRow] = []
        problems: list[RowProblem] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if all(not c.strip() for c in cells):
                continue
            if headers is None:
                headers = _clean_headers(cells, number)
                continue
            row, problem = _row_from_cells(headers, cells + [""] * (len(headers) - len(cells)), number)
            if problem:
                problems.append(problem)
            else:
                rows.append(row)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise file_error("The Excel file could not be read; it may be damaged. Save it again or export a CSV.") from exc
    finally:
        workbook.close()
    if headers is None:
        raise file_error("The first worksheet is empty.")
    if not rows and not problems:
        raise file_error("The first worksheet has a header row but no data rows.")
    return ParsedFile(XLSX, headers, rows, problems, encoding="", delimiter="")
