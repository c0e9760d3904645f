import datetime as dt
import uuid

import pytest
from django.utils import timezone

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.directory.models import DirectoryEntry
from liaison.directory.selectors import referral_time_field
from liaison.directory.tests.factories import make_entry, make_referrals

pytestmark = pytest.mark.django_db


def form_data(departments, **overrides):
    data = {
        "name": "Writing Center",
        "kind": "service",
        "handles": "essay feedback\ncitations, essay feedback",
        "department": departments["library"].pk,
        "email": "writing@college.example",
        "url": "https://www.college.example/writing",
        "phone": "(555) 201-4300 ext. 2",
        "review_by": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        "idempotency_key": uuid.uuid4().hex,  # the new-entry form's one-time key
    }
    return data | overrides


def test_a_supervisor_adds_an_entry_and_it_is_audited(client_as, departments):
    response = client_as(Role.SUPERVISOR).post("/directory/new/", form_data(departments))
    entry = DirectoryEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/directory/{entry.pk}/"
    assert entry.slug == "writing-center"
    assert entry.handles_list == ["essay feedback", "citations"]  # duplicates dropped
    assert AuditEvent.objects.filter(action="directory_entry.create", object_id=str(entry.pk)).exists()


def test_a_new_entry_is_due_for_review_in_a_year_by_default(client_as, departments):
    client_as(Role.IT_STAFF).post("/directory/new/", form_data(departments, review_by=""))
    assert DirectoryEntry.objects.get().review_by == timezone.localdate() + dt.timedelta(days=365)


def test_student_workers_can_read_but_not_write_the_directory(client_as, departments):
    entry = make_entry(department=departments["library"], name="Registrar")
    client = client_as(Role.STUDENT_WORKER)
    assert client.get("/directory/").status_code == 200
    assert client.get(f"/directory/{entry.pk}/").status_code == 200
    assert client.get("/directory/new/").status_code == 403
    assert client.post("/directory/new/", form_data(departments)).status_code == 403
    assert client.post(f"/directory/{entry.pk}/edit/", form_data(departments)).status_code == 403
    api = client.post("/api/v1/directory/entries", {"name": "X"}, content_type="application/json")
    assert api.status_code == 403
    assert DirectoryEntry.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, departments):
    response = client.get("/directory/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("review_by", "2001-01-01", "review-by date is in the past"),
        ("email", "registrar-at-college", "valid e-mail address"),
        ("url", "javascript:alert(1)", "http"),
        ("phone", "call me maybe", "phone number"),
        ("handles", "  ", "what this entry handles"),
        ("name", "", "Give the entry a name"),
    ],
)
def test_bad_input_on_the_page_names_the_field_and_saves_nothing(client_as, departments, field, value, message):
    response = client_as(Role.LIBRARY_STAFF).post("/directory/new/", form_data(departments, **{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert DirectoryEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"review_by": "2001-01-01"}, "review_by"),
        ({"email": "nope"}, "email"),
        ({"url": "ftp://files.college.example"}, "url"),
        ({"department": "nowhere"}, "department"),
        ({"owner": "nobody"}, "owner"),
        ({"kind": "robot"}, "kind"),
        ({"handles": ""}, "handles"),
        ({"review_by": "next tuesday"}, "review_by"),
    ],
)
def test_bad_input_through_the_api_names_the_field_and_saves_nothing(client_as, departments, payload, field):
    body = {"name": "Registrar", "handles": "transcripts", "department": "library"} | payload
    response = client_as(Role.SUPERVISOR).post("/api/v1/directory/entries", body, content_type="application/json")
    assert response.status_code == 400
    assert field in [error["field"] for error in response.json()["errors"]]
    assert DirectoryEntry.objects.count() == 0


