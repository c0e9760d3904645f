from django.shortcuts import render

from liaison.audit.selectors import audit_event_list_for_user
from liaison.core.access import roles
from liaison.core.pagination import CappedPaginator
from liaison.core.roles import Role


@roles(Role.ADMINISTRATOR)
def audit_list(request):
    events = audit_event_list_for_user(
        user=request.user,
        action=request.GET.get("action", "").strip(),
        object_type=request.GET.get("object_type", "").strip(),
        actor=request.GET.get("actor", "").strip(),
    )
    page = CappedPaginator(events, 50).page_or_last(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "filters": request.GET})
