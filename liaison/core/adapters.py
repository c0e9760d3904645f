"""What every page adapter repeats, in one place: a service's errors onto a form or into a
message, a safe "next" redirect, and the download response for stored files.

Views stay thin: parse, call one service or selector, then use these to render or redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from liaison.core.errors import error_text


def form_errors_from(form, exc: ValidationError) -> None:
    """Put a service's field-named errors on the form; fields the form lacks go on top, still named."""
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


def message_and_redirect(request, exc: ValidationError, to: str, *args: Any, **kwargs: Any) -> HttpResponseRedirect:
    """A refused change on a page without its own form: say why at the top of the next page."""
    messages.error(request, error_text(exc))
    return redirect(to, *args, **kwargs)


def safe_next(request, fallback: str) -> str:
    """The `next` the form or link asked for, if it stays on this site; else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def protected_download(file_field, *, filename: str, content_type: str) -> FileResponse:
    """A stored upload, served so no browser runs it: always a download, never sniffed, sandboxed
    if opened anyway, and never kept by a shared cache."""
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def posted_content(request, *, ignore: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """What a form sent, minus its tokens: the content a one-time key is checked against."""
    skip = {"csrfmiddlewaretoken", "idempotency_key", *ignore}
    return {k: request.POST.getlist(k) for k in sorted(request.POST) if k not in skip}
