"""Who may manage API tokens and accounts. Selectors turn these answers into 404; services
into PermissionDenied.

- Anyone signed in makes API tokens for themselves (never for someone else: the secret is
  shown once, to its owner), and sees and revokes their own.
- Administrators also reach and revoke anyone's token.
- Deactivating an account is for whoever may change accounts in the setup screens:
  administrators (the role holds every model permission) and superusers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from liaison.accounts.models import ApiToken, User
from liaison.core.access import user_has_role
from liaison.core.roles import STAFF_ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Person = User | AnonymousUser
else:
    Person = Any


def _active(user: Person) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_administrator(user: Person) -> bool:
    return _active(user) and bool(getattr(user, "is_administrator", False))


def can_use_api_tokens(user: Person) -> bool:
    """Personal API tokens are for staff (supervisors, library and IT staff, administrators):
    scripts and integrations. Student workers use the desk screen, which signs in as them."""
    return _active(user) and user_has_role(user, *STAFF_ROLES)


def can_create_api_token(user: Person) -> bool:
    return can_use_api_tokens(user)


def can_see_api_token(user: Person, token: ApiToken) -> bool:
    return _active(user) and (token.user_id == user.pk or is_administrator(user))


def can_revoke_api_token(user: Person, token: ApiToken) -> bool:
    return can_see_api_token(user, token)


def visible_api_tokens(user: Person, tokens: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
    """`tokens` narrowed to the ones `user` may see (the queryset form of can_see_api_token)."""
    if not _active(user) or user.pk is None:
        return tokens.none()
    return tokens if is_administrator(user) else tokens.filter(user_id=user.pk)


def can_deactivate_user(user: Person, target: User | None = None) -> bool:
    return _active(user) and user.has_perm("accounts.change_user")
