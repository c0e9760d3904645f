from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from liaison.accounts import selectors, services
from liaison.accounts.forms import ApiTokenForm, SignInForm
from liaison.core.access import public, roles
from liaison.core.adapters import form_errors_from
from liaison.core.http import client_ip
from liaison.core.idempotency import IdempotencyError
from liaison.core.roles import STAFF_ROLES


@public
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def _throttle(self) -> dict:
        request = self.request
        return {
            "username": request.POST.get("username", ""),
            "ip": client_ip(request),
            "device_cookie": request.COOKIES.get(services.DEVICE_COOKIE),
        }

    def post(self, request, *args, **kwargs):
        gate = services.sign_in_gate(**self._throttle())
        if not gate.allowed:
            response = render(
                request,
                self.template_name,
                {"form": self.form_class(request), "locked": True, "wait_seconds": gate.wait_seconds},
                status=429,
            )
            response["Retry-After"] = str(gate.wait_seconds)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        services.sign_in_record_failure(**self._throttle())
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def form_valid(self, form):
        username = form.get_user().get_username()
        services.sign_in_clear_failures(**{**self._throttle(), "username": username})
        response = super().form_valid(form)
        # This browser is now known for this person: strangers' failures never hold it back.
        response.set_cookie(
            services.DEVICE_COOKIE,
            services.device_token_for(username),
            max_age=services.DEVICE_COOKIE_DAYS * 86400,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response


@public
class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # A shared desk PC keeps nothing of the session: cache, cookies or stored pending entries.
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


@public
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # A few e-mails per address typed and per caller each hour; past that the page says
        # the same ("if the address is known, a link is on its way") and nothing is sent.
        if not services.password_reset_may_send(email=form.cleaned_data["email"], ip=client_ip(self.request)):
            return redirect(self.get_success_url())
        return super().form_valid(form)


@public
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@public
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            response.status_code = 400  # an expired or used link is a bad request, said plainly
        return response


@public
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@roles(*STAFF_ROLES)
def token_list(request):
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": selectors.api_token_list_for_user(user=request.user), "form": ApiTokenForm()},
    )


@roles(*STAFF_ROLES)
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, plain = services.api_token_create_once(
                actor=request.user, name=form.cleaned_data["name"], key=form.cleaned_data["idempotency_key"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except IdempotencyError as exc:  # sent twice: one token, and its secret is not shown again
            form.add_error(None, exc.message)
        else:
            return render(
                request,
                "accounts/tokens.html",
                {
                    "tokens": selectors.api_token_list_for_user(user=request.user),
                    "form": ApiTokenForm(),
                    "new_token": token,
                    "new_token_plain": plain,
                },
                status=201,
            )
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": selectors.api_token_list_for_user(user=request.user), "form": form},
        status=400,
    )


@roles(*STAFF_ROLES)
@require_POST
def token_revoke(request, token_id: int):
    token = selectors.api_token_get_for_user(user=request.user, token_id=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked. Anything using it can no longer sign in.")
    return redirect("accounts:tokens")
