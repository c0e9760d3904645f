"""Who may read the audit trail: administrators only (it names people and shows before/after
values of every staff-facing write). Nobody edits or deletes it, not even in the admin."""

from __future__ import annotations

from typing import Any

from liaison.core.access import user_has_role


def can_read_audit_trail(user: Any) -> bool:
    return user_has_role(user)  # no role besides administrators (and superusers)
