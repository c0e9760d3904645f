from liaison.core import home
from liaison.core.access import role_rule
from liaison.core.roles import DESK_ROLES
from liaison.tickets import selectors


def _my_tickets(request) -> dict:
    return {"counts": selectors.ticket_counts_for(user=request.user)}


home.register(
    home.HomePanel(
        "my-tickets", "My tickets", "tickets/panel_my_tickets.html", role_rule(*DESK_ROLES), _my_tickets, order=30
    )
)
