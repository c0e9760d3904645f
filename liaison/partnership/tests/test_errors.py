"""Every code the partnership raises is listed in errors.py, and every listed code is raised."""

import re
from pathlib import Path

from liaison.partnership.errors import CODES

APP = Path(__file__).resolve().parents[1]


def test_errors_lists_exactly_the_codes_the_app_raises():
    raised = set()
    for module in ("services.py", "selectors.py", "api.py", "views.py"):
        raised |= set(re.findall(r'code="(partnership\.[a-z_]+)"', (APP / module).read_text()))
    assert raised == set(CODES)
    assert all(meaning.endswith(".") for meaning in CODES.values())
