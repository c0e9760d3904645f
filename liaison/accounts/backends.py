from django.conf import settings
from django.contrib.auth.backends import BaseBackend, RemoteUserBackend

from liaison.core.roles import Role


class AdministratorRoleBackend(BaseBackend):
    """People with the administrator role hold every model permission (the setup screens
    check them), so a site never has to hand out Django permissions one by one."""

    def has_perm(self, user_obj, perm, obj=None):
        return bool(user_obj.is_active and getattr(user_obj, "role", None) == Role.ADMINISTRATOR)

    def has_module_perms(self, user_obj, app_label):
        return self.has_perm(user_obj, app_label)


class CampusRemoteUserBackend(RemoteUserBackend):
    """Trusts the user name the campus single sign-on (e.g. Shibboleth) put in a header.

    By default only people who already have a Liaison account get in; a site may let SSO
    create accounts (they start as student workers with no department, for a supervisor
    to place)."""

    @property
    def create_unknown_user(self):  # type: ignore[override]
        return settings.SSO_CREATE_UNKNOWN_USERS

    def configure_user(self, request, user, created=True):
        if created:
            user.role = Role.STUDENT_WORKER
            user.set_unusable_password()
            user.save(update_fields=["role", "password"])
        return user
