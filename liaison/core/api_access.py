"""Authentication and access for API operations: the API's half of the access policy
(the pages' half is `access.py`, beside it).

Every operation passes `auth=api_access(...)`. One callable accepts either a per-user token
(`Authorization: Bearer lsn_…`) or the browser's session (with its CSRF check on writes),
then applies the operation's access rule. The API's default auth, `UNDECLARED`, refuses
everything, so an operation that forgets to declare its rule is closed, and the access
matrix test names it.

One operation, a lab agent's heartbeat (ADR 0060), may take a token this process verified a
moment ago as a `TokenClaim` instead of a user: no round trip in the auth step, and no
`request.user`, so a handler that forgot to confirm it would act for nobody. The handler
confirms the claim in its own single round trip (a Redis script that first checks the token's
cached entry is byte for byte what it was) or, failing that, calls `confirm_fully`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.module_loading import import_string
from ninja.errors import AuthenticationError
from ninja.utils import check_csrf

from liaison.core.access import PUBLIC, SIGNED_IN, AccessRule, role_rule

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class TokenClaim:
    """A bearer token this process verified within the last minute, not yet confirmed for this
    request. `user` is who it belonged to then (read-only). It is confirmed while the shared
    cache's entry `cache_key` still holds exactly the bytes `cached`: revoking or deleting the
    token, or changing its user, deletes that entry at once (ADR 0010), so the same bytes mean
    nothing changed. `confirm_fully` checks the token as every other operation does."""

    user: Any
    credential: str
    cache_key: str
    cached: bytes

    def confirm_fully(self):
        """The token's user, checked in full (the cache, else the database), or None."""
        return _token_authenticator()(self.credential)


class ApiAccess:
    def __init__(self, rule: AccessRule, *, token_claims: bool = False):
        self.rule = rule
        self.token_claims = token_claims

    def __repr__(self) -> str:
        return f"ApiAccess({self.rule.describe()})"

    def __call__(self, request):
        if self.token_claims:
            claim = self._claim(request)
            if claim is not None:
                return claim  # request.user stays as it was (anonymous): the handler confirms first
        user = self._user(request)
        if self.rule.kind == "public":
            return user or True
        if user is None:
            raise AuthenticationError()
        if not self.rule.allows(user):
            raise PermissionDenied("Your role does not allow this operation.")
        request.user = user
        return user

    def _claim(self, request) -> TokenClaim | None:
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            return None
        recaller = getattr(settings, "LIAISON_API_TOKEN_RECALLER", "")
        claim = import_string(recaller)(credential.strip()) if recaller else None
        return claim if claim is not None and self.rule.allows(claim.user) else None

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
# Anyone signed in, and a recently verified token may come as a TokenClaim (see above).
API_SIGNED_IN_OR_TOKEN_CLAIM = ApiAccess(SIGNED_IN, token_claims=True)
UNDECLARED = Undeclared()
