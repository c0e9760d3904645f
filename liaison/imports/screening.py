"""Privacy on the way in: what the preview masks and which columns are flagged before commit.

Desk statistics hold no patron identity, but exports carry it: Gimlet's `email` and `initials`,
LibAnswers' `Patron Affiliation`, a chat tool's whole transcripts. The preview shows a file's
first rows with e-mail addresses and phone numbers masked, and flags each column that looks
like names or transcripts (by its header, or by what its first rows hold); the mapping can then
leave the column out or keep only its length (`Mapping.treatments`), and the check warns while
a flagged column feeds a field as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from liaison.imports.parsing import SourceRow, normalize_header

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b|\b\d{3}[.-]\d{4}\b")
MASK = "•••"

_NAME_HEADERS = re.compile(
    r"\b(name|names|patron|patrons|e ?mail|email address|phone|telephone|mobile|initials|entered by|answered by|"
    r"asked by|questioner|user|username|staff|student id|barcode|library card|address)\b"
)
# A header that names people and also a measure or a category ("interaction staff time",
# "patron type", "user count") describes them; it does not hold who they are.
_MEASURE_HEADERS = re.compile(
    r"\b(time|minutes|mins|duration|spent|type|types|count|number|category|kind|group|status|level)\b"
)
_TRANSCRIPT_HEADERS = re.compile(r"\b(transcript|transcripts|conversation|chat log|messages|full text)\b")
LONG_TEXT = 300  # characters: a note is shorter, a transcript longer
SAMPLE = 200


def mask(text: str) -> str:
    """The cell as the preview shows it: e-mail addresses and phone numbers hidden."""
    if not text or ("@" not in text and not any(ch.isdigit() for ch in text)):
        return text
    return PHONE.sub(MASK, EMAIL.sub(f"{MASK}@{MASK}", text))


@dataclass(frozen=True)
class Flag:
    column: str
    reason: str


def flagged_columns(headers: list[str], rows: Iterable[SourceRow]) -> list[Flag]:
    """Columns that look like they hold people's names or contacts, or whole transcripts."""
    sample = [row for _i, row in zip(range(SAMPLE), rows, strict=False)]
    flags = []
    for header in headers:
        key = normalize_header(header)
        cells = [(row.values.get(header) or "").strip() for row in sample]
        filled = [c for c in cells if c]
        longest = max((len(c) for c in filled), default=0)
        average = sum(len(c) for c in filled) / len(filled) if filled else 0
        contacts = sum(1 for c in filled if EMAIL.search(c) or PHONE.search(c))
        if _TRANSCRIPT_HEADERS.search(key) or average > LONG_TEXT or longest > 4 * LONG_TEXT:
            flags.append(Flag(header, f"long text (up to {longest:,} characters): chat transcripts or messages?"))
        elif _NAME_HEADERS.search(key) and not _MEASURE_HEADERS.search(key):
            flags.append(Flag(header, "its name says it holds people's names or contacts"))
        elif filled and contacts * 5 >= len(filled):
            flags.append(
                Flag(header, f"{contacts} of its first {len(filled)} cells hold an e-mail address or phone number")
            )
    return flags
