"""The browser flow: upload → preview and mapping → check all rows → import → result.

Views are adapters: they bind forms, call the services and selectors, and render. The
preview page is one template; htmx asks for its named fragments ("work": the mapping form
with the check result) and gets the same markup a full page would show.
"""

from __future__ import annotations

import csv
import io
import itertools
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from liaison.core.access import roles
from liaison.core.adapters import form_errors_from, message_and_redirect
from liaison.core.htmx import htmx_template
from liaison.core.text import ascii_digits
from liaison.imports import policy, selectors, services
from liaison.imports.forms import MappingForm, SaveMappingForm, UploadForm, long_format_from_text
from liaison.imports.mapping import Mapping, prepared_file
from liaison.imports.models import ImportMapping, ImportRun
from liaison.imports.policy import IMPORT_ROLES
from liaison.imports.registry import importer_choices, importer_get
from liaison.imports.screening import flagged_columns, mask
from liaison.imports.storage import import_max_bytes, size_error

PREVIEW_ROWS = 20
RECENT_RUNS = 30
# htmx asks for the mapping form with its check result by the id it swaps.
WORK_FRAGMENT = {"import-work": "work"}


def _errors_text(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages_ in exc.message_dict.values() for m in messages_]
    return exc.messages


@roles(*IMPORT_ROLES)
def index(request):
    """Upload a file (POST) and see earlier runs and saved mappings."""
    status = 200
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if request.method == "POST" and ascii_digits(declared) and int(declared) > import_max_bytes() + 65536:
        # Refuse before Django spools a huge body to disk.
        context = _index_context(request, UploadForm())
        context["upload_error"] = size_error(int(declared)).message_dict["file"][0]
        return render(request, "imports/index.html", context, status=413)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = services.import_run_start(
                    actor=request.user,
                    importer_key=form.cleaned_data["importer"],
                    file_name=upload.name,
                    content=b"".join(upload.chunks()),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                return redirect("imports:run", run_id=run.public_id)
        status = 400
    return render(request, "imports/index.html", _index_context(request, form), status=status)


def _index_context(request, form) -> dict:
    mappings = selectors.import_mapping_list(user=request.user)
    return {
        "form": form,
        "runs": selectors.import_run_list(user=request.user)[:RECENT_RUNS],
        # Each mapping with whether this person may delete it: the template asks no rules itself.
        "mappings": [(m, policy.can_manage_mapping(request.user, m)) for m in mappings],
    }


def _start_choices(importer, mappings) -> list[tuple[str, str]]:
    choices = [("guess", "Guess from the column names")]
    choices += [(f"preset:{p.key}", f"Preset: {p.label}") for p in importer.presets]
    choices += [(f"saved:{m.pk}", f"Saved: {m.name}") for m in mappings]
    return choices


def _starting_point(request, run: ImportRun, importer, parsed, mappings) -> tuple[str, Mapping]:
    start = request.GET.get("start", "")
    if not start:
        if run.mapping_snapshot:
            return "last", Mapping.from_json(run.mapping_snapshot)
        start = f"preset:{run.preset}" if run.preset else "guess"
    kind, _, value = start.partition(":")
    if kind == "saved":
        saved = next((m for m in mappings if str(m.pk) == value), None)
        if saved is not None:
            return start, services.starting_mapping(importer=importer, parsed=parsed, saved=saved)
    if kind == "preset" and importer.preset(value):
        return start, services.starting_mapping(importer=importer, parsed=parsed, preset_key=value)
    return "guess", services.starting_mapping(importer=importer, parsed=parsed)


def _preset_key(start: str) -> str:
    kind, _, value = (start or "").partition(":")
    return value if kind == "preset" else ""


def _saved_from(start: str, mappings) -> ImportMapping | None:
    kind, _, value = (start or "").partition(":")
    return next((m for m in mappings if kind == "saved" and str(m.pk) == value), None)


def _page_context(request, run: ImportRun, **extra) -> dict:
    context = {
        "run": run,
        **(_progress_context(run) if run.job_active else {}),
        "save_form": SaveMappingForm(),
        "may_act": policy.can_act_on_run(request.user, run),
        "earlier": selectors.import_run_earlier_commit(run=run),
        "report": run.report or {},
        "mapping_json": json.dumps(run.mapping_snapshot, indent=2, ensure_ascii=False),
        "importer_label": dict(importer_choices()).get(run.importer, run.importer),
    }
    context.update(extra)
    return context


def _work_context(run, importer, parsed, mappings, *, form=None, checked=False, start="") -> dict:
    saved = _saved_from(start, mappings)
    save_form = SaveMappingForm(initial={"name": saved.name, "description": saved.description} if saved else None)
    shown = list(itertools.islice(parsed.iter_rows(), PREVIEW_ROWS))
    return {
        "importer": importer,
        "headers": parsed.headers,
        # E-mail addresses and phone numbers are masked: the preview is for checking the mapping.
        "preview_rows": [[row.line, [mask(row.values.get(h, "")) for h in parsed.headers]] for row in shown],
        "rows_total": run.rows_total,
        "row_problems": parsed.problems[:PREVIEW_ROWS],
        "groups": _groups_with_choices(run, importer),
        "parsed": parsed,
        "form": form,
        "save_form": save_form,
        "start": start,
        "start_choices": _start_choices(importer, mappings),
        # The check shown is the run's last one (its report), when it is for this mapping.
        "checked": checked and run.checked_at is not None,
        "rows_new": max(0, run.rows_total - run.rows_already_imported - run.rows_rejected),
    }


def _groups_with_choices(run, importer) -> list[dict]:
    """The report's rejection groups, each mappable one with what its value may map to."""
    out = []
    for group in (run.report or {}).get("groups", []):
        choices = importer.constant_choices(group["field"]) if group.get("mappable") else None
        out.append({**group, "choices": choices})
    return out


@roles(*IMPORT_ROLES)
def run_detail(request, run_id):
    """The preview (mapping form and first rows) while a run is open; the result afterwards."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id)
    if not run.is_open or not policy.can_act_on_run(request.user, run):
        return render(request, "imports/result.html", _page_context(request, run))
    importer = importer_get(run.importer, actor=request.user)
    try:
        # A long-format preset names columns that exist only once the whole file is folded.
        preset = importer.preset(_preset_key(request.GET.get("start", "")) or run.preset)
        whole = preset is not None and bool(preset.long_format)
        parsed = selectors.import_run_parsed(run, preview=None if whole else PREVIEW_ROWS)
        mappings = list(selectors.import_mapping_list(user=request.user, importer=run.importer))
        start, mapping = _starting_point(request, run, importer, parsed, mappings)
        if mapping.long_format:  # the folded file's columns are what the mapping names
            parsed = prepared_file(selectors.import_run_parsed(run), mapping)
    except ValidationError as exc:
        messages.error(request, " ".join(_errors_text(exc)))
        return render(request, "imports/result.html", _page_context(request, run))
    form = MappingForm(
        importer=importer,
        headers=parsed.headers,
        initial_mapping=mapping,
        initial={"start": start},
        flagged=flagged_columns(parsed.headers, parsed.iter_rows()),
    )
    context = _page_context(
        request,
        run,
        **_work_context(run, importer, parsed, mappings, form=form, start=start, checked=start == "last"),
    )
    return render(request, htmx_template(request, "imports/run.html", WORK_FRAGMENT), context)


def _bound_work(request, run):
    importer = importer_get(run.importer, actor=request.user)
    long_format = long_format_from_text(request.POST.get("long_format", ""))
    if long_format:
        parsed = prepared_file(selectors.import_run_parsed(run), Mapping(long_format=long_format))
    else:
        parsed = selectors.import_run_parsed(run, preview=PREVIEW_ROWS)
    mappings = list(selectors.import_mapping_list(user=request.user, importer=run.importer))
    form = MappingForm(
        request.POST,
        importer=importer,
        headers=parsed.headers,
        flagged=flagged_columns(parsed.headers, parsed.iter_rows()),
    )
    return importer, parsed, mappings, form


def _render_work(request, run, context, status=200):
    template = htmx_template(request, "imports/run.html", WORK_FRAGMENT)
    # htmx swaps only successful responses; the fragment carries its own error messages.
    status = 200 if template != "imports/run.html" else status
    return render(request, template, _page_context(request, run, **context), status=status)


@roles(*IMPORT_ROLES)
@require_POST
def run_check(request, run_id):
    """Check every row under the posted mapping; show totals and every rejected row."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id, to_act=True)
    try:
        importer, parsed, mappings, form = _bound_work(request, run)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "imports:run", run_id=run.public_id)
    start = form.data.get("start", "")
    if not form.is_valid():
        context = _work_context(run, importer, parsed, mappings, form=form, start=start)
        return _render_work(request, run, context, status=400)
    try:
        run = services.import_run_check_start(
            actor=request.user,
            run=run,
            mapping=form.mapping,
            saved_mapping=run.mapping if start == "last" else _saved_from(start, mappings),
            preset_key=_preset_key(start) if start != "last" else None,
        )
    except ValidationError as exc:
        for message in _errors_text(exc):
            form.add_error(None, message)
        context = _work_context(run, importer, parsed, mappings, form=form, start=start)
        return _render_work(request, run, context, status=400)
    if run.job_active:  # on a worker: the page shows its progress until it is done
        context = _work_context(run, importer, parsed, mappings, form=form, start=start)
        return _render_work(request, run, context, status=202)
    if run.job_message:
        form.add_error(None, run.job_message)
        context = _work_context(run, importer, parsed, mappings, form=form, start=start)
        return _render_work(request, run, context, status=400)
    context = _work_context(run, importer, parsed, mappings, form=form, checked=True, start=start)
    return _render_work(request, run, context, status=200 if run.rows_rejected == 0 else 400)


