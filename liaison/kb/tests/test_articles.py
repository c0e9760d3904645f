import pytest

from liaison.audit.models import AuditEvent
from liaison.core.roles import Role
from liaison.kb.models import Article
from liaison.kb.selectors import article_search
from liaison.kb.tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    printing = make_category()
    return {
        "laptop": make_article(
            title="Printing from your own laptop",
            slug="printing-from-your-laptop",
            body="Upload the file at print.college.example and release it at any printer.",
            tags="printing, laptop",
            category=printing,
        ),
        "jams": make_article(
            title="Desk procedure: printer jams",
            slug="printer-jams",
            body="Clear simple jams; report repeat faults as an incident.",
            audience="staff",
            category=printing,
        ),
        "draft": make_article(
            title="Guest Wi-Fi for events (draft)",
            slug="guest-wifi",
            body="Day codes for printing visitors.",
            published=False,
        ),
        "eduroam": make_article(title="Connecting to eduroam", slug="eduroam", body="Use your full e-mail address."),
    }


def test_writers_create_edit_publish_and_unpublish_articles_with_an_audit_trail(client_as):
    client = client_as(Role.SUPERVISOR)
    response = client.post(
        "/kb/new/",
        {"title": "Scanning to e-mail", "body": "Tap your card.", "audience": "public", "idempotency_key": "k" * 32},
    )
    article = Article.objects.get()
    assert response["Location"] == "/kb/scanning-to-e-mail/"
    assert article.status == "draft" and article.author.role == Role.SUPERVISOR
    edit = client.post(
        f"/kb/{article.slug}/edit/",
        {"title": "Scanning to your e-mail", "slug": article.slug, "body": "Tap your **card**.", "audience": "public"},
    )
    assert edit.status_code == 302
    article.refresh_from_db()
    assert article.title == "Scanning to your e-mail" and "<strong>card</strong>" in article.body_html
    client.post(f"/kb/{article.slug}/publish/")
    article.refresh_from_db()
    assert article.status == "published" and article.published_at is not None
    client.post(f"/kb/{article.slug}/unpublish/")
    article.refresh_from_db()
    assert article.status == "draft"
    actions = list(AuditEvent.objects.filter(object_type="kb.article").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        ["kb_article.create", "kb_article.update", "kb_article.publish", "kb_article.unpublish"]
    )


def test_student_workers_read_published_articles_but_cannot_write_or_see_drafts(client_as, articles):
    client = client_as(Role.STUDENT_WORKER)
    listed = {a.slug for a in client.get("/kb/").context["page"].object_list}
    assert listed == {"printing-from-your-laptop", "printer-jams", "eduroam"}
    assert client.get("/kb/printer-jams/").status_code == 200  # staff-only articles are for staff
    assert client.get("/kb/guest-wifi/").status_code == 404
    assert client.get("/kb/new/").status_code == 403
    assert client.post("/kb/eduroam/unpublish/").status_code == 403
    assert client.get("/api/v1/kb/articles/guest-wifi").status_code == 404


def test_a_student_worker_asking_for_drafts_is_told_why_not_given_an_empty_list(client_as, articles):
    client = client_as(Role.STUDENT_WORKER)
    api = client.get("/api/v1/kb/articles", {"status": "draft"})
    assert api.status_code == 400
    error = api.json()["errors"][0]
    assert error["field"] == "status" and error["code"] == "kb.status_drafts_for_writers"
    assert "write articles" in error["message"]

    page = client.get("/kb/", {"status": "draft"})
    assert page.status_code == 400
    assert "Drafts are listed only for people who write articles" in page.content.decode()
    # The rest of the list is still there, and published-only filters still work.
    assert "guest-wifi" not in {a.slug for a in page.context["page"].object_list}
    assert len(page.context["page"].object_list) == 3
    assert client.get("/api/v1/kb/articles", {"status": "published"}).status_code == 200


