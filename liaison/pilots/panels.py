from liaison.core import home
from liaison.core.access import role_rule
from liaison.pilots import policy, selectors


def _running(request) -> dict:
    return {"pilots": selectors.running_pilots(user=request.user)}


home.register(
    home.HomePanel(
        "pilots-running",
        "Pilots running in the library",
        "pilots/panel_running.html",
        role_rule(*policy.READER_ROLES),
        _running,
        order=60,
    )
)
