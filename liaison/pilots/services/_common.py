"""What every pilots service shares: collecting several field errors at once, and the policy
check that raises PermissionDenied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from liaison.core.errors import reject


class Problems:
    """Every field that is wrong, reported at once, each with its code."""

    def __init__(self) -> None:
        self.found: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, *, code: str) -> None:
        self.found.setdefault(field, []).extend(reject(field, message, code=code).error_dict[field])

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
