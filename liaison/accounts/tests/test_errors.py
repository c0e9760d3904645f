"""Clients branch on error codes, so every code accounts raises is listed (and explained) in
accounts/errors.py, and nothing listed there is stale."""

import re
from pathlib import Path

from liaison.accounts.errors import CODES

APP = Path(__file__).resolve().parents[1]


def _raised_codes() -> set[str]:
    found: set[str] = set()
    for path in APP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "errors.py":
            continue
        found |= set(re.findall(r"""code=["'](accounts\.[a-z_]+)["']""", path.read_text()))
    return found


def test_every_code_raised_is_listed_and_every_listed_code_is_raised():
    raised = _raised_codes()
    assert raised, "the scan found no codes at all"
    assert raised == set(CODES)
