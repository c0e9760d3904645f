from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from liaison.accounts.models import ApiToken, Department, User


def api_token_list_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get_for_user(*, user: User, token_id: int) -> ApiToken:
    """Only the owner (or an administrator) reaches a token; others get 404."""
    tokens = ApiToken.objects.all() if user.is_administrator else ApiToken.objects.filter(user=user)
    return get_object_or_404(tokens, pk=token_id)


def department_list() -> QuerySet[Department]:
    return Department.objects.all()


# --- For other apps: people and departments are read through these, never the models. -------


def user_get_by_username(*, username: str, active_only: bool = True) -> User:
    users = User.objects.filter(is_active=True) if active_only else User.objects.all()
    return get_object_or_404(users, username=username)


def user_list(*, active_only: bool = True, department_id: int | None = None, roles=None) -> QuerySet[User]:
    users = User.objects.select_related("department")
    if active_only:
        users = users.filter(is_active=True)
    if department_id is not None:
        users = users.filter(department_id=department_id)
    if roles is not None:
        users = users.filter(role__in=list(roles))
    return users.order_by("username")


def department_get(*, code: str) -> Department:
    return get_object_or_404(Department, code=code)