@roles(*IMPORT_ROLES)
@require_POST
def run_commit(request, run_id):
    """Import the rows last checked: all of them, or none if any is rejected."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id, to_act=True)
    try:
        run = services.import_run_commit_start(
            actor=request.user, run=run, expected_digest=request.POST.get("digest", "")
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, "imports:run", run_id=run.public_id)
    if run.job_active:
        messages.info(request, "Importing in the background; this page shows how far it is.")
    elif run.job_message:
        messages.error(request, run.job_message)
    elif run.status == ImportRun.Status.COMMITTED:
        messages.success(
            request,
            f"Imported {run.rows_created} row(s)"
            + (f"; {run.rows_already_imported} were already imported" if run.rows_already_imported else "")
            + ".",
        )
    else:
        messages.error(
            request, f"{run.rows_rejected} row(s) were rejected, so nothing was imported. Fix them and check again."
        )
    return redirect("imports:run", run_id=run.public_id)


@roles(*IMPORT_ROLES)
@require_POST
def run_save_mapping(request, run_id):
    """Save the posted mapping under a name, for the next file like this one."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id, to_act=True)
    try:
        importer, parsed, mappings, form = _bound_work(request, run)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "imports:run", run_id=run.public_id)
    save_form = SaveMappingForm(request.POST)
    start = form.data.get("start", "")
    if form.is_valid() and save_form.is_valid():
        try:
            saved = services.import_mapping_save(
                actor=request.user,
                importer_key=run.importer,
                name=save_form.cleaned_data["name"],
                description=save_form.cleaned_data["description"],
                mapping=form.mapping,
            )
        except ValidationError as exc:
            form_errors_from(save_form, exc)
        else:
            messages.success(request, f"Saved the mapping “{saved.name}”.")
            return redirect(reverse("imports:run", kwargs={"run_id": run.public_id}) + f"?start=saved:{saved.pk}")
    context = _work_context(run, importer, parsed, mappings, form=form, start=start)
    context["save_form"] = save_form
    return _render_work(request, run, context, status=400)


