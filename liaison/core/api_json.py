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
        if b"\\u0000" in request.body or b"\x00" in request.body:
            # PostgreSQL cannot store a NUL character in text, and no person types one: it is
            # dropped from every string (the desk already cleaned notes this way), never a 500.
            data = _without_nul(data)
        return data


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_FALLBACK.default, option=_OPTIONS)
