"""Cross-cutting HTTP behaviour: request ids, session lifetimes, and no caching of staff pages."""

from __future__ import annotations

import logging
import time
import uuid

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
