"""Authentication and access for API operations: the API's half of the access policy
(the pages' half is `access.py`, beside it).

Every operation passes `auth=api_access(...)`. One callable accepts either a per-user token
(`Authorization: Bearer lsn_…`) or the browser's session (with its CSRF check on writes),
then applies the operation's access rule. The API's default auth, `UNDECLARED`, refuses
everything, so an operation that forgets to declare its rule is closed, and the access
matrix test names it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.module_loading import import_string
from ninja.errors import AuthenticationError
from ninja.utils import check_csrf

from liaison.core.access import PUBLIC, SIGNED_IN, AccessRule, role_rule

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiAccess:
    def __init__(self, rule: AccessRule):
        self.rule = rule

    def __repr__(self) -> str:
        return f"ApiAccess({self.rule.describe()})"

    def __call__(self, request):
        user = self._user(request)
        if self.rule.kind == "public":
            return user or True
        if user is None:
            raise AuthenticationError()
        if not self.rule.allows(user):
            raise PermissionDenied("Your role does not allow this operation.")
        request.user = user
        return user

    def _user(self, request):
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, credential = header.partition(" ")
            if scheme.lower() != "bearer" or not credential.strip():
                raise AuthenticationError()
            user = _token_authenticator()(credential.strip())
            if user is None:
                raise AuthenticationError()
            return user
        session_user = getattr(request, "user", None)
        if session_user is not None and session_user.is_authenticated and session_user.is_active:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise PermissionDenied("CSRF check failed: reload the page and try again.")
            return session_user
        return None


def _token_authenticator():
    """Core knows no domain: the accounts app names its token check in settings
    (LIAISON_API_TOKEN_AUTHENTICATOR), and core loads it by name (cached by import_string)."""
    return import_string(settings.LIAISON_API_TOKEN_AUTHENTICATOR)


class Undeclared:
    """The API's default auth: refuses, so a forgotten rule fails closed."""

    rule = None

    def __call__(self, request):
        raise PermissionDenied("This operation has no access rule.")


def api_access(*allowed_roles: str) -> ApiAccess:
    return ApiAccess(role_rule(*allowed_roles))


API_PUBLIC = ApiAccess(PUBLIC)
API_SIGNED_IN = ApiAccess(SIGNED_IN)
UNDECLARED = Undeclared()