def test_writers_see_drafts_in_the_staff_list(client_as, articles):
    client = client_as(Role.IT_STAFF)
    assert "guest-wifi" in {a.slug for a in client.get("/kb/").context["page"].object_list}
    drafts = client.get("/kb/", {"status": "draft"}).context["page"].object_list
    assert [a.slug for a in drafts] == ["guest-wifi"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"slug": "new"}, "slug"),
        ({"slug": "eduroam"}, "slug"),
        ({"audience": "everyone"}, "audience"),
        ({"category": "no-such-category"}, "category"),
        ({"summary": "x" * 301}, "summary"),
    ],
)
def test_bad_article_input_names_the_field_and_saves_nothing(client_as, articles, payload, field):
    body = {"title": "VPN", "body": "Install the client."} | payload
    response = client_as(Role.IT_STAFF).post("/api/v1/kb/articles", body, content_type="application/json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Article.objects.count() == 4


def test_a_page_form_with_a_taken_address_is_refused_naming_the_slug(client_as, articles):
    response = client_as(Role.IT_STAFF).post(
        "/kb/new/",
        {"title": "Eduroam again", "slug": "eduroam", "body": "x", "audience": "staff", "idempotency_key": "s" * 32},
    )
    assert response.status_code == 400
    assert "already uses this web address" in " ".join(response.context["form"].errors["slug"])


def test_staff_search_ranks_title_matches_first(client_as, articles):
    results = client_as(Role.STUDENT_WORKER).get("/kb/", {"q": "printing"}).context["page"].object_list
    # the draft also mentions printing, but drafts are for writers only
    assert [a.slug for a in results] == ["printing-from-your-laptop", "printer-jams"]


def test_article_search_for_tickets_filters_by_audience_and_skips_drafts(articles):
    assert [a.slug for a in article_search("printer")] == ["printer-jams", "printing-from-your-laptop"]
    assert [a.slug for a in article_search("printer", audience="public")] == ["printing-from-your-laptop"]
    assert article_search("guest") == []
    assert [a.slug for a in article_search("guest", include_drafts=True)] == ["guest-wifi"]
    assert article_search("") == []
    assert len(article_search("e", limit=1)) <= 1


def test_the_staff_api_lists_and_patches_articles(client_as, articles):
    client = client_as(Role.LIBRARY_STAFF)
    listed = client.get("/api/v1/kb/articles", {"q": "eduroam"}).json()
    assert listed["count"] == 1 and listed["results"][0]["slug"] == "eduroam"
    patched = client.patch(
        "/api/v1/kb/articles/eduroam", {"tags": "Wi-Fi, wifi , Wi-Fi"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["tags"] == ["wi-fi", "wifi"]
    published = client.post("/api/v1/kb/articles/guest-wifi/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_the_staff_list_needs_the_same_queries_for_few_or_many_articles(
    client_as, articles, django_assert_max_num_queries
):
    client = client_as(Role.LIBRARY_STAFF)
    with django_assert_max_num_queries(10) as few:
        client.get("/kb/")
    for n in range(25):
        make_article(title=f"Extra {n}", category=make_category(), audience="staff")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/kb/")


def test_a_new_article_sent_twice_is_saved_once(client_as):
    client = client_as(Role.LIBRARY_STAFF)
    key = client.get("/kb/new/").context["form"]["idempotency_key"].value()
    data = {
        "title": "Printing from a phone",
        "body": "Use the print app.",
        "audience": "public",
        "idempotency_key": key,
    }
    first = client.post("/kb/new/", data)
    again = client.post("/kb/new/", data, follow=True)
    assert first["Location"] == "/kb/printing-from-a-phone/"
    assert again.redirect_chain[0][0] == first["Location"]
    assert "sent twice" in again.content.decode()
    assert Article.objects.count() == 1
    other = client.post("/kb/new/", data | {"title": "Something else"})
    assert other.status_code == 422 and "other content" in other.content.decode()
    assert Article.objects.count() == 1
