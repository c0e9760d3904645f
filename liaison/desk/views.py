"""The desk screen. Thin: parse, call the service or selector, render.

With JavaScript the screen sends entries to the JSON API (and keeps them in the browser
while offline); without it, the same form posts here. One URL serves the page and its
named fragments (?fragment=tally|recent|referrals) for htmx.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from liaison.core.access import roles, signed_in
from liaison.core.adapters import form_errors_from, message_and_redirect
from liaison.core.htmx import htmx_template
from liaison.core.roles import DESK_ROLES
from liaison.desk import read_scale, selectors, services
from liaison.desk.forms import InteractionForm
from liaison.desk.models import UNDO_WINDOW, Interaction, screen_modes
from liaison.labs import selectors as labs_selectors

SESSION_KEY = "desk_service_point"
_SAMPLE_ID = "00000000-0000-0000-0000-000000000000"
SCREEN = "desk/screen.html"
# htmx target id → the partial of the screen that answers it (also asked for as ?fragment=).
FRAGMENTS = {"desk-tally": "tally", "desk-recent": "recent", "desk-referrals": "referrals"}


@roles(*DESK_ROLES)
def choose(request):
    """Pick a service point; the last one picked in this session opens straight away."""
    points = list(selectors.desk_service_points())
    last = request.session.get(SESSION_KEY, "")
    if last and "choose" not in request.GET and any(point.slug == last for point in points):
        return redirect("desk:screen", slug=last)
    return render(request, "desk/choose.html", {"points": points, "last": last})


@roles(*DESK_ROLES)
@require_http_methods(["GET", "POST"])
def screen(request, slug: str):
    point = selectors.desk_service_point_get(slug=slug)
    if request.method == "GET":
        template = htmx_template(request, SCREEN, FRAGMENTS)
        if template != SCREEN:
            return _fragment(request, point, template)
        if request.GET.get("fragment"):
            return HttpResponseBadRequest("Unknown fragment.")

    if request.session.get(SESSION_KEY) != point.slug:
        request.session[SESSION_KEY] = point.slug
    warnings: list[str] = []
    if request.method == "POST":
        form = InteractionForm(request.POST)
        if form.is_valid():
            warnings = services.note_privacy_warnings(form.cleaned_data["note"])
            if warnings and not form.cleaned_data["save_anyway"]:
                return _render_screen(request, point, form, warnings=warnings, confirm_note=True)
            try:
                interaction, created = services.interaction_log(
                    actor=request.user, service_point=point, source="desk", **form.service_kwargs()
                )
            except ValidationError as exc:
                form_errors_from(form, exc)  # the client id is a hidden field: its errors show on top
            else:
                if created:
                    messages.success(request, f"Logged: {interaction.kind} · READ {interaction.read_level}.")
                else:
                    messages.info(request, "That entry was already saved; it is stored once.")
                return redirect("desk:screen", slug=point.slug)
        return _render_screen(request, point, form, warnings=warnings, status=400)
    return _render_screen(request, point, None)


def _initial(recent: list[Interaction], point) -> dict:
    """Start from what this person logged last here; the browser may then restore its own."""
    last = recent[0] if recent else None
    return {
        "client_id": uuid.uuid4(),
        "kind": last.kind.slug if last else "",
        "read_level": last.read_level if last else "",
        "tech_category": last.tech_category.slug if last and last.tech_category else "",
        "mode": last.mode if last else services.default_mode_for(point),
    }


def _form_values(form: InteractionForm | None, initial: dict) -> dict:
    if form is None or not form.is_bound:
        return {**initial, "tags": [], "note": "", "referred_to": "", "duration_minutes": "", "occurred_at": ""}
    data = form.data
    return {
        "client_id": data.get("client_id", ""),
        "kind": data.get("kind", ""),
        "read_level": data.get("read_level", ""),
        "tech_category": data.get("tech_category", ""),
        "mode": data.get("mode", ""),
        "tags": data.getlist("tags"),
        "note": data.get("note", ""),
        "referred_to": data.get("referred_to", ""),
        "duration_minutes": data.get("duration_minutes", ""),
        "occurred_at": data.get("occurred_at", ""),
    }


def _render_screen(request, point, form, *, warnings=(), confirm_note=False, status=200):
    all_kinds = list(selectors.kind_list(active_only=False))
    recent = _with_ticket_links(selectors.recent_interactions_for_user(request.user, service_point=point, limit=25))
    values = _form_values(form, _initial(recent, point))
    who = request.GET.get("who", "").strip()[:200]
    kinds = [kind for kind in all_kinds if kind.is_active]
    context = {
        "point": point,
        "form": form,
        "values": values,
        "kinds": kinds,
        "levels": read_scale.LEVELS,
        "categories": list(selectors.tech_category_list()),
        "tags": list(selectors.topic_tag_list()),
        "modes": screen_modes(),
        "tally": selectors.interaction_tally_for_day(point, timezone.localdate(), kinds=all_kinds),
        "recent": recent,
        "now": timezone.now(),
        "who": who,
        "referral_results": selectors.referral_search(who) if who else [],
        "warnings": warnings,
        "confirm_note": confirm_note,
        "more_open": bool(who or warnings or (form is not None and form.is_bound and form.errors)),
        "desk_config": _desk_config(request, point, kinds),
        # Library systems that are degraded or down (labs, ADR 0058): cached, no query most times.
        "systems_trouble": labs_selectors.systems_with_trouble_for_user(request.user),
    }
    return render(request, SCREEN, context, status=status)


def _with_ticket_links(entries: list[Interaction]) -> list[Interaction]:
    """ "Make a ticket" from an entry, when the tickets app offers it (promoting keeps the id)."""
    try:
        pattern = reverse("tickets:promote", kwargs={"client_id": _SAMPLE_ID})
    except NoReverseMatch:
        pattern = ""
    for entry in entries:
        entry.ticket_url = pattern.replace(_SAMPLE_ID, str(entry.client_id)) if pattern else ""
    return entries


def _desk_config(request, point, kinds) -> dict:
    """What desk.js needs, passed with json_script (never inlined into script)."""
    return {
        "servicePoint": point.slug,
        "servicePointName": point.name,
        "userId": request.user.pk,
        "apiInteractions": reverse("api:desk_interactions"),
        "apiInteraction": reverse("api:desk_interaction", kwargs={"client_id": _SAMPLE_ID}).replace(_SAMPLE_ID, "{id}"),
        "screenUrl": request.path,
        "signInUrl": reverse("accounts:login"),
        "serverNow": timezone.now().isoformat(),
        "undoWindowSeconds": int(UNDO_WINDOW.total_seconds()),
        "kinds": [
            {"slug": k.slug, "name": k.name, "shortcut": k.shortcut, "asksTechCategory": k.asks_tech_category}
            for k in kinds
        ],
        "privacyPatterns": [
            {"key": key, "pattern": pattern, "message": services.privacy_warning_text(label)}
            for key, pattern, label in services.PRIVACY_PATTERNS
        ],
    }


def _fragment(request, point, template: str):
    """One partial of the screen, with only what it shows."""
    if template.endswith("#tally"):
        tally = selectors.interaction_tally_for_day(point, timezone.localdate())
        return render(request, template, {"point": point, "tally": tally})
    if template.endswith("#recent"):
        recent = _with_ticket_links(selectors.recent_interactions_for_user(request.user, service_point=point, limit=25))
        return render(request, template, {"point": point, "recent": recent, "now": timezone.now()})
    who = request.GET.get("who", "").strip()[:200]
    results = selectors.referral_search(who) if who else []
    return render(request, template, {"point": point, "who": who, "referral_results": results, "values": {}})


@roles(*DESK_ROLES)
@require_POST
def undo(request, slug: str, client_id: uuid.UUID):
    point = selectors.desk_service_point_get(slug=slug)
    entry = selectors.interaction_get_for_user(user=request.user, client_id=client_id)
    try:
        services.interaction_undo(actor=request.user, interaction=entry)
    except ValidationError as exc:
        # The screen has no client-id field to name: say the reason alone.
        return message_and_redirect(request, ValidationError(exc.messages), "desk:screen", slug=point.slug)
    except PermissionDenied as exc:
        return message_and_redirect(request, ValidationError(str(exc)), "desk:screen", slug=point.slug)
    messages.success(request, f"Undone: {entry.kind} · READ {entry.read_level}.")
    return redirect("desk:screen", slug=point.slug)


@signed_in
def read_scale_help(request):
    return render(
        request,
        "desk/read_scale.html",
        {"levels": read_scale.LEVELS, "citation": read_scale.CITATION, "scale_url": read_scale.SCALE_URL},
    )
