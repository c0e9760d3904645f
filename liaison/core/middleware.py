"""Cross-cutting HTTP behaviour: request ids, session lifetimes, and no caching of staff pages."""

from __future__ import annotations

import logging
import time
import uuid

from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as _CSPMiddleware
from django.conf import settings
from django.contrib.auth import logout

logger = logging.getLogger("liaison.request")


class RequestIdMiddleware:
    """Gives every request an id (kept from a trusted proxy's X-Request-ID if it looks sane),
    returns it in a header and shows it on the error page, so a person can quote it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class NulCharacterMiddleware:
    """A NUL character in a query string, a form field or the path is refused with a 400 that
    names the field: PostgreSQL cannot store or compare one, and no person types one (fuzzing
    found it as a 500). JSON bodies are checked by the API's parser (core/api_json.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field_with_nul(request)
        if field is not None:
            from django.http import HttpResponseBadRequest, JsonResponse

            message = f"{field} contains a NUL character (\\u0000), which Liaison does not accept."
            if request.path.startswith("/api/"):
                from liaison.core.errors import error_body

                body = error_body(message, [{"field": field, "message": message, "code": "invalid"}], code="invalid")
                return JsonResponse(body, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _field_with_nul(request) -> str | None:
        if "\x00" in request.path:
            return "The address"
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key or "a query parameter"
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return key or "a form field"
        return None


class PermissionsPolicyMiddleware:
    """Turns off browser features no Liaison page uses (settings.LIAISON_PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.LIAISON_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.policy)
        return response


class SessionLifetimeMiddleware:
    """Staff sign in at shared desk PCs: a session ends after a spell of inactivity and, in
    any case, after an absolute lifetime. The last-seen time is refreshed at most once a
    minute so an open desk screen does not write the session on every request."""

    REFRESH_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault("signed_in_at", now)
            last_seen = session.get("last_seen", now)
            idle_limit = settings.SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.SESSION_ABSOLUTE_HOURS * 3600
            if now - last_seen > idle_limit or now - signed_in_at > absolute_limit:
                logout(request)
                request.session_expired = True
            elif now - last_seen >= self.REFRESH_SECONDS or "last_seen" not in session:
                session["last_seen"] = now
        return self.get_response(request)


class NoStoreForStaffMiddleware:
    """Pages seen by signed-in staff may hold patron data: browsers and proxies must not keep
    them (the back button after sign-out on a shared PC shows nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-store"
        return response


class ContentSecurityPolicyMiddleware(_CSPMiddleware):
    """django-csp's middleware, with the policy built once per process instead of twice per
    response: Liaison's policy is fixed by settings, and no page uses a nonce. A response that
    carries its own policy (django-csp's decorators) or a request that drew a nonce still goes
    through django-csp's own code, so nothing it supports is lost. Building the two headers
    was the costliest step on the floor path (ADR 0016)."""

    _OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")

    def __init__(self, get_response):
        super().__init__(get_response)
        from csp.utils import build_policy

        self._header = build_policy()
        self._header_report_only = build_policy(report_only=True)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
        self._excluded = tuple(policy.get("EXCLUDE_URL_PREFIXES", None) or ())
        policy_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}
        self._excluded_ro = tuple(policy_ro.get("EXCLUDE_URL_PREFIXES", None) or ())

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            getattr(response, name, None) is not None for name in self._OVERRIDES
        ):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response
        from csp.constants import HEADER, HEADER_REPORT_ONLY

        path = request.path_info
        if (
            self._header
            and HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not path.startswith(self._excluded)
        ):
            response[HEADER] = self._header
        if (
            self._header_report_only
            and HEADER_REPORT_ONLY not in response
            and not getattr(response, "_csp_exempt_ro", False)
            and not path.startswith(self._excluded_ro)
        ):
            response[HEADER_REPORT_ONLY] = self._header_report_only
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
