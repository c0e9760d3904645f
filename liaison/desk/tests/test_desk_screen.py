"""The desk screen: who may open it, the form that works without JavaScript, its fragments,
and a constant number of queries however much was logged."""

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.core.roles import Role
from liaison.desk import services
from liaison.desk.models import Interaction
from liaison.places.models import ServicePoint

pytestmark = pytest.mark.django_db


def screen_url(point):
    return reverse("desk:screen", args=[point.slug])


def form_data(**overrides):
    data = {
        "client_id": str(uuid.uuid4()),
        "kind": "technology",
        "read_level": "2",
        "tech_category": "wifi-network",
        "mode": "in_person",
    }
    data.update(overrides)
    return data


def log(user, point, **fields):
    values = {"kind": "research", "read_level": 3, "mode": None, "client_id": uuid.uuid4()} | fields
    return services.interaction_log(actor=user, service_point=point, **values)[0]


def test_the_desk_screen_opens_for_a_student_worker(client_as, point):
    response = client_as(Role.STUDENT_WORKER).get(screen_url(point))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Research &amp; IT Desk" in page
    assert 'name="kind" value="research"' in page
    assert '<kbd aria-hidden="true">R</kbd>' in page  # the key hint on the button
    assert 'name="client_id" value="' in page
    assert 'id="desk-config"' in page
    assert "js/desk.js" in page


def test_anonymous_visitors_are_sent_to_sign_in(client, point):
    response = client.get(screen_url(point))
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]
    assert client.post(screen_url(point), form_data()).status_code == 302
    assert not Interaction.objects.exists()


def test_an_unknown_or_retired_service_point_is_not_found(client_as, point):
    client = client_as(Role.LIBRARY_STAFF)
    assert client.get("/desk/nowhere/").status_code == 404
    ServicePoint.objects.filter(pk=point.pk).update(is_active=False)
    assert client.get(screen_url(point)).status_code == 404


def test_the_form_logs_an_interaction_without_javascript(client_as, point, users):
    client = client_as(Role.STUDENT_WORKER)
    response = client.post(screen_url(point), form_data(tags=["vpn", "mfa"], duration_minutes="4"))
    assert response.status_code == 302
    stored = Interaction.objects.get()
    assert (stored.kind.slug, stored.read_level, stored.tech_category.slug) == ("technology", 2, "wifi-network")
    assert sorted(t.slug for t in stored.tags.all()) == ["mfa", "vpn"]
    assert stored.recorded_by == users[Role.STUDENT_WORKER]
    assert stored.source == "desk"
    page = client.get(response["Location"]).content.decode()
    assert "Logged: Technology · READ 2." in page


