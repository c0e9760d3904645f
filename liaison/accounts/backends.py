from django.conf import settings
from django.contrib.auth.backends import RemoteUserBackend


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
            from liaison.core.roles import Role

            user.role = Role.STUDENT_WORKER
            user.set_unusable_password()
            user.save(update_fields=["role", "password"])
        return user
