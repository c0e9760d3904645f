from liaison.accounts import selectors
from liaison.core import home
from liaison.core.access import SIGNED_IN, role_rule
from liaison.core.roles import Role


def _shortcuts(request) -> dict:
    return {}


def _people(request) -> dict:
    counts = selectors.active_user_counts_by_role()
    return {"rows": [(label, counts.get(value, 0)) for value, label in Role.choices]}


home.register(home.HomePanel("shortcuts", "Your tools", "core/panel_shortcuts.html", SIGNED_IN, _shortcuts, order=10))
home.register(
    home.HomePanel(
        "people", "People by role", "accounts/panel_people.html", role_rule(Role.SUPERVISOR), _people, order=80
    )
)
