"""The status board's cache keys, kept apart so events (writes) and views and selectors (reads)
share them without importing each other. The board's data is built at most every
BOARD_CACHE_SECONDS and forgotten after every incident or inventory change; the anonymous
board page's HTML is cached under a generation number that `forget` moves on, so every cached
page (every lab, kiosk or not) is dropped at once and a new report shows at the next request."""

from __future__ import annotations

from django.core.cache import cache

KEY = "labs:board:v1"
GENERATION_KEY = "labs:board:generation"
BOARD_CACHE_SECONDS = 5


def forget() -> None:
    cache.delete(KEY)
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)


def page_get(*parts: str) -> tuple[bytes | None, int]:
    """The cached page for these parts if it was drawn in the current generation, and that
    generation: one cache round trip for both (the board is the public's busiest page)."""
    key = "labs:board:page:" + ":".join(parts)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY, 0)
    page = found.get(key)
    if page is not None and page[0] == generation:
        return page[1], generation
    return None, generation


def page_set(parts: tuple[str, ...], generation: int, body: bytes) -> None:
    cache.set("labs:board:page:" + ":".join(parts), (generation, body), BOARD_CACHE_SECONDS)


# The desk's banner of library systems in trouble (ADR 0058): one short-lived copy, dropped
# when a system's status changes, so the desk page asks the database for it once a minute.
SYSTEMS_KEY = "labs:systems:trouble:v1"
SYSTEMS_CACHE_SECONDS = 60


def forget_systems() -> None:
    cache.delete(SYSTEMS_KEY)
