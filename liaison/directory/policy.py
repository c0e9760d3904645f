"""Who may read and change the referral directory: the one policy the pages, the API and the
services ask.

- Desk roles (student workers up) read every entry, active or retired: list, detail, search,
  the desk's "Who handles X?" fragment, the API reads.
- Editors (supervisors, library staff, IT staff; administrators pass every rule) add, edit,
  mark reviewed and retire any entry. The *owner* is the person reminded, not a lock.

The pages (`EDITOR_ROLES` in views) and the API (`EDITORS`) used to say this twice; both
said staff roles, so nothing changed for anyone when they became this one rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.core.access import user_has_role
from liaison.core.roles import DESK_ROLES, STAFF_ROLES

if TYPE_CHECKING:
    from liaison.directory.models import DirectoryEntry

READER_ROLES = DESK_ROLES
EDITOR_ROLES = STAFF_ROLES


def can_view_entries(user: Any) -> bool:
    return user_has_role(user, *READER_ROLES)


def can_edit_entries(user: Any) -> bool:
    """Add entries (and, with `can_edit_entry`, change them)."""
    return user_has_role(user, *EDITOR_ROLES)


def can_edit_entry(user: Any, entry: DirectoryEntry) -> bool:
    """Edit, mark reviewed or retire this entry: any editor may, whoever owns it."""
    return can_edit_entries(user)
