"""The status board's cache key, kept apart so events (writes) and selectors (reads) share it
without importing each other. The board is built at most every BOARD_CACHE_SECONDS and
forgotten after every incident or inventory change, so a new report shows at once."""

from __future__ import annotations

from django.core.cache import cache

KEY = "labs:board:v1"
BOARD_CACHE_SECONDS = 5


def forget() -> None:
    cache.delete(KEY)
