from datetime import datetime

from ninja import Query, Router, Schema

from liaison.accounts import selectors, services
from liaison.core.api_access import API_SIGNED_IN, api_access
from liaison.core.pagination import PageParams, api_page, page_of
from liaison.core.roles import STAFF_ROLES

router = Router()

STAFF = api_access(*STAFF_ROLES)  # personal API tokens are for staff (accounts/policy.py)


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    kind: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    department: DepartmentOut | None


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


@router.get("/me", response=MeOut, auth=API_SIGNED_IN, summary="The signed-in person")
def me(request):
    return request.user


@router.get("/departments", response=page_of(DepartmentOut), auth=API_SIGNED_IN)
def department_list(request, params: Query[PageParams]):
    return api_page(selectors.department_list(), params=params, ids_first=False)


@router.get("/tokens", response=page_of(TokenOut), auth=STAFF, summary="Your API tokens")
def token_list(request, params: Query[PageParams]):
    return api_page(selectors.api_token_list_for_user(user=request.user), params=params, ids_first=False)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut},
    auth=STAFF,
    summary="Make a token (shown once)",
    description=(
        "Send an `Idempotency-Key` header (a new UUID per request) to make retries safe: a repeat with the"
        " same key and name makes no second token and is answered 409 `idempotency_already_done`, naming"
        " the token, because its secret is shown only in the first answer and never stored. If that answer"
        " was lost, revoke the token and make a new one."
    ),
)
def token_create(request, payload: TokenIn):
    token, plain = services.api_token_create_once(
        actor=request.user, name=payload.name, key=request.headers.get("Idempotency-Key")
    )
    return 201, {**TokenOut.from_orm(token).dict(), "token": plain}


@router.delete("/tokens/{token_id}", response={204: None}, auth=STAFF, summary="Revoke a token")
def token_revoke(request, token_id: int):
    token = selectors.api_token_get_for_user(user=request.user, token_id=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    return 204, None
