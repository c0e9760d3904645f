"""Who may do what with imports: the one policy the pages, the API, the services and the
templates use (templates get its answers as booleans from the view).

- Supervisors, library staff and IT staff use imports (administrators pass every role rule);
  student workers do not.
- Everyone who uses imports sees the history of runs: what was imported, when, by whom, and
  the report (rejected rows and warnings included).
- Working on an upload (seeing its rows, checking, importing, discarding it) is for the person
  who uploaded it, or a supervisor.
- A saved mapping is offered to everyone who imports; replacing or deleting it is for the
  person who saved it, or a supervisor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.core.access import role_rule, user_has_role
from liaison.core.roles import Role

if TYPE_CHECKING:
    from liaison.imports.models import ImportMapping, ImportRun

IMPORT_ROLES: tuple[str, ...] = (Role.SUPERVISOR, Role.LIBRARY_STAFF, Role.IT_STAFF)
IMPORT_RULE = role_rule(*IMPORT_ROLES)


def can_import(user: Any) -> bool:
    """Uses imports at all: uploads files, sees runs and saved mappings."""
    return user_has_role(user, *IMPORT_ROLES)


def can_see_run(user: Any, run: ImportRun) -> bool:
    """Sees a run's record and report (not its rows: that is `can_act_on_run`)."""
    return can_import(user)


def can_act_on_run(user: Any, run: ImportRun) -> bool:
    """Sees an upload's rows, checks, imports or discards it: the uploader, or a supervisor."""
    if not can_import(user):
        return False
    return run.started_by_id == user.pk or user_has_role(user, Role.SUPERVISOR)


def can_download_rejects(user: Any, run: ImportRun) -> bool:
    """Downloads the rejected rows as CSV: the report everyone who sees the run reads anyway.
    (Only someone who may act on the run gets them re-checked from the kept file.)"""
    return can_see_run(user, run)


def can_manage_mapping(user: Any, mapping: ImportMapping) -> bool:
    """Replaces or deletes a saved mapping: whoever saved it, or a supervisor."""
    if not can_import(user):
        return False
    return mapping.owner_id == user.pk or user_has_role(user, Role.SUPERVISOR)
