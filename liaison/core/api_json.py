"""JSON for the API through orjson: the API's hottest callers (the desk screen's log, lab
agents) send and receive small bodies many times a minute, and orjson reads and writes them
several times faster than the standard library. Output keeps Django's JSON conventions:
date-times go through DjangoJSONEncoder (millisecond precision, "Z" for UTC) exactly as
before, and anything orjson does not know (Decimal, lazy strings) falls back to it too."""

from __future__ import annotations

from typing import Any

import orjson
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_FALLBACK = NinjaJSONEncoder()
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class OrjsonParser(Parser):
    def parse_body(self, request) -> Any:
        data = orjson.loads(request.body)
        where = _nul_path(data, "")
        if where is not None:
            # PostgreSQL cannot store a NUL character in text; no person types one. Say which field.
            raise NulCharacterInBody(where or "body")
        return data


class NulCharacterInBody(ValueError):
    """Raised by the parser; ninja wraps it in its 400, and the API's handler names the field."""

    def __init__(self, field: str):
        self.field = field
        self.message = f"{field} contains a NUL character (\\u0000), which Liaison does not accept."
        super().__init__(self.message)


def _nul_path(value: Any, path: str) -> str | None:
    """The path of the first string (or key) holding a NUL character, or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return path or "a key"
            found = _nul_path(item, here)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_FALLBACK.default, option=_OPTIONS)