def test_the_api_creates_updates_and_reads_entries(client_as, users, departments):
    client = client_as(Role.IT_STAFF)
    created = client.post(
        "/api/v1/directory/entries",
        {
            "name": "Network Services",
            "handles": "network outage, wired port",
            "department": "it",
            "kind": "office",
            "owner": users[Role.IT_STAFF].username,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["handles"] == ["network outage", "wired port"]
    assert entry["owner"] == "t_it" and entry["overdue"] is False
    patched = client.patch(
        f"/api/v1/directory/entries/{entry['id']}",
        {"hours": "Mon–Fri 8–5", "owner": ""},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert patched.json()["hours"] == "Mon–Fri 8–5" and patched.json()["owner"] is None
    bad = client.patch(f"/api/v1/directory/entries/{entry['id']}", {"name": None}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "name"
    listed = client_as(Role.STUDENT_WORKER).get("/api/v1/directory/entries", {"department": "it"})
    assert listed.json()["count"] == 1
    assert client.get(f"/api/v1/directory/entries/{entry['id']}").json()["name"] == "Network Services"
    assert client.get("/api/v1/directory/entries/999999").status_code == 404


def test_editing_keeps_an_already_past_review_date_but_refuses_a_new_past_one(client_as, departments):
    entry = make_entry(department=departments["library"], name="Parking", review_in_days=-10)
    client = client_as(Role.SUPERVISOR)
    data = form_data(departments, name="Parking & Transportation", review_by=entry.review_by.isoformat())
    assert client.post(f"/directory/{entry.pk}/edit/", data).status_code == 302
    assert DirectoryEntry.objects.get(pk=entry.pk).name == "Parking & Transportation"
    earlier = (entry.review_by - dt.timedelta(days=5)).isoformat()
    response = client.post(f"/directory/{entry.pk}/edit/", data | {"review_by": earlier})
    assert response.status_code == 400 and "review_by" in response.context["form"].errors


def test_retiring_takes_an_entry_out_of_the_active_list(client_as, departments):
    entry = make_entry(department=departments["library"], name="Faculty Computing")
    client = client_as(Role.IT_STAFF)
    assert client.post(f"/directory/{entry.pk}/retire/").status_code == 302
    assert not DirectoryEntry.objects.get(pk=entry.pk).is_active
    assert entry not in client.get("/directory/").context["page"].object_list
    assert entry in client.get("/directory/", {"status": "retired"}).context["page"].object_list


def test_the_list_filters_by_department_and_kind(client_as, departments):
    make_entry(department=departments["library"], name="Archives", kind="office")
    make_entry(department=departments["it"], name="Help Desk", kind="service")
    client = client_as(Role.LIBRARY_STAFF)
    it_only = client.get("/directory/", {"department": departments["it"].pk})
    assert [e.name for e in it_only.context["page"].object_list] == ["Help Desk"]
    offices = client.get("/directory/", {"kind": "office"})
    assert [e.name for e in offices.context["page"].object_list] == ["Archives"]
    ignored = client.get("/directory/", {"department": "abc", "kind": "robot"})
    assert ignored.status_code == 200 and ignored.context["page"].paginator.count == 2


@pytest.mark.skipif(referral_time_field() is None, reason="the desk app (referrals) is not installed")
def test_referrals_are_counted_per_entry_over_ninety_days(client_as, departments):
    registrar = make_entry(department=departments["library"], name="Registrar")
    bursar = make_entry(department=departments["library"], name="Bursar")
    make_referrals(registrar, 3, days_ago=2)
    make_referrals(registrar, 2, days_ago=60)
    make_referrals(registrar, 4, days_ago=200)
    make_referrals(bursar, 1, days_ago=1)
    client = client_as(Role.STUDENT_WORKER)
    rows = {e.name: e.referral_count for e in client.get("/directory/").context["page"].object_list}
    assert rows == {"Registrar": 5, "Bursar": 1}
    detail = client.get(f"/directory/{registrar.pk}/")
    assert detail.context["counts"] == {"days_30": 3, "days_90": 5, "all_time": 9}
    assert "Referred 5 times in the last 90 days" in detail.content.decode()
    assert client.get(f"/api/v1/directory/entries/{registrar.pk}").json()["referral_count"] == 5


def test_the_list_page_needs_the_same_queries_for_5_or_40_entries(
    client_as, departments, users, django_assert_max_num_queries
):
    client = client_as(Role.LIBRARY_STAFF)
    for n in range(5):
        make_entry(department=departments["library"], owner=users[Role.LIBRARY_STAFF], name=f"Office {n}")
    with django_assert_max_num_queries(8) as small:
        client.get("/directory/")
    with django_assert_max_num_queries(9) as small_search:
        client.get("/directory/", {"q": "office"})
    for n in range(35):
        make_entry(department=departments["it"], owner=users[Role.IT_STAFF], name=f"Desk {n}", review_in_days=-1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/directory/")
    with django_assert_max_num_queries(len(small_search.captured_queries)):
        response = client.get("/directory/", {"q": "desk"})
    assert response.context["page"].paginator.count == 35


def test_the_api_list_needs_the_same_queries_for_5_or_40_entries(client_as, departments, django_assert_max_num_queries):
    client = client_as(Role.LIBRARY_STAFF)
    for n in range(5):
        make_entry(department=departments["library"], name=f"Office {n}")
    with django_assert_max_num_queries(8) as small:
        client.get("/api/v1/directory/entries")
    for n in range(35):
        make_entry(department=departments["it"], name=f"Desk {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get("/api/v1/directory/entries").json()["count"] == 40


def test_a_new_entry_sent_twice_is_added_once(client_as, departments):
    client = client_as(Role.SUPERVISOR)
    form = client.get("/directory/new/")
    key = form.context["form"]["idempotency_key"].value()
    assert f'value="{key}"' in form.content.decode()
    first = client.post("/directory/new/", form_data(departments, idempotency_key=key))
    again = client.post("/directory/new/", form_data(departments, idempotency_key=key), follow=True)
    assert first.status_code == 302 and again.redirect_chain[0][0] == first["Location"]
    assert "sent twice" in again.content.decode()
    assert DirectoryEntry.objects.filter(name="Writing Center").count() == 1
    stale = client.post("/directory/new/", form_data(departments, idempotency_key=""))
    assert stale.status_code == 400 and "reload the page" in stale.content.decode()
