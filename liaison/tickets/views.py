"""Ticket pages. Thin: parse the form, call one service or selector, render or redirect.

Every change is a POST to one service; a refusal comes back on the form with the field named
(`form_errors_from`) or at the top of the ticket page (`message_and_redirect`). Objects are
fetched only through access-checked selectors (tickets', and the desk's for promoting), so a
ticket or desk entry you may not see is a 404 on every page.
"""

from __future__ import annotations

import functools
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.accounts import selectors as accounts_selectors
from liaison.core.access import public, roles
from liaison.core.adapters import (
    form_errors_from,
    message_and_redirect,
    posted_content,
    protected_download,
    safe_next,
)
from liaison.core.htmx import htmx_template
from liaison.core.idempotency import IdempotencyError, run_once, run_once_for_form, upload_fingerprint
from liaison.core.pagination import CappedPaginator
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.desk import selectors as desk_selectors
from liaison.kb import selectors as kb_selectors
from liaison.tickets import forms, policy, selectors, services, uploads
from liaison.tickets.models import Ticket
from liaison.tickets.templatetags.tickets import timeline_items

PAGE_SIZE = 25
SORTS = [
    ("due", "Due soonest"),
    ("-due", "Due latest"),
    ("-updated", "Recently updated"),
    ("-created", "Newest"),
    ("created", "Oldest"),
    ("-priority", "Most urgent"),
]


# --- Lists -------------------------------------------------------------------------------


@roles(*DESK_ROLES)
@require_GET
def my_work(request):
    work = selectors.my_work(user=request.user)
    return render(
        request,
        "tickets/my_work.html",
        {
            "assigned": work["assigned"][:50],
            "following": work["following"][:50],
            "resolved": work["resolved"][:10],
        },
    )


@roles(*DESK_ROLES)
@require_GET
def queue_view(request):
    """The queues with filters, search, sort and pages; the filter form asks htmx for #results."""
    filters = selectors.TicketFilters.from_params(request.GET)
    tickets = selectors.ticket_list(user=request.user, filters=filters)
    cap = selectors.SEARCH_COUNT_CAP if filters.q else None
    page = CappedPaginator(tickets, PAGE_SIZE, count_cap=cap).page_or_last(request.GET.get("page"))
    context = {
        "page": page,
        "tickets": page.object_list,
        "filters": filters,
        "queue_groups": selectors.queue_choices_grouped(),
        "states": Ticket.State.choices,
        "priorities": Ticket.Priority.choices,
        "due_choices": selectors.DUE_FILTERS.items(),
        "sorts": SORTS,
        "can_bulk": policy.can_bulk_update_tickets(request.user),
        "bulk_actions": services.BulkAction.choices,
        "waiting_choices": Ticket.WaitingOn.choices,
        "assignees": selectors.assignee_choices(queue=filters.queue) if filters.queue else None,
    }
    template = htmx_template(request, "tickets/queue.html", {"results": "results"})
    return render(request, template, context, status=400 if filters.errors else 200)