@roles(*IMPORT_ROLES)
def run_progress(request, run_id):
    """The job's progress bar; htmx polls it. When the job is done the page reloads to show
    the outcome (HX-Refresh), so the bar needs no script of its own."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id)
    if not run.job_active:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", _progress_context(run))


def _progress_context(run: ImportRun) -> dict:
    progress = services.import_run_job_progress(run)
    total = progress.get("total") or run.rows_total or 0
    done = min(progress.get("done") or 0, total) if total else 0
    return {
        "run": run,
        "job_done": done,
        "job_total": total,
        "job_percent": int(done * 100 / total) if total else 0,
    }


@roles(*IMPORT_ROLES)
@require_POST
def run_cancel(request, run_id):
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id, to_act=True)
    try:
        services.import_run_cancel(actor=request.user, run=run)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "imports:run", run_id=run.public_id)
    messages.info(request, "Cancelling: nothing from this run will be imported.")
    return redirect("imports:run", run_id=run.public_id)


@roles(*IMPORT_ROLES)
@require_POST
def run_save_snapshot(request, run_id):
    """Save the mapping of a finished run (its file may be gone) under a name."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id)
    save_form = SaveMappingForm(request.POST)
    if not save_form.is_valid():
        messages.error(request, "Give the mapping a name.")
        return redirect("imports:run", run_id=run.public_id)
    try:
        saved = services.import_mapping_save_from_run(
            actor=request.user,
            run=run,
            name=save_form.cleaned_data["name"],
            description=save_form.cleaned_data["description"],
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, "imports:run", run_id=run.public_id)
    messages.success(request, f"Saved the mapping “{saved.name}”.")
    return redirect("imports:run", run_id=run.public_id)


