"""Sign-in events for the security log. The typed user name is hashed, never logged as typed
(it may be a password typed in the wrong box, and it may carry line breaks)."""

import hashlib
import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from liaison.accounts import selectors
from liaison.accounts.models import ApiToken, User
from liaison.accounts.services import api_token_forget
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


# --- Cached API token verifications are dropped whenever what a token may do changes. These
# stay signals so that every save counts, the admin's included; ending a deactivated person's
# sessions is the service's work (services.user_deactivate), not a signal's.


@receiver(post_save, sender=ApiToken)
@receiver(post_delete, sender=ApiToken)
def forget_changed_token(sender, instance, **kwargs):
    api_token_forget([instance.key_hash])


@receiver(post_save, sender=User)
def forget_tokens_of_changed_user(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields and set(update_fields) <= {"last_login"}):
        return  # a new user has no tokens; signing in changes nothing a token may do
    api_token_forget(ApiToken.objects.filter(user_id=instance.pk).values_list("key_hash", flat=True))


# --- Menus of people (`selectors.people_menu`) are dropped when anyone is saved or deleted,
# except for the sign-in's own save of `last_login`, which changes no menu.
@receiver(post_save, sender=User, dispatch_uid="accounts.forget_people_menus_on_save")
def forget_people_menus_on_save(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    selectors.forget_people_menus()


@receiver(post_delete, sender=User, dispatch_uid="accounts.forget_people_menus_on_delete")
def forget_people_menus_on_delete(sender, instance, **kwargs):
    selectors.forget_people_menus()
