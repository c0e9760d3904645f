"""Writes for accounts: API tokens, deactivating a person, and the sign-in throttle.

Every write takes the person making it (`actor`) and asks `policy.py` itself. The sign-in
throttle and token verification run before anyone is known, so they take no actor."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from liaison.accounts import policy
from liaison.accounts.models import ApiToken, User
from liaison.audit.services import audit_record
from liaison.core import redis_cache
from liaison.core.api_access import TokenClaim
from liaison.core.errors import reject
from liaison.core.events import after_commit
from liaison.core.idempotency import AlreadyDoneSecretNotKept, run_once

logger = logging.getLogger("liaison.security")

TOKEN_PREFIX = "lsn"  # noqa: S105 (a public marker, not a secret)


def hash_token_secret(secret: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; a slow KDF would only slow every API call.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User | None = None, name: str, user: User | None = None) -> tuple[ApiToken, str]:
    """Make a token for `actor` and return it with its plain text, which is never stored or
    shown again (so a token is only ever made by the person it belongs to). `user` is the
    older name of `actor`, still used by the peer side-by-side harness (../shared)."""
    actor = actor if actor is not None else user
    if actor is None:
        raise TypeError("api_token_create needs actor=")
    if not policy.can_create_api_token(actor):
        raise PermissionDenied("Sign in to make an API token.")
    name = (name or "").strip()
    if not name:
        raise reject("name", "Give the token a name that says what uses it.", code="accounts.token_name_missing")
    if len(name) > 100:
        raise reject("name", "Keep the name under 100 characters.", code="accounts.token_name_too_long")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    plain = f"{TOKEN_PREFIX}_{prefix}_{secret}"
    token = ApiToken.objects.create(user=actor, name=name, prefix=prefix, key_hash=hash_token_secret(plain))
    audit_record(actor=actor, action="api_token.create", obj=token, after={"name": name, "prefix": prefix})
    return token, plain


def api_token_create_once(*, actor: User, name: str, key: str | None) -> tuple[ApiToken, str]:
    """`api_token_create`, done at most once per one-time key (a form's hidden key or the API's
    `Idempotency-Key`). A repeat makes no second token and raises `AlreadyDoneSecretNotKept`
    naming the first one: its secret was shown once and is never stored, so it cannot be sent
    again (security reference: secrets are not kept; Rel1: creates are safe to send twice)."""
    if key is None:
        return api_token_create(actor=actor, name=name)
    made: list[tuple[ApiToken, str]] = []

    def create() -> tuple[int, dict]:
        token, plain = api_token_create(actor=actor, name=name)
        made.append((token, plain))
        return 201, {"id": token.pk, "name": token.name, "prefix": token.prefix}  # never the secret

    _status, first, replayed = run_once(
        actor=actor, endpoint="accounts.token_create", key=key, payload={"name": name}, work=create
    )
    if replayed:
        raise AlreadyDoneSecretNotKept(
            f"This request already made the token “{first['name']}” ({first['prefix']}…). Its secret was shown"
            " once, in the first answer, and is not kept; if you did not copy it, revoke that token and make a new one."
        )
    return made[0]


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token (its owner, or an administrator). The cached verification is dropped by
    signals.py, so the token is refused on its very next call."""
    if not policy.can_revoke_api_token(actor, token):
        raise PermissionDenied("Only the token's owner or an administrator can revoke it.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token, after={"prefix": token.prefix})
    return token


# --- Token verification. A verified token is remembered in the cache for a short while, so a
# busy integration (the desk screen's API, a lab agent) does not pay a database round trip on
# every call. The entry holds the user's fields that access rules read,
# never the password hash. Whatever changes what a token may do (revoking or deleting it;
# deactivating its user or changing their role) deletes the entry, at once and after commit.
# With Redis as the cache that reaches every app server at once. A per-process cache could not
# be cleared by the other workers, so without Redis the cache is off by default (ADR 0010).

_CACHED_USER_FIELDS = (
    "id", "username", "first_name", "last_name", "email", "role", "department_id",
    "is_active", "is_staff", "is_superuser",
)  # fmt: skip
# The same fields in the model's own order, which is what from_db wants (worked out once).
_CACHED_USER_ATTNAMES = tuple(f.attname for f in User._meta.concrete_fields if f.attname in _CACHED_USER_FIELDS)
LAST_USED_RESOLUTION_SECONDS = 60


def _token_cache_key(key_hash: str) -> str:
    return f"apitoken:{key_hash}"


def api_token_forget(key_hashes) -> None:
    """Drop cached verifications for these token hashes: now, and again after commit, so a
    request that re-reads the old row before the change commits cannot keep it cached."""
    if not settings.API_TOKEN_CACHE_SECONDS:
        return  # nothing is cached (and the hashes are not even read)
    hashes = list(key_hashes)
    for key_hash in hashes:
        _recalled.pop(key_hash, None)  # this process's claims; other processes' fail on the bytes
    keys = [_token_cache_key(h) for h in hashes]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _user_from_cache(values: dict) -> User:
    # A model instance with the other fields deferred: reading one loads it, and saving the
    # instance writes only the fields it holds, so the password hash is never overwritten.
    return User.from_db("default", _CACHED_USER_ATTNAMES, [values[name] for name in _CACHED_USER_ATTNAMES])


def api_token_authenticate(plain: str) -> User | None:
    """The active user behind a presented token, or None. Never says why it failed."""
    parts = (plain or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    key_hash = hash_token_secret(plain)
    ttl = settings.API_TOKEN_CACHE_SECONDS
    now = timezone.now()
    shared = redis_cache.shared() if ttl else None
    if ttl:
        # The key is the hash of the whole secret, so a hit is an exact match by construction.
        key = _token_cache_key(key_hash)
        raw = shared.raw_get(key) if shared is not None else None
        remembered = (shared.loads(raw) if raw is not None else None) if shared is not None else cache.get(key)
        if remembered is not None:
            user_values, last_used_at = remembered
            if (now - last_used_at).total_seconds() <= LAST_USED_RESOLUTION_SECONDS:
                cached_user = _user_from_cache(user_values)
                if not policy.can_use_api_tokens(cached_user):
                    return None
                if shared is not None and raw is not None:
                    _remember(key_hash, cached_user, shared.raw_key(key), raw, last_used_at)
                return cached_user
            # Otherwise fall through: re-check in the database and touch last_used_at.
    _recalled.pop(key_hash, None)  # no claim for it until the database says it is good
    token = (
        ApiToken.objects.select_related("user")
        .only("key_hash", "last_used_at", *(f"user__{f}" for f in _CACHED_USER_FIELDS if f != "department_id"),
              "user__department")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )  # fmt: skip
    if token is None or not secrets.compare_digest(token.key_hash, key_hash):
        return None
    if not token.user.is_active or not policy.can_use_api_tokens(token.user):
        return None  # a token outlives a change of role to one that has none
    # Touch last_used_at at most once a minute so busy integrations do not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    if ttl:
        user_values = {f: getattr(token.user, f) for f in _CACHED_USER_FIELDS}
        if shared is not None:  # stored as cache.set would, and the very bytes remembered
            stored = shared.dumps((user_values, token.last_used_at))
            shared.raw_set(_token_cache_key(key_hash), stored, ttl)
            if isinstance(stored, bytes):
                _remember(key_hash, _user_from_cache(user_values), shared.raw_key(_token_cache_key(key_hash)), stored,
                          token.last_used_at)  # fmt: skip
        else:
            cache.set(_token_cache_key(key_hash), (user_values, token.last_used_at), ttl)
    return token.user


# --- Token claims (ADR 0060). Where the cache is Redis, each process also remembers the tokens
# it verified, by hash, with the exact bytes the shared entry held. For one hot operation (a lab
# agent's heartbeat) such a token is taken as a `TokenClaim` with no round trip, and the
# handler's one Redis script confirms it by finding those same bytes still there. Anything that
# changes what the token may do deletes the shared entry (above), so a revoked token fails that
# comparison on its very next request, whichever process answers it. A claim is offered only
# while the entry's last_used_at is under a minute old, as a cache hit is.

_RECALL_LIMIT = 10_000  # tokens per process; past it the memory starts again


@dataclass(frozen=True)
class _Recalled:
    user: User
    cache_key: str
    cached: bytes
    last_used: float  # last_used_at as a timestamp


_recalled: dict[str, _Recalled] = {}


def _remember(key_hash: str, user: User, cache_key: str, raw: bytes, last_used_at) -> None:
    if len(_recalled) >= _RECALL_LIMIT:
        _recalled.clear()
    _recalled[key_hash] = _Recalled(user, cache_key, raw, last_used_at.timestamp())


def api_token_recall(plain: str) -> TokenClaim | None:
    """A token this process verified through the shared cache within the last minute, as a
    claim for the handler to confirm (`core.api_access.TokenClaim`); None otherwise, and the
    caller checks the token in full. Reads nothing but this process's memory."""
    if not _recalled or not plain.startswith(TOKEN_PREFIX + "_") or not settings.API_TOKEN_CACHE_SECONDS:
        return None
    if redis_cache.shared() is None:
        return None
    found = _recalled.get(hash_token_secret(plain))
    if found is None or time.time() - found.last_used > LAST_USED_RESOLUTION_SECONDS:
        return None
    return TokenClaim(user=found.user, credential=plain, cache_key=found.cache_key, cached=found.cached)


# --- Sign-in throttle (ADR 0015; OWASP Authentication Cheat Sheet, "device cookies").
#
# A lock-out that anyone can trigger by typing a colleague's name is a way to lock people out.
# So the counts are kept apart:
# - a browser where this person has signed in before carries a signed device cookie; its
#   failures count against that device alone, and strangers' failures never stop it;
# - every other browser shares one count per typed name ("untrusted"); after a few failures
#   they must wait, with the wait doubling each time (a slow-down, not a fixed lock);
# - an address that fails on many names is slowed down too (password spraying), but a browser
#   with a device cookie for the name it types is not held back by its address.
# The counts live in the cache: Redis where it runs, so every worker shares them. Names are
# hashed, so the cache never holds what was typed.

DEVICE_COOKIE = "liaison_device"
DEVICE_COOKIE_SALT = "liaison.accounts.device"
DEVICE_COOKIE_DAYS = 365


def _name_hash(username: str) -> str:
    return hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]


@dataclass(frozen=True)
class SignInGate:
    allowed: bool
    wait_seconds: int = 0


def _delay_for(failures: int, free: int) -> int:
    """Seconds to wait after `failures` failures when `free` come without a wait: 0, then 2, 4,
    8 … doubling, capped at SIGN_IN_LOCKOUT_SECONDS."""
    if failures < free:
        return 0
    return min(2 ** (failures - free + 1), settings.SIGN_IN_LOCKOUT_SECONDS)


def _counter(key: str) -> tuple[int, float]:
    value = cache.get(key) or (0, 0.0)
    return int(value[0]), float(value[1])


def _bump(key: str, now: float) -> None:
    failures, _last = _counter(key)
    cache.set(key, (failures + 1, now), timeout=settings.SIGN_IN_LOCKOUT_SECONDS)


def _wait(key: str, free: int, now: float) -> int:
    failures, last = _counter(key)
    return max(0, int(last + _delay_for(failures, free) - now + 0.999)) if failures >= free else 0


def device_token_for(username: str) -> str:
    return signing.dumps({"n": _name_hash(username), "d": secrets.token_hex(8)}, salt=DEVICE_COOKIE_SALT)


def _device_id(device_cookie: str | None, username: str) -> str | None:
    """The device's id if its cookie is genuine and was given to this name; else None."""
    if not device_cookie:
        return None
    try:
        data = signing.loads(device_cookie, salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_DAYS * 86400)
    except signing.BadSignature:
        return None
    return data.get("d") if data.get("n") == _name_hash(username) else None


def _keys(username: str, ip: str, device_cookie: str | None) -> dict[str, str]:
    name = _name_hash(username)
    device = _device_id(device_cookie, username)
    keys = {"address": f"signin:ip:{ip}"}
    if device:
        keys["device"] = f"signin:device:{name}:{device}"
    else:
        keys["untrusted"] = f"signin:untrusted:{name}"
    return keys


def sign_in_gate(*, username: str, ip: str, device_cookie: str | None = None, now: float | None = None) -> SignInGate:
    """May this attempt go ahead now? If not, how long to wait."""
    now = now if now is not None else time.time()
    limit = settings.SIGN_IN_MAX_FAILURES
    keys = _keys(username, ip, device_cookie)
    waits = []
    if "device" in keys:
        waits.append(_wait(keys["device"], limit * 2, now))
    else:
        waits.append(_wait(keys["untrusted"], limit, now))
        # A shared lab or NAT puts many people behind one address: it gets more room.
        waits.append(_wait(keys["address"], limit * 4, now))
    wait = max(waits)
    return SignInGate(allowed=wait == 0, wait_seconds=wait)


def sign_in_record_failure(
    *, username: str, ip: str, device_cookie: str | None = None, now: float | None = None
) -> None:
    now = now if now is not None else time.time()
    for key in _keys(username, ip, device_cookie).values():
        _bump(key, now)


def sign_in_clear_failures(*, username: str, ip: str, device_cookie: str | None = None) -> None:
    """After a correct password: this device's and this name's counts start again."""
    keys = _keys(username, ip, device_cookie)
    cache.delete_many([k for name, k in keys.items() if name != "address"])


# --- Password reset e-mails: a few per address and per address typed, per hour.

RESET_PER_EMAIL_PER_HOUR = 3
RESET_PER_ADDRESS_PER_HOUR = 10


def password_reset_may_send(*, email: str, ip: str) -> bool:
    """Counts the request; False once the e-mail or the address has asked too often this hour.
    The page says the same either way, so the answer reveals nothing."""
    email_key = "reset:email:" + hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    ip_key = f"reset:ip:{ip}"
    allowed = True
    for key, limit in ((email_key, RESET_PER_EMAIL_PER_HOUR), (ip_key, RESET_PER_ADDRESS_PER_HOUR)):
        cache.add(key, 0, timeout=3600)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=3600)
            count = 1
        allowed = allowed and count <= limit
    return allowed


# --- Deactivating a person.


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """End a person's access (security A5): the account is marked inactive, every session they
    have ends once this commits, and their API tokens are refused on the next call (the token
    cache is cleared by signals.py on every save of a user, so admin saves are covered too).

    Safe to call for an account already marked inactive: the admin's change form saves the
    flag with the rest of the form (its audit row records the change) and then calls this, so
    the sessions still end."""
    if not policy.can_deactivate_user(actor, user):
        raise PermissionDenied("Only administrators deactivate accounts.")
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor, action="user.deactivate", obj=user, before={"is_active": True}, after={"is_active": False}
        )
    after_commit(_end_sessions, user.pk)
    return user


def _end_sessions(user_id: int) -> None:
    ended = sessions_end_for_user(user_id)
    if ended:
        logger.info("ended %d session(s) of deactivated user %s", ended, user_id)


def sessions_end_for_user(user_id) -> int:
    """Delete every live session of this user (security A5: deactivation ends them at once).
    Sessions are not indexed by user, so this reads the live ones; deactivations are rare."""
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_id)
    ]
    # Through the session engine, so a cached copy (cached_db, with Redis) goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in ended:
        store(session_key=key).delete()
    return len(ended)
