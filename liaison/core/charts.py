"""Charts: one Vega-Lite specification (built with Vega-Altair) per chart, rendered on the
server by vl-convert as SVG for pages and as PNG for PDFs and e-mail, so every place that
shows a chart shows the same one (ADR 0045).

Pages embed the SVG as an <img> (an image cannot run scripts, whatever its text says); the
spec itself can be handed to the browser for interaction. Renders are cached by the spec's
digest: the same figures draw once an hour at most. Every chart is shown with its data table
and a text alternative; a chart that fails to render is logged and left out, and the table
still carries the figures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

# The house palette: dark enough for white text and for 3:1 contrast against the page.
COLOURS = ["#1d4e89", "#0f6b5c", "#8a4b00", "#6b3fa0", "#a1282c", "#4a5563"]
CACHE_SECONDS = 3600


def _key(spec: dict[str, Any], fmt: str) -> str:
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    return f"chart:{fmt}:{digest}"


def render_svg(spec: dict[str, Any]) -> str:
    key = _key(spec, "svg")
    svg = cache.get(key)
    if svg is None:
        import vl_convert

        svg = vl_convert.vegalite_to_svg(spec)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def render_png(spec: dict[str, Any], *, scale: float = 2) -> bytes:
    key = _key(spec, f"png{scale}")
    png = cache.get(key)
    if png is None:
        import vl_convert

        png = vl_convert.vegalite_to_png(spec, scale=scale)
        cache.set(key, png, CACHE_SECONDS)
    return png


def svg_data_uri(svg: str) -> str:
    """For an <img src=…>."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def image(spec: dict[str, Any]) -> dict[str, str]:
    """An <img>'s src, width and height for a spec."""
    svg = render_svg(spec)
    size = re.search(r'<svg[^>]*\bwidth="(\d+)"[^>]*\bheight="(\d+)"', svg)
    width, height = size.groups() if size else ("", "")
    return {"src": svg_data_uri(svg), "width": width, "height": height}


def image_or_none(spec: dict[str, Any] | None, name: str) -> dict[str, str] | None:
    """`image`, or None (logged) when there is nothing to draw or rendering fails."""
    if spec is None:
        return None
    try:
        return image(spec)
    except Exception:
        logger.exception("The chart %s could not be rendered", name)
        return None


def png_or_none(spec: dict[str, Any] | None, name: str, *, scale: float = 2) -> bytes | None:
    if spec is None:
        return None
    try:
        return render_png(spec, scale=scale)
    except Exception:
        logger.exception("The chart %s could not be rendered as PNG", name)
        return None