@roles(*STAFF_ROLES)
@require_POST
def bulk_update(request):
    form = forms.BulkForm(request.POST)
    back = safe_next(request, reverse("tickets:queue"))
    if not form.is_valid():
        messages.error(request, "Bulk change: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect(back)
    data = form.cleaned_data
    assignee = None
    if data["action"] == services.BulkAction.ASSIGN and data.get("assignee"):
        assignee = accounts_selectors.user_list(active_only=False).filter(pk=data["assignee"]).first()
    try:
        changed = services.tickets_bulk_update(
            actor=request.user,
            numbers=data["tickets"],
            action=data["action"],
            assignee=assignee,
            state=data.get("state") or "",
            waiting_on=data.get("waiting_on") or "",
            queue=data.get("queue"),
            priority=data.get("priority") or None,
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, back)
    messages.success(request, f"Changed {changed} of {len(data['tickets'])} ticket(s).")
    return redirect(back)


# --- Opening tickets ---------------------------------------------------------------------


@roles(*DESK_ROLES)
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    form = forms.TicketForm(request.POST or None, initial={"queue": request.GET.get("queue")})
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

        def create() -> dict:
            ticket = services.ticket_create(actor=request.user, **fields)
            return {"reference": str(ticket.reference), "number": ticket.number, "queue": ticket.queue.full_name}

        try:
            opened, replayed = run_once_for_form(
                request, endpoint="tickets.create", key=form.cleaned_data["idempotency_key"], work=create
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except IdempotencyError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            if replayed:
                messages.info(request, f"The form was sent twice; ticket #{opened['number']} was opened once.")
            else:
                messages.success(request, f"Ticket #{opened['number']} is open in {opened['queue']}.")
            return redirect("tickets:detail", reference=opened["reference"])
    return render(
        request, "tickets/new.html", {"form": form, "retention_days": services.retention_days()}, status=status
    )


def _promote_initial(interaction) -> dict:
    note = (getattr(interaction, "note", "") or "").strip()
    first_line = note.splitlines()[0] if note else ""
    subject = first_line[:80] if first_line else f"{interaction.kind} question at {interaction.service_point}"
    return {"subject": subject, "description": note}


@roles(*DESK_ROLES)
@require_http_methods(["GET", "POST"])
def ticket_promote(request, client_id):
    # Through the desk's access-checked selector: a desk entry you may not see is a 404 here too.
    interaction = desk_selectors.interaction_get_for_user(user=request.user, client_id=client_id)
    existing = selectors.ticket_for_interaction(interaction=interaction)
    if existing is not None:
        messages.info(request, f"This interaction is already ticket #{existing.number}.")
        return redirect("tickets:detail", reference=existing.reference)
    form = forms.PromoteForm(request.POST or None, initial=_promote_initial(interaction))
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_promote_from_interaction(
                actor=request.user, interaction=interaction, **form.cleaned_data
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Ticket #{ticket.number} is open in {ticket.queue.full_name}.")
            return redirect("tickets:detail", reference=ticket.reference)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/promote.html", {"form": form, "interaction": interaction}, status=status)


# --- One ticket --------------------------------------------------------------------------


def _detail_context(request, ticket: Ticket, **forms_override) -> dict:
    user = request.user
    can_work = policy.can_work_ticket(user, ticket)
    can_reveal = policy.can_reveal_contact(user, ticket)
    # A long history shows its latest events; "Earlier history" pages back (?before=<event id>).
    raw_before = request.GET.get("before", "")
    before = int(raw_before) if raw_before.isascii() and raw_before.isdigit() and len(raw_before) < 18 else None
    found = selectors.ticket_page_get(ticket=ticket, before=before, with_contact_views=can_reveal)
    context = {
        "ticket": ticket,
        "user": user,
        "urls": ticket_urls(ticket),
        "timeline": found.timeline.events,
        "timeline_html": timeline_items(found.timeline.events, ticket),
        "timeline_has_earlier": found.timeline.has_earlier,
        "timeline_is_paged": before is not None,
        "attachments": found.attachments,
        "articles": found.articles,
        "followers": found.followers,
        "is_following": any(f.pk == user.pk for f in found.followers),
        "referring_departments": found.referring_departments,
        "can_work": can_work,
        "can_reveal": can_reveal,
        "next_states": [Ticket.State(s) for s in services.allowed_next_states(ticket)],
        "waiting_choices": Ticket.WaitingOn.choices,
        "status_link": found.status_link,
        "reply_form": forms.ReplyForm(),
        "attachment_form": forms.AttachmentForm(),
        "contact_form": forms.ContactRevealForm(),
        "max_attachment_mb": uploads.max_bytes() // (1024 * 1024),
    }
    if can_work:
        context.update(
            {
                "assign_form": forms.AssignForm(queue=ticket.queue, initial={"assignee": ticket.assignee_id}),
                "priority_form": forms.PriorityForm(initial={"priority": ticket.priority}),
                "move_form": forms.MoveForm(),
            }
        )
    if can_reveal:
        context["contact_views"] = found.contact_views
    context.update(forms_override)
    return context


# The ticket page is drawn with Jinja2 (ADR 0063); htmx asks for two parts of it by their
# element id, each a template of its own.
_PARTS = {"conversation": "tickets/_conversation.jinja", "contact-body": "tickets/_contact.jinja"}
_ACTIONS = (
    "detail", "state", "assign", "priority", "move", "reply", "follow", "contact", "status_link", "attach",
    "article_search",
)  # fmt: skip
_STAND_IN = uuid.UUID(int=0)


@functools.lru_cache(maxsize=4)
def _action_patterns(script_prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, reverse(f"tickets:{name}", args=[_STAND_IN])) for name in _ACTIONS)


def ticket_urls(ticket: Ticket) -> dict[str, str]:
    """The addresses of the ticket page's forms: each reversed once per process with a stand-in
    reference, then written with this ticket's, instead of eleven calls to reverse() a page."""
    reference = str(ticket.reference)
    stand_in = str(_STAND_IN)
    return {name: address.replace(stand_in, reference) for name, address in _action_patterns(get_script_prefix())}


def _render_detail(request, ticket, status=200, *, part: str = "", **forms_override):
    """The whole ticket page, or only `part` (an element id in _PARTS) for htmx."""
    context = _detail_context(request, ticket, **forms_override)
    if part == "contact-body":
        context["details"] = context.get("revealed_contact")
    return render(request, _PARTS[part] if part else "tickets/detail.jinja", context, status=status)


def _part_asked(request, part: str) -> str:
    """`part` when htmx aims at it (or `?fragment=` names it, as htmx_template allows), else ""."""
    return htmx_template(request, "tickets/detail.html", {part: part}).partition("#")[2]


@roles(*DESK_ROLES)
@require_GET
def ticket_detail(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    return _render_detail(request, ticket)


def _back_to(ticket):
    return redirect("tickets:detail", reference=ticket.reference)


def _refused(request, exc: ValidationError, ticket):
    """A refused change on the ticket page: say why at the top of the page."""
    return message_and_redirect(request, exc, "tickets:detail", reference=ticket.reference)


@roles(*DESK_ROLES)
@require_POST
def ticket_state(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference, for_work=True)
    form = forms.StateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(dict(form.errors))
        services.ticket_change_state(actor=request.user, ticket=ticket, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, exc, ticket)
    messages.success(request, f"Ticket #{ticket.number} is now {ticket.get_state_display().lower()}.")
    return _back_to(ticket)


@roles(*DESK_ROLES)
@require_POST
def ticket_assign(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference, for_work=True)
    if request.POST.get("assignee") == "me":
        data = request.POST.copy()
        data["assignee"] = str(request.user.pk)
    else:
        data = request.POST
    form = forms.AssignForm(data, queue=ticket.queue)
    if not form.is_valid():
        messages.error(request, "Assignee: choose someone in " + ticket.queue.department.name + ".")
        return _back_to(ticket)
    try:
        services.ticket_assign(actor=request.user, ticket=ticket, assignee=form.cleaned_data["assignee"])
    except ValidationError as exc:
        return _refused(request, exc, ticket)
    who = ticket.assignee.name if ticket.assignee else "nobody"
    messages.success(request, f"Ticket #{ticket.number} is assigned to {who}.")
    return _back_to(ticket)


@roles(*DESK_ROLES)
@require_POST
def ticket_priority(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference, for_work=True)
    form = forms.PriorityForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"priority": "Choose a priority."})
        services.ticket_set_priority(actor=request.user, ticket=ticket, priority=form.cleaned_data["priority"])
    except ValidationError as exc:
        return _refused(request, exc, ticket)
    return _back_to(ticket)


@roles(*DESK_ROLES)
@require_POST
def ticket_move(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference, for_work=True)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_move(
                actor=request.user, ticket=ticket, queue=form.cleaned_data["queue"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"Ticket #{ticket.number} is now in {ticket.queue.full_name}.")
            if policy.can_view_ticket(request.user, ticket):
                return _back_to(ticket)
            return redirect("tickets:my_work")
    return _render_detail(request, ticket, status=400, move_form=form)


@roles(*DESK_ROLES)
@require_POST
def ticket_reply(request, reference):
    """A reply or note; sent twice (a double click), it is saved once. The reply form asks
    htmx for #conversation, which is answered with just that part of the page."""
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    form = forms.ReplyForm(request.POST)
    part = _part_asked(request, "conversation")
    if form.is_valid():

        def reply() -> tuple[int, dict]:
            services.ticket_reply(
                actor=request.user,
                ticket=ticket,
                body=form.cleaned_data["body"],
                is_internal=form.cleaned_data["visibility"] != "public",
            )
            return 201, {}

        try:
            # run_once rather than run_once_for_form: the ticket is part of the content, so the
            # same key sent to another ticket is "other content" (422), never a silent replay.
            run_once(
                actor=request.user,
                endpoint="tickets.reply",
                key=form.cleaned_data["idempotency_key"],
                payload={"ticket": ticket.pk, **posted_content(request)},
                work=reply,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except IdempotencyError as exc:
            form.add_error("idempotency_key", exc.message)
        else:
            if request.htmx:
                return _render_detail(request, ticket, part=part)
            return _back_to(ticket)
    return _render_detail(request, ticket, status=400, part=part, reply_form=form)


@roles(*DESK_ROLES)
@require_POST
def ticket_attach(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]

        def attach() -> tuple[int, dict]:
            attachment = services.ticket_attach(actor=request.user, ticket=ticket, upload=upload)
            return 201, {"name": attachment.original_name}

        try:
            # Sent twice (a double click, a re-post after a slow upload), the file is kept once.
            _status, attached, _replayed = run_once(
                actor=request.user,
                endpoint="tickets.attach",
                key=form.cleaned_data["idempotency_key"],
                payload={"ticket": ticket.pk, "file": upload_fingerprint(upload)},
                work=attach,
            )
        except IdempotencyError as exc:
            messages.error(request, "The file was not attached: " + exc.message)
        except ValidationError as exc:
            # The service names the field "attachment"; on this form it is the file input.
            form.errors.pop("file", None)
            for problem in exc.messages:
                form.add_error("file", problem)
            # Also at the top of the page: on a phone the form is far below the fold.
            messages.error(request, "The file was not attached: " + " ".join(form.errors["file"]))
        else:
            messages.success(request, f"Attached {attached['name']}.")
            return _back_to(ticket)
    elif "idempotency_key" in form.errors:  # a hidden field: its reason must show at the top
        messages.error(request, "The file was not attached: " + " ".join(form.errors["idempotency_key"]))
    return _render_detail(request, ticket, status=400, attachment_form=form)


@roles(*DESK_ROLES)
@require_GET
def attachment_download(request, reference, attachment_id):
    """The only way a stored file leaves the server: signed in, allowed to see the ticket,
    and always as a download that the browser may not sniff or render."""
    _ticket, attachment = selectors.attachment_get_for_user(
        user=request.user, key=reference, attachment_id=attachment_id
    )
    return protected_download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@roles(*DESK_ROLES)
@require_GET
def article_search(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    query = (request.GET.get("q") or "").strip()[:100]
    results = kb_selectors.article_search(query, audience=None, limit=10) if query else []
    linked = {a.pk for a in selectors.linked_articles(ticket=ticket)}
    return render(
        request,
        "tickets/_article_results.html",
        {"ticket": ticket, "results": results, "linked": linked, "query": query},
    )


@roles(*DESK_ROLES)
@require_POST
def article_link(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    form = forms.ArticleLinkForm(request.POST)
    article_id = form.cleaned_data["article"] if form.is_valid() else None
    try:
        article = services.ticket_link_article(actor=request.user, ticket=ticket, article_id=article_id)
    except ValidationError as exc:
        return _refused(request, exc, ticket)
    messages.success(request, f"Linked “{article}”.")
    return _back_to(ticket)


@roles(*DESK_ROLES)
@require_POST
def article_unlink(request, reference, article_id):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    selectors.linked_article_get(ticket=ticket, article_id=article_id)  # 404 unless linked here
    try:
        services.ticket_unlink_article(actor=request.user, ticket=ticket, article_id=article_id)
    except ValidationError as exc:
        return _refused(request, exc, ticket)
    return _back_to(ticket)


@roles(*STAFF_ROLES)
@require_POST
def contact_reveal(request, reference):
    """Shows the patron's contact details once, and records who looked (ContactAccessLog).
    The button asks htmx for #contact-body, answered with just the details."""
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    form = forms.ContactRevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    details = services.ticket_contact_reveal(actor=request.user, ticket=ticket, reason=reason)
    response = _render_detail(request, ticket, part=_part_asked(request, "contact-body"), revealed_contact=details)
    response["Cache-Control"] = "private, no-store"
    return response


@roles(*DESK_ROLES)
@require_POST
def ticket_follow(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    follow = request.POST.get("follow", "1") == "1"
    services.ticket_follow(actor=request.user, ticket=ticket, follow=follow)
    messages.success(request, "You follow this ticket." if follow else "You no longer follow this ticket.")
    return _back_to(ticket)


@roles(*DESK_ROLES)
@require_POST
def status_link_new(request, reference):
    """A new link to hand the patron; shown once, since only its hash is kept."""
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    try:
        link, token = services.status_link_issue(ticket=ticket, actor=request.user)
    except ValidationError as exc:
        return _refused(request, exc, ticket)
    url = request.build_absolute_uri(reverse("tickets:status", args=[token]))
    response = _render_detail(request, ticket, new_status_url=url, new_status_link=link)
    response["Cache-Control"] = "private, no-store"
    return response


# --- The patron's page -------------------------------------------------------------------


@public
@require_GET
def status_page(request, token):
    """No account needed: the long random link is the key. Shows progress and public replies;
    never internal notes, contact details or staff names."""
    ticket = selectors.ticket_get_by_status_token(token=token)
    response: HttpResponse = render(request, "tickets/status.html", {"ticket": ticket, "events": ticket.public_events})
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
