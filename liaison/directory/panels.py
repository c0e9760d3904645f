from django.utils import timezone

from liaison.core import home
from liaison.core.access import role_rule
from liaison.directory import policy, selectors


def _to_review(request) -> dict:
    today = timezone.localdate()
    return {
        "overdue": list(selectors.entries_due_for_review(today=today, owner=request.user)[:10]),
        "soon": list(selectors.entries_due_soon(owner=request.user, today=today)[:5]),
    }


home.register(
    home.HomePanel(
        "directory-review",
        "Directory entries to review",
        "directory/panel_review.html",
        role_rule(*policy.EDITOR_ROLES),
        _to_review,
        order=40,
    )
)
