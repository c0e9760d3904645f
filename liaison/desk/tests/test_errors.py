"""Clients branch on error codes, so every code the desk raises is listed (and explained) in
desk/errors.py, and nothing listed there is stale."""

import re
from pathlib import Path

from liaison.desk.errors import CODES

DESK = Path(__file__).resolve().parents[1]


def _raised_codes() -> set[str]:
    sources = [p for p in DESK.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    found: set[str] = set()
    for path in sources:
        if path.name == "errors.py":
            continue
        found |= set(re.findall(r"""code=["'](desk\.[a-z_]+)["']""", path.read_text()))
    return found


def test_every_code_the_desk_raises_is_listed():
    raised = _raised_codes()
    assert raised, "the scan found no codes at all"
    assert raised - set(CODES) == set()


def test_every_listed_code_is_raised_somewhere():
    assert set(CODES) - _raised_codes() == set()
