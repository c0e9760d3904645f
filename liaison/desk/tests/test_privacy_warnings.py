"""Notes that look like they name a patron are warned about (not refused)."""

import pytest

from liaison.desk.services import note_privacy_warnings


@pytest.mark.parametrize(
    ("note", "kinds"),
    [
        ("wrote to jdoe@students.college.example", {"e-mail"}),
        ("call (555) 201-4100 tomorrow", {"phone"}),
        ("call 555-201-4100", {"phone"}),
        ("call 555.201.4100", {"phone"}),
        ("call +1 555 201 4100", {"phone"}),
        ("ext 201-4100", {"phone"}),
        ("student id 20231234", {"ID"}),
        ("card A1234567 not scanning", {"ID"}),
        ("email a@b.co, id 9876543", {"e-mail", "ID"}),
    ],
)
def test_notes_that_look_like_identity_are_warned_about(note, kinds):
    warnings = " ".join(note_privacy_warnings(note))
    for kind in kinds:
        assert kind in warnings


@pytest.mark.parametrize(
    "note",
    [
        "",
        "Printer 2 jammed again",
        "Chicago style for a 2024-11-28 due date",
        "Open 10:30-11:45 only",
        "QA76.73 .P98 2019 on the 3rd floor",
        "ISBN 978-0-262-03384-8",
        "room 204, 16 seats",
        "sent to helpdesk",
    ],
)
def test_ordinary_notes_raise_no_warning(note):
    assert note_privacy_warnings(note) == []


def test_each_kind_of_warning_is_given_once():
    assert len(note_privacy_warnings("a@b.co and c@d.co")) == 1
