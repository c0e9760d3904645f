"""Ticket pages. Thin: parse the form, call one service or selector, render or redirect.
Every change is a POST; errors come back on the page with the field named."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import public, roles
from liaison.core.idempotency import IdempotencyError, run_once
from liaison.core.roles import DESK_ROLES, STAFF_ROLES
from liaison.desk import selectors as desk_selectors
from liaison.kb import selectors as kb_selectors
from liaison.tickets import forms, policy, selectors, services, uploads
from liaison.tickets.models import Ticket

PAGE_SIZE = 25


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's field-named errors on the form (unknown fields go on top, still named)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, " ".join(exc.messages))
        return
    for field, problems in exc.message_dict.items():
        for problem in problems:
            if field in form.fields:
                form.add_error(field, problem)
            else:
                label = field.replace("_", " ").capitalize()
                form.add_error(None, f"{label}: {problem}" if field != "__all__" else problem)


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(
            f"{field.replace('_', ' ').capitalize()}: {problem}"
            for field, problems in exc.message_dict.items()
            for problem in problems
        )
    return " ".join(exc.messages)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


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
    filters = selectors.TicketFilters.from_params(request.GET)
    tickets = selectors.ticket_list(user=request.user, filters=filters)
    cap = selectors.SEARCH_COUNT_CAP if filters.q else None
    page = selectors.TicketPaginator(tickets, PAGE_SIZE, count_cap=cap).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "tickets": page.object_list,
        "filters": filters,
        "queue_groups": selectors.queue_choices_grouped(),
        "states": Ticket.State.choices,
        "priorities": Ticket.Priority.choices,
        "due_choices": selectors.DUE_FILTERS.items(),
        "sorts": [
            ("due", "Due soonest"),
            ("-due", "Due latest"),
            ("-updated", "Recently updated"),
            ("-created", "Newest"),
            ("created", "Oldest"),
            ("-priority", "Most urgent"),
        ],
        "can_bulk": policy.can_bulk_update_tickets(request.user),
        "bulk_actions": services.BulkAction.choices,
        "waiting_choices": Ticket.WaitingOn.choices,
        "assignees": selectors.assignee_choices(queue=filters.queue) if filters.queue else None,
    }
    template = (
        "tickets/queue.html#results" if request.htmx and request.htmx.target == "results" else "tickets/queue.html"
    )
    return render(request, template, context, status=400 if filters.errors else 200)


@roles(*STAFF_ROLES)
@require_POST
def bulk_update(request):
    form = forms.BulkForm(request.POST)
    back = _safe_next(request, reverse("tickets:queue"))
    if not form.is_valid():
        messages.error(request, "Bulk change: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        return redirect(back)
    data = form.cleaned_data
    assignee = None
    if data["action"] == services.BulkAction.ASSIGN and data.get("assignee"):
        from liaison.accounts.models import User

        assignee = User.objects.filter(pk=data["assignee"]).first()
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
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"Changed {changed} of {len(data['tickets'])} ticket(s).")
    return redirect(back)


# --- Opening tickets ---------------------------------------------------------------------


def _posted_content(request) -> dict[str, list[str]]:
    """What a form sent, minus its tokens: the content an idempotency key is checked against."""
    return {
        k: request.POST.getlist(k) for k in sorted(request.POST) if k not in ("csrfmiddlewaretoken", "idempotency_key")
    }


@roles(*DESK_ROLES)
@require_http_methods(["GET", "POST"])
def ticket_new(request):
    form = forms.TicketForm(request.POST or None, initial={"queue": request.GET.get("queue")})
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "idempotency_key"}

        def create():
            ticket = services.ticket_create(actor=request.user, **fields)
            return 201, {"reference": str(ticket.reference), "number": ticket.number, "queue": ticket.queue.full_name}

        try:
            _code, opened, replayed = run_once(
                actor=request.user,
                endpoint="tickets.create",
                key=form.cleaned_data["idempotency_key"],
                payload=_posted_content(request),
                work=create,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
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
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Ticket #{ticket.number} is open in {ticket.queue.full_name}.")
            return redirect("tickets:detail", reference=ticket.reference)
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/promote.html", {"form": form, "interaction": interaction}, status=status)


# --- One ticket --------------------------------------------------------------------------


def _detail_context(request, ticket: Ticket, **forms_override) -> dict:
    user = request.user
    can_work = policy.can_work_ticket(user, ticket)
    followers = list(ticket.followers.all())
    context = {
        "ticket": ticket,
        "timeline": selectors.ticket_timeline(ticket=ticket),
        "attachments": selectors.ticket_attachments(ticket=ticket),
        "articles": selectors.linked_articles(ticket=ticket),
        "followers": followers,
        "is_following": any(f.pk == user.pk for f in followers),
        "referring_departments": list(ticket.referring_departments.all()),
        "can_work": can_work,
        "can_reveal": policy.can_reveal_contact(user, ticket),
        "next_states": [Ticket.State(s) for s in services.allowed_next_states(ticket)],
        "waiting_choices": Ticket.WaitingOn.choices,
        "status_link": selectors.status_link_summary(ticket=ticket),
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
    if context["can_reveal"]:
        context["contact_views"] = selectors.contact_views(ticket=ticket)
    context.update(forms_override)
    return context


def _render_detail(request, ticket, status=200, **forms_override):
    return render(request, "tickets/detail.html", _detail_context(request, ticket, **forms_override), status=status)


@roles(*DESK_ROLES)
@require_GET
def ticket_detail(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    return _render_detail(request, ticket)


def _back_to(ticket):
    return redirect("tickets:detail", reference=ticket.reference)


@roles(*DESK_ROLES)
@require_POST
def ticket_state(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference, for_work=True)
    form = forms.StateForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({k: v for k, v in form.errors.items()})
        services.ticket_change_state(actor=request.user, ticket=ticket, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
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
        messages.error(request, _error_text(exc))
    else:
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
        messages.error(request, _error_text(exc))
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
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Ticket #{ticket.number} is now in {ticket.queue.full_name}.")
            if policy.can_view_ticket(request.user, ticket):
                return _back_to(ticket)
            return redirect("tickets:my_work")
    return _render_detail(request, ticket, status=400, move_form=form)


@roles(*DESK_ROLES)
@require_POST
def ticket_reply(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    form = forms.ReplyForm(request.POST)
    if form.is_valid():

        def reply():
            services.ticket_reply(
                actor=request.user,
                ticket=ticket,
                body=form.cleaned_data["body"],
                is_internal=form.cleaned_data["visibility"] != "public",
            )
            return 201, {}

        try:
            run_once(
                actor=request.user,
                endpoint="tickets.reply",
                key=form.cleaned_data["idempotency_key"],
                payload={"ticket": ticket.pk, **_posted_content(request)},
                work=reply,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        except IdempotencyError as exc:
            form.add_error("idempotency_key", exc.message)
        else:
            if request.htmx:
                context = _detail_context(request, ticket)
                return render(request, "tickets/detail.html#conversation", context)
            return _back_to(ticket)
    if request.htmx:
        context = _detail_context(request, ticket, reply_form=form)
        return render(request, "tickets/detail.html#conversation", context, status=400)
    return _render_detail(request, ticket, status=400, reply_form=form)


@roles(*DESK_ROLES)
@require_POST
def ticket_attach(request, reference):
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.ticket_attach(actor=request.user, ticket=ticket, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.errors.pop("file", None)
            for problems in getattr(exc, "message_dict", {"attachment": exc.messages}).values():
                for problem in problems:
                    form.add_error("file", problem)
            # Also at the top of the page: on a phone the form is far below the fold.
            messages.error(request, "The file was not attached: " + " ".join(form.errors["file"]))
        else:
            messages.success(request, f"Attached {attachment.original_name}.")
            return _back_to(ticket)
    return _render_detail(request, ticket, status=400, attachment_form=form)


@roles(*DESK_ROLES)
@require_GET
def attachment_download(request, reference, attachment_id):
    """The only way a stored file leaves the server: signed in, allowed to see the ticket,
    and always as a download that the browser may not sniff or render."""
    _ticket, attachment = selectors.attachment_get_for_user(
        user=request.user, key=reference, attachment_id=attachment_id
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


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
        messages.error(request, _error_text(exc))
    else:
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
        messages.error(request, _error_text(exc))
    return _back_to(ticket)


@roles(*STAFF_ROLES)
@require_POST
def contact_reveal(request, reference):
    """Shows the patron's contact details once, and records who looked (ContactAccessLog)."""
    ticket = selectors.ticket_get_for_user(user=request.user, key=reference)
    form = forms.ContactRevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    details = services.ticket_contact_reveal(actor=request.user, ticket=ticket, reason=reason)
    context = {"ticket": ticket, "details": details}
    if request.htmx:
        response = render(request, "tickets/_contact.html", context)
    else:
        response = render(request, "tickets/detail.html", _detail_context(request, ticket, revealed_contact=details))
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
        messages.error(request, " ".join(exc.message_dict.get("status_link", exc.messages)))
        return _back_to(ticket)
    url = request.build_absolute_uri(reverse("tickets:status", args=[token]))
    context = _detail_context(request, ticket, new_status_url=url, new_status_link=link)
    response = render(request, "tickets/detail.html", context)
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
