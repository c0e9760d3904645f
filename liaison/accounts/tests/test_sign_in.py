import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from conftest import PASSWORD
from liaison.core.roles import Role

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


def test_signing_in_lands_on_the_home_page(client, users):
    response = client.post(SIGN_IN, {"username": "t_library", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert "Hello" in home.content.decode()


def test_wrong_password_and_unknown_user_get_the_same_message(client, users):
    wrong = client.post(SIGN_IN, {"username": "t_library", "password": "nope-nope-nope"})
    unknown = client.post(SIGN_IN, {"username": "nobody-here", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 400
    message = "do not match an active account"
    assert message in wrong.content.decode()
    assert message in unknown.content.decode()


def test_inactive_account_cannot_sign_in_and_is_not_revealed(client, users):
    users[Role.IT_STAFF].is_active = False
    users[Role.IT_STAFF].save()
    response = client.post(SIGN_IN, {"username": "t_it", "password": PASSWORD})
    assert response.status_code == 400
    assert "do not match an active account" in response.content.decode()


@override_settings(SIGN_IN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_name_even_with_the_right_password(client, users):
    for _ in range(3):
        client.post(SIGN_IN, {"username": "t_library", "password": "wrong-password-1"})
    locked = client.post(SIGN_IN, {"username": "t_library", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # The same lock applies to a name that has no account, so the lock reveals nothing.
    for _ in range(3):
        client.post(SIGN_IN, {"username": "ghost", "password": "wrong-password-1"})
    assert client.post(SIGN_IN, {"username": "ghost", "password": "x"}).status_code == 429


def test_sign_out_is_a_post_and_ends_the_session(client, users):
    client.force_login(users[Role.LIBRARY_STAFF])
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in_with_next(client, db):
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=/home/")


def test_password_reset_sends_a_link_that_works_once(client, users):
    response = client.post("/accounts/password-reset/", {"email": "t_library@college.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    link = next(line for line in body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"})
    assert done.status_code == 302
    again = client.get("/" + path)
    assert again.status_code == 400
    assert "no longer works" in again.content.decode()
    assert client.login(username="t_library", password="a-new-long-password-42")


def test_password_reset_does_not_reveal_unknown_addresses(client, users):
    response = client.post("/accounts/password-reset/", {"email": "stranger@elsewhere.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_forged_reset_link_is_a_clear_400(client, users):
    response = client.get("/accounts/reset/MQ/not-a-real-token/")
    assert response.status_code == 400
    assert "expired or was already used" in response.content.decode()
