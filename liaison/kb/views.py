"""Knowledge-base pages for staff (/kb/) and the public FAQ (/help/). Thin adapters."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.core.access import public, roles
from liaison.core.roles import DESK_ROLES
from liaison.kb import selectors, services
from liaison.kb.forms import ArticleFilterForm, ArticleForm
from liaison.kb.models import Article

PAGE_SIZE = 30


def _partial(request, template: str, target: str, name: str = "results") -> str:
    if request.htmx and request.htmx.target == target:
        return f"{template}#{name}"
    return template


# --- Staff knowledge base ---------------------------------------------------------------


@roles(*DESK_ROLES)
def article_list(request):
    filter_form = ArticleFilterForm(request.GET, auto_id="kb-%s")
    filters = filter_form.filters()
    articles = selectors.article_list(user=request.user, **filters)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter_form": filter_form,
        "filters": filters,
        "categories": selectors.category_list_with_counts(user=request.user),
        "can_write": selectors.can_write(request.user),
    }
    return render(request, _partial(request, "kb/list.html", "kb-results"), context)


@roles(*DESK_ROLES)
def article_detail(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    return render(request, "kb/detail.html", {"article": article, "can_write": selectors.can_write(request.user)})


def _saved(request, article: Article, verb: str):
    removed = getattr(article, "markup_removed", [])
    if removed:
        messages.warning(
            request,
            "Unsafe markup was removed from the article: " + "; ".join(removed) + ". "
            "Readers never see it; delete it from the text to clear this warning.",
        )
    messages.success(request, f"“{article.title}” {verb}.")
    return redirect("kb:detail", slug=article.slug)


@roles(*selectors.WRITER_ROLES)
def article_create(request):
    form = ArticleForm(request.POST or None, initial={"audience": Article.Audience.STAFF})
    if request.method == "POST":
        if form.is_valid():
            try:
                article = services.article_create(
                    actor=request.user, publish="publish" in request.POST, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _saved(
                    request, article, "is published" if article.status == "published" else "is saved as a draft"
                )
        return render(request, "kb/form.html", {"form": form, "article": None}, status=400)
    return render(request, "kb/form.html", {"form": form, "article": None})


@roles(*selectors.WRITER_ROLES)
def article_edit(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_for(article))
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                article = services.article_update(actor=request.user, article=article, **changes)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _saved(request, article, "is saved")
        return render(request, "kb/form.html", {"form": form, "article": article}, status=400)
    return render(request, "kb/form.html", {"form": form, "article": article})


@roles(*selectors.WRITER_ROLES)
@require_POST
def article_publish(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    article = services.article_publish(actor=request.user, article=article)
    where = "on the public help pages and in staff search" if article.audience == "public" else "in staff search"
    messages.success(request, f"Published: “{article.title}” is now {where}.")
    return redirect("kb:detail", slug=article.slug)


@roles(*selectors.WRITER_ROLES)
@require_POST
def article_unpublish(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    article = services.article_unpublish(actor=request.user, article=article)
    messages.success(request, f"“{article.title}” is a draft again: only editors can see it.")
    return redirect("kb:detail", slug=article.slug)


# --- Public FAQ -----------------------------------------------------------------------


@public
def help_index(request):
    """The patrons' FAQ: published public articles by category, with search. No account."""
    query = request.GET.get("q", "").strip()[:200]
    context = {"query": query}
    if query:
        context["results"] = list(selectors.public_article_list(query=query)[:PAGE_SIZE])
    else:
        context["categories"] = selectors.public_categories()
        context["uncategorised"] = list(selectors.public_article_list().filter(category__isnull=True))
    return render(request, _partial(request, "kb/help_index.html", "help-results"), context)


@public
def help_article(request, slug: str):
    return render(request, "kb/help_article.html", {"article": selectors.public_article_get(slug=slug)})
