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
