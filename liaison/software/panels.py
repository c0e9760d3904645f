"""The home page's software panel: requests to IT that are open and overdue, for both
departments (two counts; the matrix itself is one click away, not computed on the home page)."""

from liaison.core import home
from liaison.core.access import role_rule
from liaison.software import policy, selectors


def _software(request) -> dict:
    return {
        "term": selectors.term_current(),
        "open": selectors.open_request_count(),
        "overdue": selectors.overdue_request_count(),
    }


home.register(
    home.HomePanel(
        "software", "Course software", "software/panel.html", role_rule(*policy.READER_ROLES), _software, order=60
    )
)
