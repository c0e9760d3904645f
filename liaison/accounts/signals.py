"""Sign-in events for the security log. The typed user name is hashed, never logged as typed
(it may be a password typed in the wrong box, and it may carry line breaks)."""

import hashlib
import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from liaison.core.http import client_ip

logger = logging.getLogger("liaison.security")


def _fingerprint(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:12]


@receiver(user_login_failed)
def log_failed_sign_in(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "") if isinstance(credentials, dict) else ""
    logger.warning(
        "login_failed user=%s ip=%s", _fingerprint(username), _fingerprint(client_ip(request)) if request else "-"
    )


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    import time

    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session["signed_in_at"] = now
        request.session["last_seen"] = now
