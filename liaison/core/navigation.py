"""The shell's navigation. Each app registers its entries in its AppConfig.ready(); the
base layout shows a person only the entries their role may open, so menus follow the
same access rules as the pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from liaison.core.access import AccessRule


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    rule: AccessRule
    order: int = 100
    also_current: tuple[str, ...] = ()  # other path prefixes that belong to this entry


_entries: list[NavEntry] = []


def register(label: str, url_name: str, rule: AccessRule, order: int = 100, also_current: tuple[str, ...] = ()) -> None:
    if any(entry.url_name == url_name for entry in _entries):
        return
    _entries.append(NavEntry(label, url_name, rule, order, also_current))
    _entries.sort(key=lambda entry: entry.order)


def navigation_for(user, current_path: str) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for entry in _entries:
        if not entry.rule.allows(user):
            continue
        url = _url(entry.url_name, get_script_prefix(), get_urlconf())
        if url is None:
            continue
        current = (
            current_path == url
            or (url != "/" and current_path.startswith(url))
            or any(current_path.startswith(prefix) for prefix in entry.also_current)
        )
        items.append({"label": entry.label, "url": url, "current": current})
    return items


@lru_cache(maxsize=512)
def _url(url_name: str, script_prefix: str, urlconf: str | None) -> str | None:
    """A menu entry's address: fixed for a process's URLconf and prefix, so reversed once
    (the shell draws every entry on every page)."""
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None
