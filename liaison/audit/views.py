from django.core.paginator import Paginator
from django.shortcuts import render

from liaison.audit.selectors import audit_event_list
from liaison.core.access import roles
from liaison.core.roles import Role


@roles(Role.ADMINISTRATOR)
def audit_list(request):
    events = audit_event_list(
        action=request.GET.get("action", "").strip(),
        object_type=request.GET.get("object_type", "").strip(),
        actor=request.GET.get("actor", "").strip(),
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "filters": request.GET})
