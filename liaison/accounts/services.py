"""Writes for accounts: API tokens and the sign-in throttle."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.accounts.models import ApiToken, User
from liaison.audit.services import audit_record

TOKEN_PREFIX = "lsn"  # noqa: S105 (a public marker, not a secret)


def hash_token_secret(secret: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; a slow KDF would only slow every API call.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its plain text, which is never stored or shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name that says what uses it."})
    if len(name) > 100:
        raise ValidationError({"name": "Keep the name under 100 characters."})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    plain = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, key_hash=hash_token_secret(plain))
    audit_record(actor=user, action="api_token.create", obj=token, after={"name": name, "prefix": prefix})
    return token, plain


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token, after={"prefix": token.prefix})
    return token


def api_token_authenticate(plain: str) -> User | None:
    """The active user behind a presented token, or None. Never says why it failed."""
    parts = (plain or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if token is None or not secrets.compare_digest(token.key_hash, hash_token_secret(plain)):
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    # Touch last_used_at at most once a minute so busy integrations do not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Sign-in throttle. Keyed by the name typed (whether or not it exists) and by address,
# so the lock-out reveals nothing about which accounts exist.


def _throttle_keys(username: str, ip: str) -> list[str]:
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return [f"signin-fail:user:{name}", f"signin-fail:ip:{ip}"]


def sign_in_is_locked(*, username: str, ip: str) -> bool:
    limit = settings.SIGN_IN_MAX_FAILURES
    user_key, ip_key = _throttle_keys(username, ip)
    # The address gets more room: a shared lab or NAT puts many people behind one address.
    return (cache.get(user_key, 0) >= limit) or (cache.get(ip_key, 0) >= limit * 4)


def sign_in_record_failure(*, username: str, ip: str) -> None:
    for key in _throttle_keys(username, ip):
        cache.add(key, 0, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.SIGN_IN_LOCKOUT_SECONDS)


def sign_in_clear_failures(*, username: str, ip: str) -> None:
    cache.delete(_throttle_keys(username, ip)[0])