def test_a_double_click_on_the_form_stores_the_entry_once(client_as, point):
    client = client_as(Role.STUDENT_WORKER)
    data = form_data()
    first = client.post(screen_url(point), data)
    second = client.post(screen_url(point), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert Interaction.objects.count() == 1
    assert "already saved" in client.get(second["Location"]).content.decode()


def test_each_form_carries_a_fresh_server_made_id(client_as, point):
    client = client_as(Role.STUDENT_WORKER)
    ids = set()
    for _ in range(2):
        page = client.get(screen_url(point)).content.decode()
        start = page.index('name="client_id" value="') + len('name="client_id" value="')
        ids.add(uuid.UUID(page[start : start + 36]))
    assert len(ids) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"read_level": "9"}, "READ level must be 1–6; got 9."),
        ({"kind": "xyz"}, "Unknown kind &#x27;xyz&#x27;."),
        ({"kind": ""}, "Pick a kind."),
        ({"duration_minutes": "-3"}, "Duration must be 0–1440 minutes"),
    ],
)
def test_bad_form_input_is_a_400_with_the_reason_next_to_the_field(client_as, point, change, message):
    response = client_as(Role.STUDENT_WORKER).post(screen_url(point), form_data(**change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Interaction.objects.exists()


def test_an_id_reused_for_other_content_through_the_form_says_so_on_top(client_as, point):
    client = client_as(Role.STUDENT_WORKER)
    data = form_data()
    assert client.post(screen_url(point), data).status_code == 302
    response = client.post(screen_url(point), {**data, "read_level": "5"})
    assert response.status_code == 400
    assert "already used for a different interaction" in response.content.decode()
    assert Interaction.objects.get().read_level == 2


def test_a_note_that_looks_like_patron_identity_is_warned_about_before_saving(client_as, point):
    client = client_as(Role.LIBRARY_STAFF)
    data = form_data(note="call back at 555-201-4100")
    warned = client.post(screen_url(point), data)
    assert warned.status_code == 200
    page = warned.content.decode()
    assert "looks like it holds a phone number" in page
    assert 'name="save_anyway"' in page
    assert not Interaction.objects.exists()
    saved = client.post(screen_url(point), {**data, "save_anyway": "1"})
    assert saved.status_code == 302
    assert Interaction.objects.get().note == "call back at 555-201-4100"


def test_script_in_a_note_is_rendered_escaped_and_never_executed(client_as, point, users):
    note = '<script>alert("x")</script>'
    log(users[Role.STUDENT_WORKER], point, note=note)
    page = client_as(Role.STUDENT_WORKER).get(screen_url(point)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_back_dated_entry_shows_both_times(client_as, point, users):
    happened = timezone.now() - dt.timedelta(hours=2)
    log(users[Role.LIBRARY_STAFF], point, occurred_at=happened)
    page = client_as(Role.LIBRARY_STAFF).get(screen_url(point)).content.decode()
    assert "happened" in page and "logged" in page
    assert timezone.localtime(happened).strftime("%-I:%M") in page


def test_the_screen_starts_from_the_last_choices_made_here(client_as, point, users):
    log(users[Role.IT_STAFF], point, kind="equipment-printing", read_level=1, tech_category="printing", mode="phone")
    page = client_as(Role.IT_STAFF).get(screen_url(point)).content.decode()
    assert 'value="equipment-printing" data-shortcut="p" data-asks-category="1" checked' in page
    assert 'name="read_level" value="1" checked' in page
    assert 'name="mode" value="phone" checked' in page


def test_the_desk_page_costs_the_same_number_of_queries_however_much_was_logged(client_as, point, users):
    client = client_as(Role.LIBRARY_STAFF)
    user = users[Role.LIBRARY_STAFF]
    log(user, point, tags=["thesis"])
    client.get(screen_url(point))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(screen_url(point)).status_code == 200
    for n in range(25):
        log(user, point, kind=["research", "technology"][n % 2], read_level=n % 6 + 1, tags=["databases", "vpn"])
    with CaptureQueriesContext(connection) as many:
        page = client.get(screen_url(point))
    assert page.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 10, [q["sql"] for q in many.captured_queries]


def test_the_tally_fragment_counts_today(client_as, point, users):
    for level in (1, 1, 4):
        log(users[Role.LIBRARY_STAFF], point, read_level=level)
    response = client_as(Role.STUDENT_WORKER).get(screen_url(point), {"fragment": "tally"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-tally-total="3"' in page
    assert "<html" not in page  # only the fragment


def test_the_recent_fragment_lists_only_my_entries_with_undo(client_as, point, users):
    mine = log(users[Role.STUDENT_WORKER], point, note="mine")
    log(users[Role.LIBRARY_STAFF], point, note="someone else's")
    page = client_as(Role.STUDENT_WORKER).get(screen_url(point), {"fragment": "recent"}).content.decode()
    assert "mine" in page and "someone else" not in page
    assert reverse("desk:undo", args=[point.slug, mine.client_id]) in page


def test_an_htmx_request_aimed_at_the_tally_gets_only_the_tally(client_as, point, users):
    log(users[Role.LIBRARY_STAFF], point)
    response = client_as(Role.STUDENT_WORKER).get(
        screen_url(point), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="desk-tally"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-tally-total="1"' in page
    assert "<html" not in page and "Your entries this shift" not in page


def test_an_unknown_fragment_is_a_bad_request(client_as, point):
    assert client_as(Role.STUDENT_WORKER).get(screen_url(point), {"fragment": "secrets"}).status_code == 400


def test_who_handles_it_searches_the_directory(client_as, point, registrar):
    client = client_as(Role.STUDENT_WORKER)
    fragment = client.get(screen_url(point), {"fragment": "referrals", "who": "transcript"}).content.decode()
    assert "Registrar" in fragment
    assert f'name="referred_to" value="{registrar.pk}"' in fragment
    full_page = client.get(screen_url(point), {"who": "transcript"}).content.decode()  # without JavaScript
    assert f'name="referred_to" value="{registrar.pk}"' in full_page
    nothing = client.get(screen_url(point), {"fragment": "referrals", "who": "zeppelin"}).content.decode()
    assert "Nobody in the directory matches" in nothing


def test_a_referral_chosen_on_the_form_is_stored(client_as, point, registrar):
    response = client_as(Role.STUDENT_WORKER).post(
        screen_url(point), form_data(kind="directional", read_level="1", referred_to=str(registrar.pk))
    )
    assert response.status_code == 302
    assert Interaction.objects.get().referred_to == registrar


def test_the_desk_remembers_the_last_service_point_in_the_session(client_as, point, chat_point):
    client = client_as(Role.STUDENT_WORKER)
    choose = client.get(reverse("desk:choose"))
    assert choose.status_code == 200
    assert "Ask Us Chat" in choose.content.decode()
    client.get(screen_url(chat_point))
    assert client.get(reverse("desk:choose"))["Location"] == screen_url(chat_point)
    assert client.get(reverse("desk:choose"), {"choose": "1"}).status_code == 200


def test_the_screen_hands_the_privacy_patterns_to_the_browser(client_as, point):
    page = client_as(Role.STUDENT_WORKER).get(screen_url(point)).content.decode()
    start = page.index('<script id="desk-config" type="application/json">') + len(
        '<script id="desk-config" type="application/json">'
    )
    config = json.loads(page[start : page.index("</script>", start)])
    assert config["servicePoint"] == "joint-desk"
    assert config["apiInteractions"] == "/api/v1/desk/interactions"
    assert config["apiInteraction"] == "/api/v1/desk/interactions/{id}"
    assert {p["key"] for p in config["privacyPatterns"]} == {"email", "phone", "id_number"}


def test_the_read_help_page_explains_the_levels_and_cites_gerlich(client_as):
    page = client_as(Role.STUDENT_WORKER).get(reverse("desk:read_scale_help")).content.decode()
    assert "Gerlich, Bella Karr, and G. Lynn Berard" in page
    assert "Georgia Library Quarterly 43, no. 4 (2007)" in page
    assert "technology" in page and "category" in page
    for level in range(1, 7):
        assert f'id="level-{level}"' in page


def test_the_home_page_shows_todays_desk_counts(client_as, point, users):
    log(users[Role.LIBRARY_STAFF], point)
    page = client_as(Role.STUDENT_WORKER).get(reverse("core:home")).content.decode()
    assert "At the desks today" in page
    assert "1 interaction today" in page


def test_each_entry_offers_to_become_a_ticket(client_as, point, users):
    entry = log(users[Role.LIBRARY_STAFF], point)
    page = client_as(Role.LIBRARY_STAFF).get(screen_url(point)).content.decode()
    assert f"/tickets/promote/{entry.client_id}/" in page
