from django import forms

from liaison.core.forms import OneTimeKeyField
from liaison.kb.models import Article
from liaison.kb.rendering import render_markdown
from liaison.kb.selectors import category_list


class ArticleForm(forms.Form):
    """Parses the editor's input; the service validates, renders and saves. `markup_warning`
    says what the sanitiser will remove from the body, if anything."""

    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80, required=False, label="Web address", help_text="Leave empty to make one from the title."
    )
    summary = forms.CharField(
        max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One or two sentences."
    )
    category = forms.ModelChoiceField(queryset=category_list(), required=False, empty_label="No category")
    audience = forms.ChoiceField(
        choices=Article.Audience.choices,
        widget=forms.RadioSelect,
        help_text="Public articles appear on the help pages for anyone once published.",
    )
    tags = forms.CharField(max_length=300, required=False, help_text="Comma-separated, e.g. printing, wi-fi.")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "class": "kb-body-input", "spellcheck": "true"}),
        help_text="Markdown: **bold**, *italic*, [link](https://…), lists with - or 1. "
        "Scripts and other unsafe markup are removed.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.markup_warning = ""
        initial_body = self.initial.get("body", "")
        if not self.is_bound and initial_body:
            self._check_markup(initial_body)

    def _check_markup(self, body: str) -> None:
        result = render_markdown(body)
        self.markup_warning = result.warning() if result.was_sanitised else ""

    def clean_body(self):
        body = self.cleaned_data["body"]
        self._check_markup(body)
        return body

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        return {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "category": article.category_id,
            "audience": article.audience,
            "tags": article.tags,
            "body": article.body,
        }


class ArticleCreateForm(ArticleForm):
    """A new article: the one-time key makes a double click save one article."""

    idempotency_key = OneTimeKeyField()


class ArticleFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    category = forms.ModelChoiceField(
        queryset=category_list(), required=False, to_field_name="slug", empty_label="Any category"
    )
    audience = forms.ChoiceField(choices=[("", "Any audience"), *Article.Audience.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *Article.Status.choices], required=False)

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        category = data.get("category")
        return {
            "query": (data.get("q") or "").strip(),
            "category_slug": category.slug if category else "",
            "audience": data.get("audience") or "",
            "status": data.get("status") or "",
        }
