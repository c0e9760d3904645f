"""Privacy warnings on desk notes: warnings, not errors (the screen warns while typing, the
API returns them beside the stored entry, importers list them)."""

from __future__ import annotations

import re

# Written so that Python's `re` and JavaScript's RegExp read them the same way: the desk
# screen receives these sources (json_script) and warns while the note is being typed.
PRIVACY_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "an e-mail address"),
    (
        "phone",
        r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b|\b\d{3}[.-]\d{4}\b",
        "a phone number",
    ),
    ("id_number", r"(?<!\d)\d{7,}(?!\d)", "a long number (a student or ID number?)"),
)
_PRIVACY_COMPILED = [(key, re.compile(pattern), label) for key, pattern, label in PRIVACY_PATTERNS]


def privacy_warning_text(label: str) -> str:
    return f"The note looks like it holds {label}. Desk statistics keep no patron identity: remove it unless it belongs to an office or service."


def note_privacy_warnings(note: str) -> list[str]:
    """Warnings (not errors) when a note looks like it names a patron: e-mail, phone, ID."""
    return [privacy_warning_text(label) for _key, pattern, label in _PRIVACY_COMPILED if pattern.search(note or "")]
