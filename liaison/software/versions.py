"""Comparing real version strings: '2023.1.2' < '2024.1', 'R2023a' < 'R2023b', '4.10' > '4.9'.

`packaging.version.Version` (PEP 440) reads most of them: '16.0.17928', '2.3.1rc1', 'v1.2'.
Vendors' own spellings ('R2023b', '2019 SP1', '11.2.0-build 7') it refuses; those, and any
comparison where one side is refused, use the fallback: the string split into runs of digits
and runs of letters, digits compared as numbers and letters as lower-case words, a number
beating a word at the same place ('1.0.1' > '1.0b'), and a longer key beating its own
prefix ('1.0.1' > '1.0'). Separators ('.', '-', '_', ' ') only split. See ADR 0036.
"""

from __future__ import annotations

import re
from functools import total_ordering

from packaging.version import InvalidVersion, Version

_TOKEN = re.compile(r"\d+|[a-z]+")


def _fallback_key(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((1, int(t), "") if t.isdigit() else (0, 0, t) for t in _TOKEN.findall(text.lower()))


def _pep440(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def is_version(text: str) -> bool:
    """Something a version can be compared by: at least one digit."""
    return any(ch.isdigit() for ch in (text or ""))


@total_ordering
class _Key:
    __slots__ = ("pep440", "text")

    def __init__(self, text: str):
        self.text = (text or "").strip()
        self.pep440 = _pep440(self.text)

    def _pair(self, other: _Key):
        if self.pep440 is not None and other.pep440 is not None:
            return self.pep440, other.pep440
        return _fallback_key(self.text), _fallback_key(other.text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Key):
            return NotImplemented
        mine, theirs = self._pair(other)
        return mine == theirs

    def __lt__(self, other: _Key) -> bool:
        mine, theirs = self._pair(other)
        return bool(mine < theirs)

    def __hash__(self) -> int:
        return hash(self.text)


def version_key(text: str) -> _Key:
    """A sort key: `sorted(versions, key=version_key)`."""
    return _Key(text)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as `a` is older than, the same as or newer than `b`."""
    ka, kb = _Key(a), _Key(b)
    return 0 if ka == kb else (-1 if ka < kb else 1)


def at_least(installed: str, minimum: str) -> bool:
    """Does `installed` meet `minimum`? No minimum: any. No installed version known: no."""
    if not (minimum or "").strip():
        return True
    if not is_version(installed):
        return False
    return compare(installed, minimum) >= 0


def newest(versions: list[str]) -> str:
    """The newest of `versions` ('' for none)."""
    usable = [v for v in versions if is_version(v)]
    return max(usable, key=version_key) if usable else ""
