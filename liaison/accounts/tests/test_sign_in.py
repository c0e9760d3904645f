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
def test_repeated_failures_from_strange_browsers_slow_the_name_down_and_reveal_nothing(client, users):
    for _ in range(3):
        client.post(SIGN_IN, {"username": "t_library", "password": "wrong-password-1"})
    slowed = client.post(SIGN_IN, {"username": "t_library", "password": PASSWORD})
    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) <= 2  # a short wait that doubles, not a 15-minute lock
    assert "Too many sign-in attempts" in slowed.content.decode()
    # The same applies to a name that has no account, so the wait reveals nothing.
    for _ in range(3):
        client.post(SIGN_IN, {"username": "ghost", "password": "wrong-password-1"})
    assert client.post(SIGN_IN, {"username": "ghost", "password": "x"}).status_code == 429


@override_settings(SIGN_IN_MAX_FAILURES=3)
def test_nobody_can_lock_a_colleague_out_by_typing_their_name(users):
    from django.test import Client

    owner = Client(REMOTE_ADDR="10.0.0.5")
    assert owner.post(SIGN_IN, {"username": "t_library", "password": PASSWORD}).status_code == 302
    owner.post("/accounts/sign-out/")
    stranger = Client(REMOTE_ADDR="10.0.0.99")
    for _ in range(40):  # a storm from one address
        stranger.post(SIGN_IN, {"username": "t_library", "password": "guess-guess-guess"})
    assert stranger.post(SIGN_IN, {"username": "t_library", "password": "guess"}).status_code == 429
    # The owner's own browser (it carries the device cookie from before) is not held back.
    assert owner.post(SIGN_IN, {"username": "t_library", "password": PASSWORD}).status_code == 302


@override_settings(SIGN_IN_MAX_FAILURES=3)
def test_a_storm_from_many_addresses_does_not_lock_out_the_owner_or_an_administrator(users):
    from django.test import Client

    admin = Client(REMOTE_ADDR="10.0.1.1")
    assert admin.post(SIGN_IN, {"username": "t_admin", "password": PASSWORD}).status_code == 302
    admin.post("/accounts/sign-out/")
    for n in range(30):
        Client(REMOTE_ADDR=f"10.9.{n}.1").post(SIGN_IN, {"username": "t_admin", "password": "x-x-x-x-x"})
    assert admin.post(SIGN_IN, {"username": "t_admin", "password": PASSWORD}).status_code == 302


@override_settings(SIGN_IN_MAX_FAILURES=3)
def test_an_address_trying_many_names_is_slowed_but_a_known_browser_there_is_not(users):
    from django.test import Client

    colleague = Client(REMOTE_ADDR="10.2.2.2")  # the same lab NAT as the sprayer
    assert colleague.post(SIGN_IN, {"username": "t_it", "password": PASSWORD}).status_code == 302
    colleague.post("/accounts/sign-out/")
    sprayer = Client(REMOTE_ADDR="10.2.2.2")
    for n in range(12):
        sprayer.post(SIGN_IN, {"username": f"name{n}", "password": "Winter2026!"})
    assert sprayer.post(SIGN_IN, {"username": "name99", "password": "Winter2026!"}).status_code == 429
    assert colleague.post(SIGN_IN, {"username": "t_it", "password": PASSWORD}).status_code == 302


def test_the_wait_doubles_and_then_ends(settings):
    from liaison.accounts import services

    settings.SIGN_IN_MAX_FAILURES = 2
    now = 1_000_000.0
    for _ in range(2):
        services.sign_in_record_failure(username="someone", ip="10.3.3.3", now=now)
    assert services.sign_in_gate(username="someone", ip="10.3.3.3", now=now).wait_seconds == 2
    services.sign_in_record_failure(username="someone", ip="10.3.3.3", now=now)
    assert services.sign_in_gate(username="someone", ip="10.3.3.3", now=now).wait_seconds == 4
    assert services.sign_in_gate(username="someone", ip="10.3.3.3", now=now + 5).allowed


def test_password_reset_mails_are_rate_limited_without_saying_so(client, users):
    for _ in range(5):
        response = client.post("/accounts/password-reset/", {"email": users[Role.LIBRARY_STAFF].email})
        assert response.status_code == 302
    assert len(mail.outbox) == 3


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
