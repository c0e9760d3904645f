"""Reads for imports, with their access checks.

Supervisors, library staff and IT staff (and administrators) use imports; student workers
do not. Everyone allowed sees the history of runs (what was imported, when, by whom, the
report). Only the person who uploaded a file, or a supervisor, may see its rows and commit it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from liaison.core.access import role_rule, user_has_role
from liaison.core.roles import Role
from liaison.imports.models import ImportMapping, ImportRun

IMPORT_ROLES = (Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF)
IMPORT_RULE = role_rule(*IMPORT_ROLES)


def import_run_list(*, user, importer: str = "", limit: int = 50) -> QuerySet[ImportRun]:
    if not user_has_role(user, *IMPORT_ROLES):
        raise PermissionDenied("Your role does not use imports.")
    runs = ImportRun.objects.select_related("started_by", "committed_by", "mapping")
    if importer:
        runs = runs.filter(importer=importer)
    return runs[:limit]


def import_run_get(*, user, public_id) -> ImportRun:
    if not user_has_role(user, *IMPORT_ROLES):
        raise PermissionDenied("Your role does not use imports.")
    run = ImportRun.objects.select_related("started_by", "committed_by", "mapping").filter(public_id=public_id).first()
    if run is None:
        raise Http404("No such import.")
    return run


def import_run_may_act(user, run: ImportRun) -> bool:
    return run.started_by_id == getattr(user, "pk", None) or user_has_role(user, Role.SUPERVISOR)


def import_run_get_for_action(*, user, public_id) -> ImportRun:
    """A run whose rows the user may see and commit: their own upload, or any as supervisor."""
    run = import_run_get(user=user, public_id=public_id)
    if not import_run_may_act(user, run):
        raise PermissionDenied("Only the person who uploaded this file, or a supervisor, can work on it.")
    return run


def import_mapping_list(*, importer: str = "") -> QuerySet[ImportMapping]:
    mappings = ImportMapping.objects.select_related("owner")
    if importer:
        mappings = mappings.filter(importer=importer)
    return mappings


def import_mapping_get(*, pk: int | None = None, name: str = "", importer: str = "") -> ImportMapping:
    mappings = import_mapping_list(importer=importer)
    found = mappings.filter(pk=pk).first() if pk is not None else mappings.filter(name__iexact=name.strip()).first()
    if found is None:
        raise Http404("No such saved mapping.")
    return found
