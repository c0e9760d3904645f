from liaison.audit.models import AuditEvent
from liaison.core import home
from liaison.core.access import role_rule
from liaison.core.roles import Role


def _recent(request) -> dict:
    return {"events": AuditEvent.objects.order_by("-at")[:6]}


home.register(
    home.HomePanel(
        "recent-changes", "Recent changes", "audit/panel_recent.html", role_rule(Role.ADMINISTRATOR), _recent, order=90
    )
)
