"""Directory pages. Thin: parse, call one selector or service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.core.access import roles, user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.directory import selectors, services
from liaison.directory.forms import DirectoryEntryForm, DirectoryFilterForm, MarkReviewedForm

EDITOR_ROLES = STAFF_ROLES  # supervisors, library staff, IT staff (administrators pass every rule)
PAGE_SIZE = 50
CHOICE_NAME_DEFAULT = "referred_to"
_SAFE_NEXT = {"/home/", "/directory/"}


def _can_edit(user) -> bool:
    return user_has_role(user, *EDITOR_ROLES)


@roles(*DESK_ROLES)
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
        "can_edit": _can_edit(request.user),
        "window_days": selectors.REFERRAL_WINDOW_DAYS,
        "today": timezone.localdate(),
        "counts_available": selectors.referral_time_field() is not None,
    }
    template = "directory/list.html"
    if request.htmx and request.htmx.target == "directory-results":
        template += "#results"
    return render(request, template, context)


@roles(*DESK_ROLES)
def entry_detail(request, pk: int):
    entry = selectors.entry_get(pk=pk)
    return render(
        request,
        "directory/detail.html",
        {
            "entry": entry,
            "counts": selectors.referral_counts(entry),
            "counts_available": selectors.referral_time_field() is not None,
            "can_edit": _can_edit(request.user),
            "review_form": MarkReviewedForm(),
        },
    )


@roles(*EDITOR_ROLES)
def entry_create(request):
    # Whoever adds an entry keeps it, unless they name someone else.
    initial = {"department": request.user.department_id, "owner": request.user.pk}
    form = DirectoryEntryForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = services.entry_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"“{entry.name}” is in the directory.")
                return redirect("directory:detail", pk=entry.pk)
        return render(request, "directory/form.html", {"form": form, "entry": None}, status=400)
    return render(request, "directory/form.html", {"form": form, "entry": None})


@roles(*EDITOR_ROLES)
def entry_edit(request, pk: int):
    entry = selectors.entry_get(pk=pk)
    form = DirectoryEntryForm(request.POST or None, instance=entry)
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                services.entry_update(actor=request.user, entry=entry, **changes)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("directory:detail", pk=entry.pk)
        return render(request, "directory/form.html", {"form": form, "entry": entry}, status=400)
    return render(request, "directory/form.html", {"form": form, "entry": entry})


@roles(*EDITOR_ROLES)
@require_POST
def entry_mark_reviewed(request, pk: int):
    entry = selectors.entry_get(pk=pk)
    form = MarkReviewedForm(request.POST)
    if form.is_valid():
        try:
            entry = services.entry_mark_reviewed(
                actor=request.user, entry=entry, next_review_by=form.cleaned_data["next_review_by"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Marked as reviewed. Next review by {entry.review_by:%b %-d, %Y}.")
            next_url = request.POST.get("next", "")
            if next_url in _SAFE_NEXT:  # the home panel and the list send people back to themselves
                return redirect(next_url)
            return redirect("directory:detail", pk=entry.pk)
    return render(
        request,
        "directory/detail.html",
        {
            "entry": entry,
            "counts": selectors.referral_counts(entry),
            "counts_available": selectors.referral_time_field() is not None,
            "can_edit": True,
            "review_form": form,
        },
        status=400,
    )


@roles(*EDITOR_ROLES)
@require_POST
def entry_retire(request, pk: int):
    entry = services.entry_retire(actor=request.user, entry=selectors.entry_get(pk=pk))
    messages.success(request, f"“{entry.name}” is retired: it no longer shows in search or reminders.")
    return redirect("directory:detail", pk=entry.pk)


@roles(*DESK_ROLES)
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
