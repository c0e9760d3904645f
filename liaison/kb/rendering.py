"""Markdown to safe HTML for knowledge-base articles.

Markdown passes raw HTML through, so everything it produces is cleaned by nh3 (the Rust
ammonia sanitiser) against the explicit allowlist below: no script or style, no event
handler attributes, only http(s)/mailto/tel links, and every link gets
rel="noopener noreferrer". `render_markdown` also reports what it removed, in words an
editor understands, so the form can warn them rather than silently changing their article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt",
        "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre",
        "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Removed together with everything inside them.
CONTENT_REMOVED_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})
LINK_REL = "noopener noreferrer"
_URL_ATTRIBUTES = {"href", "src"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*$")
_MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]


@dataclass
class RenderResult:
    html: str
    removed: list[str] = field(default_factory=list)

    @property
    def was_sanitised(self) -> bool:
        return bool(self.removed)

    def warning(self) -> str:
        return "Unsafe markup was removed from the article: " + "; ".join(self.removed) + "."


class _UnsafeMarkupFinder(HTMLParser):
    """Lists what the allowlist will remove, for the editor's warning (nh3 does the removing)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def _note(self, text: str) -> None:
        if text not in self.found:
            self.found.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in CONTENT_REMOVED_TAGS:
            self._note(f"<{tag}> element and its content")
        elif tag not in ALLOWED_TAGS and tag not in {"h1", "html", "body"}:
            self._note(f"<{tag}> tag (its text is kept)")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name.startswith("on"):
                self._note(f"{name} event-handler attribute")
            elif name in _URL_ATTRIBUTES and value and _disallowed_scheme(value):
                self._note(f"{_disallowed_scheme(value)}: link")
            elif tag in ALLOWED_TAGS and name not in allowed:
                self._note(f"{name} attribute on <{tag}>")

    handle_startendtag = handle_starttag


def _disallowed_scheme(url: str) -> str:
    """The URL's scheme when the allowlist refuses it, else ''. Parsed as browsers do
    (WHATWG URL): C0 controls and spaces trimmed, tabs and newlines inside dropped."""
    cleaned = url.strip("".join(chr(c) for c in range(0x21))).replace("\t", "").replace("\n", "").replace("\r", "")
    scheme, colon, _rest = cleaned.partition(":")
    if not colon or not _SCHEME.match(scheme):
        return ""  # no scheme: a relative URL or a fragment
    return "" if scheme.lower() in ALLOWED_URL_SCHEMES else scheme.lower()


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(CONTENT_REMOVED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> RenderResult:
    """Render an article's Markdown and sanitise it. `removed` says what was taken out."""
    raw = markdown.markdown(source or "", extensions=_MARKDOWN_EXTENSIONS, output_format="html")
    # Articles sit under the page's own <h1>: demote Markdown's top-level headings.
    raw = raw.replace("<h1>", "<h2>").replace("</h1>", "</h2>").replace("<h1 ", "<h2 ")
    finder = _UnsafeMarkupFinder()
    finder.feed(raw)
    finder.close()
    return RenderResult(html=sanitise_html(raw), removed=finder.found)
