import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from liaison.imports.parsing import normalize_header, parse_file


def file_message(content: bytes, name: str = "x.csv") -> str:
    with pytest.raises(ValidationError) as caught:
        parse_file(content, name)
    return caught.value.message_dict["file"][0]


def test_the_delimiter_is_taken_from_the_header_line():
    parsed = parse_file(b"a;b;c\n1;2,5;3\n", "x.csv")
    assert parsed.delimiter == ";"
    assert parsed.rows[0].values == {"a": "1", "b": "2,5", "c": "3"}
    tabbed = parse_file(b"a\tb\n1\t2\n", "x.tsv")
    assert tabbed.delimiter == "\t" and tabbed.rows[0].values == {"a": "1", "b": "2"}


def test_a_byte_order_mark_is_not_part_of_the_first_column_name():
    parsed = parse_file("\ufeffTimestamp,kind\n1/6/2020 10:18,x\n".encode(), "x.csv")
    assert parsed.headers == ["Timestamp", "kind"]
    assert parsed.encoding == "UTF-8"


def test_windows_1252_files_are_read_when_they_are_not_utf8():
    parsed = parse_file("note,kind\ncaf\u00e9 \u2013 r\u00e9sum\u00e9,x\n".encode("cp1252"), "x.csv")
    assert parsed.encoding.startswith("Windows-1252")
    assert parsed.rows[0].values["note"] == "café – résumé"


def test_utf16_files_with_a_mark_are_read():
    parsed = parse_file("a,b\n1,2\n".encode("utf-16"), "x.csv")
    assert parsed.rows[0].values == {"a": "1", "b": "2"}


def test_rows_are_numbered_as_a_spreadsheet_shows_them_not_by_text_line():
    content = b'id,note\n1,"first\nsecond\nthird"\n\n\n2,plain\n3,"x\r\ny"\n'
    parsed = parse_file(content, "x.csv")
    # Header row 1; the multi-line cell is one row (2); two blank rows (3, 4); then 5 and 6.
    assert [(r.line, r.values["id"]) for r in parsed.rows] == [(2, "1"), (5, "2"), (6, "3")]
    assert parsed.rows[2].values["note"] == "x\ny"  # the carriage return is gone
    assert parsed.rows[0].values["note"] == "first\nsecond\nthird"


def test_ragged_rows_are_row_problems_with_their_line_not_file_errors():
    content = b"a,b,c\n1,2,3\n1,2\n1,2,3,4\n1,2,3,,\n"
    parsed = parse_file(content, "x.csv")
    assert [r.line for r in parsed.rows] == [2, 5]  # trailing empty cells are harmless
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "the row has 2 cells but the header has 3 columns."),
        (4, "the row has 4 cells but the header has 3 columns (a stray delimiter?)."),
    ]
    assert parsed.rows_total == 4


def test_blank_and_duplicate_header_names_are_made_distinct():
    parsed = parse_file(b"Note,,note\n1,2,3\n", "x.csv")
    assert parsed.headers == ["Note", "Column 2", "note (2)"]


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "x.csv", "The file is empty."),
        (b"\n\n  \n", "x.csv", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "x.csv", "does not look like a text file"),
        (b"a,b\n", "x.csv", "a header row but no data rows"),
        (b"1/6/2020 10:18:38,walk in,3\n1/7/2020 11:00:00,email,2\n", "x.csv", "looks like data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old.xls", "old Excel .xls"),
        (b"PK\x03\x04not really a workbook", "x.xlsx", "could not be read"),
        (b"a,b\n1,2\n", "report.pdf", "Upload a CSV or an Excel .xlsx"),
        (b"\x81\xb0\xb2\xb3\xb6\xb7" * 20 + b",x\n1,2\n", "x.csv", "encoding"),
    ],
)
def test_unreadable_files_get_a_message_a_librarian_can_act_on(content, name, expected):
    assert expected in file_message(content, name)


def test_a_stray_quote_that_swallows_the_file_is_reported_on_its_row():
    parsed = parse_file(b'a,b,c\n1,"open,3\n4,5,6\n', "x.csv")
    assert parsed.rows == []
    assert parsed.problems[0].line == 2


def test_excel_workbooks_are_read_from_the_first_sheet_with_dates_as_iso(tmp_path):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(["When", "Kind", "READ"])
    sheet.append([dt.datetime(2024, 2, 9, 9, 15), "Research", 3])
    sheet.append([None, None, None])
    sheet.append([dt.date(2024, 2, 10), "Directional", 1.0])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_file(buffer.getvalue(), "log.xlsx")
    assert parsed.format == "xlsx"
    assert [(r.line, r.values) for r in parsed.rows] == [
        (2, {"When": "2024-02-09 09:15:00", "Kind": "Research", "READ": "3"}),
        (4, {"When": "2024-02-10", "Kind": "Directional", "READ": "1"}),
    ]


def test_header_names_match_whatever_their_case_spacing_or_underscores():
    assert normalize_header(" Question  Type ") == normalize_header("question_type") == "question type"
