"""Every error code the labs app raises is listed in errors.py, the README lists them all, and
errors.py lists none that nothing raises."""

import pathlib
import re

from liaison.labs.errors import CODES

APP = pathlib.Path(__file__).resolve().parents[1]


def raised_codes() -> set[str]:
    found = set()
    for path in APP.glob("*.py"):
        if path.name != "errors.py":
            found |= set(re.findall(r'code(?:"\s*:\s*|=)"(labs\.[a-z_]+)"', path.read_text()))
    return found


def test_every_raised_code_is_listed_and_every_listed_code_is_raised():
    assert raised_codes() == set(CODES)


def test_the_readme_names_every_code():
    readme = (APP / "README.md").read_text()
    assert [code for code in CODES if f"`{code}`" not in readme] == []
