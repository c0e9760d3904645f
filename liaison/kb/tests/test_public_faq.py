import pytest

from liaison.kb.tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def faq():
    printing = make_category()
    wifi = make_category("Wi-Fi", "wifi", 20)
    return {
        "public": make_article(title="Printing from your laptop", slug="laptop-printing", category=printing),
        "wifi": make_article(title="Connecting to eduroam", slug="eduroam", body="Wi-Fi setup.", category=wifi),
        "loose": make_article(title="Lost and found", slug="lost-and-found", body="Ask Campus Safety."),
        "staff": make_article(title="Printer jam triage", slug="printer-jams", audience="staff", category=printing),
        "draft": make_article(
            title="Printing credits (draft)", slug="print-credits", published=False, category=printing
        ),
    }


def test_anyone_can_read_the_faq_by_category_without_an_account(client, faq):
    response = client.get("/help/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Printing from your laptop" in page and "Connecting to eduroam" in page
    assert "Other questions" in page and "Lost and found" in page
    assert page.index('id="cat-printing"') < page.index('id="cat-wifi"')  # categories in order
    assert client.get("/help/laptop-printing/").status_code == 200


def test_staff_only_and_draft_articles_are_not_found_on_public_pages(client, faq):
    page = client.get("/help/").content.decode()
    assert "Printer jam triage" not in page and "Printing credits" not in page
    assert client.get("/help/printer-jams/").status_code == 404
    assert client.get("/help/print-credits/").status_code == 404
    assert client.get("/api/v1/kb/public/articles/printer-jams").status_code == 404
    assert client.get("/api/v1/kb/public/articles/print-credits").status_code == 404


def test_public_search_finds_public_answers_only(client, faq):
    results = client.get("/help/", {"q": "printing"}).context["results"]
    assert [a.slug for a in results] == ["laptop-printing"]
    fragment = client.get("/help/", {"q": "eduroam"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="help-results")
    assert "<html" not in fragment.content.decode() and "Connecting to eduroam" in fragment.content.decode()


def test_the_public_api_lists_public_articles_for_anyone(client, faq):
    response = client.get("/api/v1/kb/public/articles")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 3 and page["page"] == 1 and page["pages"] == 1
    assert {a["slug"] for a in page["results"]} == {"laptop-printing", "eduroam", "lost-and-found"}
    detail = client.get("/api/v1/kb/public/articles/eduroam").json()
    assert "<p>Wi-Fi setup.</p>" in detail["body_html"] and "body" not in detail


def test_the_staff_api_is_closed_to_anonymous_callers(client, faq):
    assert client.get("/api/v1/kb/articles").status_code == 401
    assert client.post("/api/v1/kb/articles", {}, content_type="application/json").status_code == 401


def test_the_faq_needs_the_same_queries_for_few_or_many_articles(client, faq, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as few:
        client.get("/help/")
    for n in range(20):
        make_article(title=f"Answer {n}", category=make_category(f"Cat {n % 4}", f"cat-{n % 4}", n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/help/")


def test_public_search_ignores_hyphens_and_matches_half_words(client, faq):
    assert [a.slug for a in client.get("/help/", {"q": "wifi"}).context["results"]] == ["eduroam"]
    assert [a.slug for a in client.get("/help/", {"q": "edur"}).context["results"]] == ["eduroam"]
