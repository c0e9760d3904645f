"""Directory pages. Thin: parse, call one selector or service, render. Who may do what is
`policy.py`'s answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.core.access import roles
from liaison.core.adapters import form_errors_from, safe_next
from liaison.core.htmx import htmx_template
from liaison.core.idempotency import IdempotencyError, run_once_for_form
from liaison.directory import policy, selectors, services
from liaison.directory.forms import (
    DirectoryEntryCreateForm,
    DirectoryEntryForm,
    DirectoryFilterForm,
    MarkReviewedForm,
)

PAGE_SIZE = 50
CHOICE_NAME_DEFAULT = "referred_to"


@roles(*policy.READER_ROLES)
def entry_list(request):
    """The directory. One URL: the full page, or (for htmx) just the results as you type."""
    filter_form = DirectoryFilterForm(request.GET, auto_id="dir-%s")
    filters = filter_form.filters()
    entries = selectors.entry_list(**filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter_form": filter_form,
        "filters": filters,
        "can_edit": policy.can_edit_entries(request.user),
        "window_days": selectors.REFERRAL_WINDOW_DAYS,
        "today": timezone.localdate(),
        "counts_available": selectors.referral_time_field() is not None,
    }
    return render(request, htmx_template(request, "directory/list.html", {"directory-results": "results"}), context)


def _detail(request, entry, review_form: MarkReviewedForm, status: int = 200):
    context = {
        "entry": entry,
        "counts": selectors.referral_counts(entry),
        "counts_available": selectors.referral_time_field() is not None,
        "can_edit": policy.can_edit_entry(request.user, entry),
        "review_form": review_form,
    }
    return render(request, "directory/detail.html", context, status=status)


@roles(*policy.READER_ROLES)
def entry_detail(request, pk: int):
    return _detail(request, selectors.entry_get_for_user(user=request.user, pk=pk), MarkReviewedForm())


@roles(*policy.EDITOR_ROLES)
def entry_create(request):
    # Whoever adds an entry keeps it, unless they name someone else.
    initial = {"department": request.user.department_id, "owner": request.user.pk}
    form = DirectoryEntryCreateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

            def create() -> dict:
                entry = services.entry_create(actor=request.user, **fields)
                return {"pk": entry.pk, "name": entry.name}

            try:
                made, replayed = run_once_for_form(
                    request, endpoint="directory.entry_create", key=form.cleaned_data["idempotency_key"], work=create
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            except IdempotencyError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                if replayed:
                    messages.info(request, f"The form was sent twice; “{made['name']}” was added once.")
                else:
                    messages.success(request, f"“{made['name']}” is in the directory.")
                return redirect("directory:detail", pk=made["pk"])
        return render(request, "directory/form.html", {"form": form, "entry": None}, status=status)
    return render(request, "directory/form.html", {"form": form, "entry": None})


@roles(*policy.EDITOR_ROLES)
def entry_edit(request, pk: int):
    entry = selectors.entry_get_for_user(user=request.user, pk=pk, for_edit=True)
    form = DirectoryEntryForm(request.POST or None, instance=entry)
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                services.entry_update(actor=request.user, entry=entry, data=data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("directory:detail", pk=entry.pk)
        return render(request, "directory/form.html", {"form": form, "entry": entry}, status=400)
    return render(request, "directory/form.html", {"form": form, "entry": entry})


@roles(*policy.EDITOR_ROLES)
@require_POST
def entry_mark_reviewed(request, pk: int):
    entry = selectors.entry_get_for_user(user=request.user, pk=pk, for_edit=True)
    form = MarkReviewedForm(request.POST)
    if form.is_valid():
        try:
            entry = services.entry_mark_reviewed(
                actor=request.user, entry=entry, next_review_by=form.cleaned_data["next_review_by"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Marked as reviewed. Next review by {entry.review_by:%b %-d, %Y}.")
            # The home panel and the list send people back to themselves.
            return redirect(safe_next(request, reverse("directory:detail", args=[entry.pk])))
    return _detail(request, entry, form, status=400)


@roles(*policy.EDITOR_ROLES)
@require_POST
def entry_retire(request, pk: int):
    entry = selectors.entry_get_for_user(user=request.user, pk=pk, for_edit=True)
    entry = services.entry_retire(actor=request.user, entry=entry)
    messages.success(request, f"“{entry.name}” is retired: it no longer shows in search or reminders.")
    return redirect("directory:detail", pk=entry.pk)


@roles(*policy.READER_ROLES)
def entry_choices(request):
    """'Who handles X?' for the desk screen: an HTML fragment of radio choices (see README)."""
    query = request.GET.get("q", "").strip()[:200]
    name = request.GET.get("name", CHOICE_NAME_DEFAULT)
    if not name.isidentifier() or len(name) > 40:
        name = CHOICE_NAME_DEFAULT
    try:
        limit = max(1, min(int(request.GET.get("limit", 8)), 20))
    except ValueError:
        limit = 8
    results = selectors.directory_search(query, limit=limit, with_counts=True) if query else []
    return render(request, "directory/_choices.html", {"results": results, "query": query, "name": name})
