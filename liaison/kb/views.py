"""Knowledge-base pages for staff (/kb/) and the public FAQ (/help/). Thin adapters: parse,
call one selector or service, render. Who may do what is `policy.py`'s answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.core.access import public, roles
from liaison.core.adapters import form_errors_from
from liaison.core.htmx import htmx_template
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.kb import policy, selectors, services
from liaison.kb.forms import ArticleCreateForm, ArticleFilterForm, ArticleForm
from liaison.kb.models import Article

PAGE_SIZE = 30


# --- Staff knowledge base ---------------------------------------------------------------


@roles(*policy.READER_ROLES)
def article_list(request):
    filter_form = ArticleFilterForm(request.GET, auto_id="kb-%s")
    filters = filter_form.filters()
    status = 200
    try:
        articles = selectors.article_list(user=request.user, **filters)
    except ValidationError as refused:
        # A filter this role may not use (drafts, for a reader): say so on the page, show the rest.
        for message in refused.messages:
            messages.error(request, message)
        filters["status"] = ""
        articles = selectors.article_list(user=request.user, **filters)
        status = 400
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter_form": filter_form,
        "filters": filters,
        "categories": selectors.category_list_with_counts(user=request.user),
        "can_write": policy.can_write_articles(request.user),
    }
    return render(request, htmx_template(request, "kb/list.html", {"kb-results": "results"}), context, status=status)


@roles(*policy.READER_ROLES)
def article_detail(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug)
    context = {
        "article": article,
        "can_edit": policy.can_edit_article(request.user, article),
        "can_publish": policy.can_publish_article(request.user, article),
    }
    return render(request, "kb/detail.html", context)


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


@roles(*policy.WRITER_ROLES)
def article_create(request):
    form = ArticleCreateForm(request.POST or None, initial={"audience": Article.Audience.STAFF})
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

            def create() -> dict:
                article = services.article_create(actor=request.user, publish="publish" in request.POST, **fields)
                return {"slug": article.slug, "removed": getattr(article, "markup_removed", [])}

            try:
                made, replayed = run_once_for_form(
                    request, endpoint="kb.article_create", key=form.cleaned_data["idempotency_key"], work=create
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            except IdempotencyError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                article = selectors.article_get_for_user(user=request.user, slug=made["slug"])
                if replayed:
                    messages.info(request, f"The form was sent twice; “{article.title}” was saved once.")
                    return redirect("kb:detail", slug=article.slug)
                article.markup_removed = made["removed"]
                verb = "is published" if policy.article_is_published(article) else "is saved as a draft"
                return _saved(request, article, verb)
        return render(request, "kb/form.html", {"form": form, "article": None}, status=status)
    return render(request, "kb/form.html", {"form": form, "article": None})


@roles(*policy.WRITER_ROLES)
def article_edit(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug, for_edit=True)
    form = ArticleForm(request.POST or None, initial=ArticleForm.initial_for(article))
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                article = services.article_update(actor=request.user, article=article, data=data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                return _saved(request, article, "is saved")
        return render(request, "kb/form.html", {"form": form, "article": article}, status=400)
    return render(request, "kb/form.html", {"form": form, "article": article})


@roles(*policy.WRITER_ROLES)
@require_POST
def article_publish(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug, for_edit=True)
    article = services.article_publish(actor=request.user, article=article)
    where = "on the public help pages and in staff search" if article.is_public else "in staff search"
    messages.success(request, f"Published: “{article.title}” is now {where}.")
    return redirect("kb:detail", slug=article.slug)


@roles(*policy.WRITER_ROLES)
@require_POST
def article_unpublish(request, slug: str):
    article = selectors.article_get_for_user(user=request.user, slug=slug, for_edit=True)
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
    return render(request, htmx_template(request, "kb/help_index.html", {"help-results": "results"}), context)


@public
def help_article(request, slug: str):
    return render(request, "kb/help_article.html", {"article": selectors.public_article_get(slug=slug)})
