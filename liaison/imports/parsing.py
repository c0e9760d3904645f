"""Reading an uploaded file into a header and rows of text, whatever produced it.

CSV goes through the csv module: the encoding is UTF-8 (with or without a byte-order mark),
UTF-16 with a mark, or else Windows-1252 or Mac Roman (old Excel for Mac), whichever reads as
more plausible text (the guess is shown in the preview); the delimiter is taken from the header
line; quoted cells may span lines; blank lines are skipped; stray carriage returns inside cells
are dropped. XLSX goes through openpyxl in read-only mode, first worksheet. JSON takes Gimlet's
`{"questions": [...]}` or a list of objects. Every row keeps its spreadsheet row number (the
header is row 1; a cell with line breaks is still one row), so a report can say "row 37".

Rows are streamed: `parse_file` reads the file once to check it (header, limits, ragged rows)
and count rows, keeping no rows; `iter_rows()` reads them again as the engine asks. With
`preview=N` it stops after N rows. Limits (settings `IMPORT_MAX_ROWS`, `IMPORT_MAX_COLUMNS`,
cell size) end the read with a message naming the limit.

Problems with the whole file raise ValidationError({"file": ...}) with a message a
librarian can act on. Problems with one row (too many or too few cells) are returned as
row problems, so the report lists them with the other rejected rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError

from liaison.core.errors import reject

CSV = "csv"
XLSX = "xlsx"
JSON = "json"
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
# One cell may hold a long note, but not a whole file: Excel's own limit per cell. Longer means a
# stray quote swallowed the rest of the file.
MAX_CELL_CHARS = 32_767


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 1_000_000))


def max_columns() -> int:
    return int(getattr(settings, "IMPORT_MAX_COLUMNS", 200))


class SourceRow(NamedTuple):
    """One data row: the line it starts on and its cells keyed by column name (a tuple: a
    million of them are made per import)."""

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
    _rows: list[SourceRow] | None = None
    problems: list[RowProblem] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    rows_read: int = 0  # readable data rows (blank rows are not rows)
    complete: bool = True  # False for a preview that stopped early
    reader: Callable[[], Iterator[SourceRow]] | None = field(default=None, repr=False)

    @property
    def rows(self) -> list[SourceRow]:
        """Every readable row, in memory (previews and tests; the engine streams `iter_rows`)."""
        if self._rows is None:
            self._rows = list(self.iter_rows())
        return self._rows

    def iter_rows(self) -> Iterator[SourceRow]:
        if self._rows is not None or self.reader is None:
            return iter(self._rows or [])
        return self.reader()

    @property
    def rows_total(self) -> int:
        """Data rows in the file, readable or not (blank lines are not rows)."""
        return self.rows_read + len(self.problems)

    def describe(self) -> str:
        if self.format == XLSX:
            return "Excel workbook (first sheet)"
        if self.format == JSON:
            return "JSON"
        return f"CSV, {DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))}-separated, {self.encoding}"


def file_error(message: str) -> ValidationError:
    return reject("file", message, code="imports.file_unreadable")


@functools.lru_cache(maxsize=4096)  # a file has few column names; a re-import's keys ask per cell
def normalize_header(name: str) -> str:
    """'Question Type', 'question_type' and ' QUESTION  type ' are the same column."""
    return re.sub(r"[\s_]+", " ", (name or "").casefold()).strip()


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
    if name.endswith(".json") or content.lstrip()[:1] in (b"{", b"["):
        return JSON
    return CSV


def parse_file(content: bytes, file_name: str, *, preview: int | None = None) -> ParsedFile:
    """Read a CSV, XLSX or JSON file's bytes. Raises ValidationError({"file": ...}) when
    unreadable or over a limit. `preview=N` reads only the first N rows."""
    if not content or not content.strip():
        raise file_error("The file is empty.")
    kind = detect_format(content, file_name)
    if kind == XLSX:
        return _parse_xlsx(content, preview)
    if kind == JSON:
        return _parse_json(content, preview)
    return _parse_csv(content, preview)


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
    candidates = []
    for codec, label in (("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman")):
        try:
            candidates.append((_plausibility(content.decode(codec)), codec, label))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise file_error(
            "The file's text encoding is not UTF-8, Windows-1252 or Mac Roman. Save it as 'CSV UTF-8' and upload it again."
        )
    # Windows-1252 wins a tie: it is far more common than an old Mac's encoding.
    score, codec, label = max(candidates, key=lambda c: (c[0], c[2] == "Windows-1252"))
    if score < 0:  # mostly symbols no desk log holds: not text in any encoding we read
        raise file_error(
            "The file's text encoding is not UTF-8, Windows-1252 or Mac Roman. Save it as 'CSV UTF-8' and upload it again."
        )
    return content.decode(codec), f"{label} (guessed: not UTF-8)"


# Characters a desk log in a Western language plausibly holds beyond ASCII.
_PLAUSIBLE = set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜßœŒ’‘“”–—…•€£°©®«»¿¡")


def _plausibility(text: str) -> int:
    """Plausible non-ASCII letters and punctuation, minus implausible ones, in a sample."""
    score = 0
    for ch in text[:200_000]:
        if ord(ch) > 127:
            score += 1 if ch in _PLAUSIBLE else -1
    return score


def _control_chars(text: str) -> int:
    return sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\r\n\t")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def sniff_delimiter(text: str) -> str:
    """The delimiter is the candidate that splits the header line most often, outside quotes.
    A title line above the header (PaperCut's "PaperCut Print Logger" banner) splits nothing,
    so the next line decides."""
    lines = [line for line in text.splitlines()[:50] if line.strip()][:2]
    for line in lines:
        header = re.sub(r'"[^"]*"', "", line)
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        if counts[best]:
            return best
    return ","


def _without_title(records: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """Drop a title line above the header: a first line with one filled cell followed by a line
    of several (PaperCut Print Logger's banner; a sheet's title typed above its columns). Rows
    keep their own line numbers."""
    held: tuple[int, list[str]] | None = None
    started = False
    for number, cells in records:
        if not started:
            filled = [c for c in cells if c.strip()]
            if not filled:
                yield number, cells
                continue
            if held is None and len(filled) == 1:
                held = (number, cells)
                continue
            started = True
            if held is not None and len(filled) < 2:
                yield held
        yield number, cells
    if not started and held is not None:
        yield held


def _parse_csv(content: bytes, preview: int | None = None) -> ParsedFile:
    text, encoding = decode_text(content)
    if _control_chars(text) > max(3, len(text) // 200):
        raise file_error("This does not look like a text file (it holds control characters). Upload a CSV.")
    delimiter = sniff_delimiter(text)
    headers, rows_read, problems, first_rows = _scan(_without_title(_csv_records(text, delimiter)), preview)
    parsed = ParsedFile(
        CSV,
        headers,
        problems=problems,
        encoding=encoding,
        delimiter=delimiter,
        rows_read=rows_read,
        complete=preview is None or rows_read < preview,
        reader=lambda: _rows_of(_without_title(_csv_records(text, delimiter)), headers),
    )
    if preview is not None:
        parsed._rows = first_rows
    return parsed


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells) per record; blank records count as rows, as in Excel."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    number = 0
    # Only a quoted cell can hold a carriage return (a line's own ends the record).
    maybe_cr = '"' in text and "\r" in text
    try:
        for cells in reader:
            number += 1
            if maybe_cr and "\r" in "\n".join(cells):
                for index, cell in enumerate(cells):
                    if "\r" in cell:  # a stray carriage return inside a cell (Excel for Mac, a pasted chat)
                        cells[index] = cell.replace("\r\n", "\n").replace("\r", "")
            yield number, cells
    except csv.Error as exc:
        raise file_error(f"Row {number + 1}: the CSV is malformed ({exc}).") from exc


def _scan(
    records: Iterator[tuple[int, list[str]]], preview: int | None
) -> tuple[list[str], int, list[RowProblem], list[SourceRow]]:
    """One pass to check the file and count rows, keeping only problems (and a preview's rows)."""
    headers: list[str] | None = None
    rows_read = 0
    problems: list[RowProblem] = []
    kept: list[SourceRow] = []
    limit = max_rows()
    width = 0
    for number, cells in records:
        joined = "".join(cells)
        if not joined.strip():
            continue
        if headers is None:
            headers = _clean_headers(cells, number)
            width = len(headers)
            continue
        if len(joined) > MAX_CELL_CHARS:
            _check_cells(cells, number)
        if preview is None:  # the check only: the row itself is made again when read
            row, problem = None, (None if len(cells) == width else _cells_problem(width, cells, number))
        else:
            row, problem = _row_from_cells(headers, cells, number)
        if problem:
            problems.append(problem)
        else:
            rows_read += 1
            if preview is not None:
                kept.append(row)
        if rows_read + len(problems) > limit:
            raise file_error(
                f"The file has more than {limit:,} rows; imports take up to {limit:,} at a time. "
                "Split it (by year, say) and import each part."
            )
        if preview is not None and rows_read >= preview:
            break
    if headers is None:
        raise file_error("The file has no header row.")
    if not rows_read and not problems:
        raise file_error("The file has a header row but no data rows.")
    return headers, rows_read, problems, kept


def _rows_of(records: Iterator[tuple[int, list[str]]], headers: list[str]) -> Iterator[SourceRow]:
    seen_header = False
    width = len(headers)
    for number, cells in records:
        if not (cells and cells[0].strip()) and not "".join(cells).strip():
            continue  # a blank row (a first cell with text is the usual, quicker answer)
        if not seen_header:
            seen_header = True
            continue
        if len(cells) == width:  # the usual row: no problem to look for
            yield SourceRow(number, dict(zip(headers, cells, strict=True)))
            continue
        row, _problem = _row_from_cells(headers, cells, number)
        if row is not None:
            yield row


def _check_cells(cells: list[str], number: int) -> None:
    if len("".join(cells)) <= MAX_CELL_CHARS:
        return
    for cell in cells:
        if len(cell) > MAX_CELL_CHARS:
            raise file_error(
                f"Row {number}: a cell has {len(cell):,} characters; a cell holds at most {MAX_CELL_CHARS:,} "
                "(as in Excel). A quote mark is probably not closed, or the column holds whole documents: "
                "drop that column and export again."
            )


_DATA_LIKE = re.compile(r"^[\d\s.,:/\-+%$]+$")
_PERIOD_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?$|^\d{1,2}[-/.]\d{4}$")


def _clean_headers(cells: list[str], line: int) -> list[str]:
    names = [c.strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    if len(names) > max_columns():
        raise file_error(
            f"Row {line}: the file has {len(names):,} columns; imports take up to {max_columns():,}. "
            "Delete the columns you do not need (keep the ones the mapping uses) and upload it again."
        )
    filled = [n for n in names if n]
    if not filled:
        raise file_error(f"Line {line}: the header row is empty.")
    data_like = [n for n in filled if _DATA_LIKE.match(n)]
    # A wide table's header (ADR 0050): a name, then one distinct month or date per column.
    wide_header = (
        not _DATA_LIKE.match(filled[0])
        and len(set(data_like)) == len(data_like)
        and all(_PERIOD_LIKE.match(n) for n in data_like)
    )
    if len(data_like) * 2 >= len(filled) and not wide_header:
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


def _cells_problem(width: int, cells: list[str], line: int) -> RowProblem | None:
    if len(cells) > width and any(c.strip() for c in cells[width:]):
        return RowProblem(
            line, f"the row has {len(cells)} cells but the header has {width} columns (a stray delimiter?)."
        )
    if len(cells) < width:
        return RowProblem(line, f"the row has {len(cells)} cells but the header has {width} columns.")
    return None


def _row_from_cells(headers: list[str], cells: list[str], line: int) -> tuple[SourceRow | None, RowProblem | None]:
    problem = _cells_problem(len(headers), cells, line)
    if problem is not None:
        return None, problem
    if len(cells) > len(headers):
        cells = cells[: len(headers)]
    return SourceRow(line, dict(zip(headers, cells, strict=True))), None


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


def _xlsx_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
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
        width = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            width = width or len(cells)
            yield number, cells + [""] * (width - len(cells))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise file_error("The Excel file could not be read; it may be damaged. Save it again or export a CSV.") from exc
    finally:
        workbook.close()


def _parse_xlsx(content: bytes, preview: int | None = None) -> ParsedFile:
    try:
        headers, rows_read, problems, first_rows = _scan(_xlsx_records(content), preview)
    except ValidationError as exc:
        message = exc.message_dict.get("file", [""])[0]
        if message == "The file has no header row.":
            raise file_error("The first worksheet is empty.") from None
        if message == "The file has a header row but no data rows.":
            raise file_error("The first worksheet has a header row but no data rows.") from None
        raise
    parsed = ParsedFile(
        XLSX,
        headers,
        problems=problems,
        rows_read=rows_read,
        complete=preview is None or rows_read < preview,
        reader=lambda: _rows_of(_xlsx_records(content), headers),
    )
    if preview is not None:
        parsed._rows = first_rows
    return parsed


# --- JSON (Gimlet's questions.json, LibInsight's data grid) ------------------------------


def _json_records(content: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        data = json.loads(decode_text(content)[0])
    except (ValueError, RecursionError) as exc:
        raise file_error(f"The JSON file could not be read ({str(exc)[:80]}).") from exc
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if isinstance(data.get("payload"), dict):  # LibInsight's data grid
            lists += [v for v in data["payload"].values() if isinstance(v, list)]
        data = lists[0] if lists else None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise file_error('The JSON file is not a list of records (or {"questions": [...]}, as Gimlet exports).')
    headers: list[str] = []
    for item in data:
        for key in item:
            if key not in headers:
                headers.append(str(key))
    yield 1, headers
    for number, item in enumerate(data, start=2):
        yield number, [_json_text(item.get(h)) for h in headers]


def _json_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # LibInsight's drop-downs and multi-selects
        return ", ".join(_json_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_json(content: bytes, preview: int | None = None) -> ParsedFile:
    headers, rows_read, problems, first_rows = _scan(_json_records(content), preview)
    parsed = ParsedFile(
        JSON,
        headers,
        problems=problems,
        rows_read=rows_read,
        complete=preview is None or rows_read < preview,
        reader=lambda: _rows_of(_json_records(content), headers),
    )
    if preview is not None:
        parsed._rows = first_rows
    return parsed


# --- Long format: one row per answer (Desk Tracker's standard format) ----------------------

# Desk Tracker columns that describe one answer, not the submission; not kept when folding.
_PER_ANSWER = {"response id", "parent response id", "page"}


def fold_long(parsed: ParsedFile, spec: dict[str, str]) -> ParsedFile:
    """One row per response set: the set's shared columns (date, desk, user) from its first
    row, and one column per question holding its answer (several answers joined with ", ";
    an answer's optional text in "<question> (text)"). Rows of a set need not be adjacent;
    the folded row keeps the spreadsheet row of the set's first row."""
    by_key = {normalize_header(h): h for h in parsed.headers}
    columns = {}
    for role in ("group", "question", "answer"):
        name = spec.get(role, "")
        found = by_key.get(normalize_header(name))
        if found is None:
            raise file_error(
                f"The long format needs a {role} column; {name!r} is not in the file "
                f"(its columns are: {', '.join(parsed.headers[:40])})."
            )
        columns[role] = found
    text_column = by_key.get(normalize_header(spec.get("text", ""))) if spec.get("text") else None
    per_answer = {columns["question"], columns["answer"], text_column}
    shared = [h for h in parsed.headers if h not in per_answer and normalize_header(h) not in _PER_ANSWER]
    sets: dict[str, dict[str, str]] = {}
    first_line: dict[str, int] = {}
    questions: list[str] = []
    known_questions: dict[str, str] = {normalize_header(h): h for h in shared}
    problems = list(parsed.problems)
    for row in parsed.iter_rows():
        key = (row.values.get(columns["group"]) or "").strip()
        if not key:
            problems.append(
                RowProblem(row.line, f"the {columns['group']} cell is blank, so the answer belongs to no set.")
            )
            continue
        values = sets.get(key)
        if values is None:
            values = sets[key] = {h: row.values.get(h, "") for h in shared}
            first_line[key] = row.line
        question = " ".join((row.values.get(columns["question"]) or "").split())
        if not question:
            continue
        name = known_questions.get(normalize_header(question))
        if name is None:
            name = (
                question
                if normalize_header(question) not in {normalize_header(h) for h in shared}
                else f"{question} (answer)"
            )
            known_questions[normalize_header(question)] = name
            questions.append(name)
        answer = (row.values.get(columns["answer"]) or "").strip()
        extra = (row.values.get(text_column) or "").strip() if text_column else ""
        if not answer and extra:  # a head count or a typed answer: the text is the answer
            answer, extra = extra, ""
        if answer:
            values[name] = f"{values[name]}, {answer}" if values.get(name) else answer
        if extra:
            text_name = f"{name} (text)"
            if text_name not in questions:
                questions.append(text_name)
            values[text_name] = f"{values[text_name]}, {extra}" if values.get(text_name) else extra
    headers = shared + questions
    if len(headers) > max_columns():
        raise file_error(
            f"Folded by {columns['group']}, the file has {len(headers):,} columns; imports take up to {max_columns():,}."
        )
    rows = [SourceRow(first_line[key], {h: values.get(h, "") for h in headers}) for key, values in sets.items()]
    rows.sort(key=lambda r: r.line)
    return ParsedFile(
        parsed.format,
        headers,
        _rows=rows,
        problems=problems,
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        rows_read=len(rows),
        complete=parsed.complete,
    )


# --- Wide tables: one column per period (ADR 0050) --------------------------------------------

# The two columns a wide table becomes: the header a figure stood under, and the figure.
WIDE_PERIOD = "Period (column header)"
WIDE_VALUE = "Value (cell)"
# A cell of a wide table that holds no figure: blank, a dash, or "not available". Such a cell
# becomes no row (a closed branch, a month not yet reported), rather than a rejected one.
WIDE_BLANKS = frozenset({"", "-", "–", "—", "n/a", "na", "..", "…"})


def wide_columns(headers: list[str], keep: list[str]) -> tuple[list[str], list[str]]:
    """(the columns kept on every row, the columns that are periods), in the file's order.
    `keep` names columns the way a mapping does (case and spacing do not matter)."""
    wanted = {normalize_header(k) for k in keep}
    kept = [h for h in headers if normalize_header(h) in wanted]
    periods = [h for h in headers if normalize_header(h) not in wanted and h not in (WIDE_PERIOD, WIDE_VALUE)]
    return kept, periods


def unfold_wide(parsed: ParsedFile, keep: list[str]) -> ParsedFile:
    """A wide table (one row per branch, one column per month) as one row per figure: the kept
    columns, the column's header under `WIDE_PERIOD` and the cell under `WIDE_VALUE`. Each row
    keeps its spreadsheet row number, so a report says "row 7, column 'Apr-08'". Cells with no
    figure (`WIDE_BLANKS`) become no row. Streamed like the file itself."""
    kept, periods = wide_columns(parsed.headers, keep)
    if not periods:
        raise file_error("Every column is kept on the row, so no column holds periods: leave at least one out.")
    headers = [*kept, WIDE_PERIOD, WIDE_VALUE]

    def reader() -> Iterator[SourceRow]:
        for row in parsed.iter_rows():
            base = {h: row.values.get(h, "") for h in kept}
            for column in periods:
                cell = (row.values.get(column) or "").strip()
                if cell.casefold() in WIDE_BLANKS:
                    continue
                yield SourceRow(row.line, {**base, WIDE_PERIOD: column, WIDE_VALUE: cell})

    count = sum(1 for _ in reader())
    return ParsedFile(
        parsed.format,
        headers,
        problems=list(parsed.problems),
        encoding=parsed.encoding,
        delimiter=parsed.delimiter,
        rows_read=count,
        complete=parsed.complete,
        reader=reader,
    )