@roles(*IMPORT_ROLES)
@require_POST
def run_map_value(request, run_id):
    """One click from the rejection report: map an unknown value, and check every row again."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id, to_act=True)
    try:
        result = services.import_run_map_value(
            actor=request.user,
            run=run,
            field=request.POST.get("field", ""),
            source=request.POST.get("source", ""),
            target=request.POST.get("target", ""),
        )
    except ValidationError as exc:
        return message_and_redirect(request, exc, "imports:run", run_id=run.public_id)
    source, target = request.POST.get("source", ""), request.POST.get("target", "")
    messages.success(
        request,
        f"Mapped “{source}” to “{target}” and checked every row again: "
        + (f"{result.rows_rejected} row(s) still rejected." if result.rejections else "no row is rejected."),
    )
    return redirect("imports:run", run_id=run.public_id)  # shows the mapping last checked


@roles(*IMPORT_ROLES)
@require_POST
def run_discard(request, run_id):
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id, to_act=True)
    try:
        services.import_run_discard(actor=request.user, run=run)
    except ValidationError as exc:
        return message_and_redirect(request, exc, "imports:index")
    messages.success(request, f"Discarded {run.file_name}; its file is deleted.")
    return redirect("imports:index")


@roles(*IMPORT_ROLES)
def run_rejections_csv(request, run_id):
    """Every rejected row of the last check, as CSV (the page and the stored report are capped),
    with the row's own cells while the upload is kept. Made on request, not a stored file, so it
    is a plain CSV response."""
    run = selectors.import_run_get_for_user(user=request.user, public_id=run_id)
    headers, rows = selectors.import_run_rejected_rows(user=request.user, run=run)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "field", "reason", *headers])
    for rejection, cells in rows:
        writer.writerow(
            [
                rejection["line"],
                rejection["field"],
                _csv_safe(rejection["message"]),
                *(_csv_safe(cells.get(h, "")) for h in headers),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rejected-rows-{run.public_id}.csv"'
    return response


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@roles(*IMPORT_ROLES)
@require_POST
def mapping_delete(request, pk):
    mapping = selectors.import_mapping_get_for_user(user=request.user, pk=pk, to_manage=True)
    services.import_mapping_delete(actor=request.user, mapping=mapping)
    messages.success(request, f"Deleted the mapping “{mapping.name}”.")
    return redirect("imports:index")
