from django.contrib.admin import AdminSite

from liaison.core.access import user_has_role


class LiaisonAdminSite(AdminSite):
    """The setup screens: open to the administrator role (not Django's is_staff flag)."""

    site_header = "Liaison setup"
    site_title = "Liaison setup"
    index_title = "Setup"

    def has_permission(self, request):
        return user_has_role(request.user)  # no extra roles: administrators only
