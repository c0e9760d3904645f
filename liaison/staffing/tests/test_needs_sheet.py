"""Coverage needs from the supervisors' spreadsheet grid (ADR 0055): a preview of the grid as
read, every bad cell named by sheet, row and column, nothing partial kept, a re-import that
changes nothing, and an export in the same shape that imports back unchanged."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from liaison.audit.models import AuditEvent
from liaison.staffing import needs_sheet, selectors
from liaison.staffing.models import CoverageNeed
from liaison.staffing.tests.factories import desks, make_term, research, set_needs, supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool():
    points = desks()
    boss = supervisor()
    research()
    return {"term": make_term(boss), "boss": boss, "points": points}


def workbook(*sheets: tuple[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


JOINT = [
    ["joint-desk", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    ["09:00", "1/2", 2, "", "", "1", None, None],
    ["10-12", "2", "2", "2", "2", "2", "", ""],  # a span: 10:00 and 11:00
]
HELP_DESK_DAYS_DOWN = [  # the other orientation: weekdays down the side, hours across
    ["it-help-desk", "9am", "10am", "1pm"],
    ["Monday", 1, 1, ""],
    ["Wednesday", "", "1/3", 2],
]


def upload(client, term, content: bytes, name: str, **extra):
    file = io.BytesIO(content)
    file.name = name
    return client.post("/staffing/needs/import/", {"term": term.pk, "file": file, **extra})


def commit(client, term, preview) -> object:
    return client.post("/staffing/needs/import/", {"term": term.pk, "payload": preview.context["payload"]})


def test_a_workbook_is_previewed_as_read_then_imported_in_either_orientation(client, pool):
    client.force_login(pool["boss"])
    term = pool["term"]
    content = workbook(("Joint", JOINT), ("Help", HELP_DESK_DAYS_DOWN))
    preview = upload(client, term, content, "needs.xlsx")
    page = preview.content.decode()
    assert preview.status_code == 200 and "The file as read: needs.xlsx" in page
    assert "joint-desk" in page and "it-help-desk" in page and "Import 2 grids" in page
    assert not CoverageNeed.objects.filter(term=term).exists()  # a preview saves nothing

    assert commit(client, term, preview).status_code == 302
    joint = selectors.need_grid(term=term, point=pool["points"]["joint"], skill=None)
    assert joint[(0, 9)] == (1, 2) and joint[(1, 9)] == (2, 2) and joint[(4, 9)] == (1, 1)
    assert joint[(0, 10)] == joint[(0, 11)] == (2, 2) and (0, 12) not in joint and (5, 9) not in joint
    it = selectors.need_grid(term=term, point=pool["points"]["it"], skill=None)
    assert it == {(0, 9): (1, 1), (0, 10): (1, 1), (2, 10): (1, 3), (2, 13): (2, 2)}


def test_importing_the_same_file_again_changes_nothing(client, pool):
    client.force_login(pool["boss"])
    term = pool["term"]
    content = workbook(("Joint", JOINT))
    commit(client, term, upload(client, term, content, "needs.xlsx"))
    rows = list(CoverageNeed.objects.filter(term=term).values_list("pk", "weekday", "hour", "minimum", "ideal"))
    audits = AuditEvent.objects.count()
    again = commit(client, term, upload(client, term, content, "needs.xlsx"))
    assert again.status_code == 302
    assert "nothing changed" in client.get(again["Location"]).content.decode()
    assert list(CoverageNeed.objects.filter(term=term).values_list("pk", "weekday", "hour", "minimum", "ideal")) == rows
    assert AuditEvent.objects.count() == audits


def test_every_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_kept(client, pool):
    client.force_login(pool["boss"])
    term = pool["term"]
    set_needs(term, pool["points"]["it"], {(0, 9): (1, 1)})
    bad_joint = [
        ["joint-desk", "Mon", "Tue", "Funday"],
        ["09:00", "two", "1", "1"],
        ["10:00", "3/1", "", ""],
        ["09-11", "1", "", ""],  # overlaps 09:00
    ]
    good_help = [["it-help-desk", "Mon"], ["14:00", "2"]]
    preview = upload(client, term, workbook(("Joint", bad_joint), ("Help", good_help)), "needs.xlsx")
    page = preview.content.decode()
    assert preview.status_code == 400 and "Nothing was imported" in page
    assert "Sheet Joint, column D: &#x27;Funday&#x27; is not a weekday." in page
    assert "Sheet Joint, row 2, column B (Mon 09:00): &#x27;two&#x27; is not a number of workers" in page
    assert "Sheet Joint, row 3, column B (Mon 10:00): the minimum (3) must be 0 to the ideal (1)" in page
    assert "Sheet Joint, row 4: &#x27;09-11&#x27; overlaps row 2 (&#x27;09:00&#x27;) at 09:00." in page
    assert "payload" not in preview.context or not preview.context["payload"]
    assert selectors.need_grid(term=term, point=pool["points"]["it"], skill=None) == {(0, 9): (1, 1)}
    assert not CoverageNeed.objects.filter(term=term, service_point=pool["points"]["joint"]).exists()


def test_an_unknown_desk_and_a_sheet_without_weekdays_are_named(client, pool):
    client.force_login(pool["boss"])
    content = workbook(("A", [["reading-room", "Mon"], ["9", "1"]]), ("B", [["joint-desk", "x"], ["9", "1"]]))
    page = upload(client, pool["term"], content, "needs.xlsx").content.decode()
    assert "Sheet A, cell A1: &#x27;reading-room&#x27; is not a service point" in page
    assert "Sheet B: no weekdays in the first row or the first column" in page


def test_a_csv_grid_naming_no_desk_is_for_the_desk_chosen_on_the_form(client, pool):
    client.force_login(pool["boss"])
    term = pool["term"]
    csv = b"Hour;Mon;Tue\n09:00;1;1/2\n10:00;;2\n"
    preview = upload(client, term, csv, "grid.csv", point="joint-desk", skill="research")
    assert preview.status_code == 200
    commit(client, term, preview)
    grid = selectors.need_grid(term=term, point=pool["points"]["joint"], skill=selectors.skill_by_slug("research"))
    assert grid == {(0, 9): (1, 1), (1, 9): (1, 2), (1, 10): (2, 2)}


def test_the_export_imports_back_unchanged_as_xlsx_and_as_csv(client, pool):
    client.force_login(pool["boss"])
    term = pool["term"]
    set_needs(term, pool["points"]["joint"], {(0, 9): (1, 2), (6, 21): (3, 3), (2, 7): (0, 1)})
    set_needs(term, pool["points"]["joint"], {(0, 11): (1, 1)}, skill=research())
    set_needs(term, pool["points"]["it"], {(4, 16): (2, 4)})
    before = sorted(
        CoverageNeed.objects.filter(term=term).values_list(
            "pk", "service_point", "skill", "weekday", "hour", "minimum", "ideal"
        )
    )

    xlsx = client.get(f"/staffing/needs/export/?term={term.pk}&format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["it-help-desk", "joint-desk", "joint-desk (research)"]
    rows = list(book["joint-desk"].iter_rows(values_only=True))
    assert rows[0] == ("joint-desk", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert rows[1][0] == "07:00" and rows[1][3] == "0/1" and rows[3][1] == "1/2"
    preview = upload(client, term, xlsx.content, "needs.xlsx")
    assert preview.status_code == 200 and "the same as now" in preview.content.decode()
    commit(client, term, preview)

    csv = client.get(f"/staffing/needs/export/?term={term.pk}&format=csv")
    assert csv.content.decode().count("joint-desk") == 2
    preview = upload(client, term, csv.content, "needs.csv")
    assert preview.status_code == 200 and preview.content.decode().count("the same as now") == 3
    commit(client, term, preview)
    after = sorted(
        CoverageNeed.objects.filter(term=term).values_list(
            "pk", "service_point", "skill", "weekday", "hour", "minimum", "ideal"
        )
    )
    assert after == before


def test_a_tampered_preview_is_refused_and_nothing_is_saved(client, pool):
    client.force_login(pool["boss"])
    term = pool["term"]
    preview = upload(client, term, workbook(("Joint", JOINT)), "needs.xlsx")
    tampered = preview.context["payload"][:-3] + "abc"
    response = client.post("/staffing/needs/import/", {"term": term.pk, "payload": tampered})
    assert response.status_code == 400 and "cannot be read back" in response.content.decode()
    assert not CoverageNeed.objects.filter(term=term).exists()


def test_hours_are_read_as_people_write_them():
    assert needs_sheet._hours("9") == [9]
    assert needs_sheet._hours("09:00") == [9]
    assert needs_sheet._hours("1pm") == [13]
    assert needs_sheet._hours("12am") == [0]
    assert needs_sheet._hours("9–11") == [9, 10]
    assert needs_sheet._hours("09:30") is None and needs_sheet._hours("25") is None and needs_sheet._hours("x") is None
