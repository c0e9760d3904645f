"""One way to choose an htmx partial: a page template names its fragments with
django-template-partials (`{% partialdef results %}`), and the view passes which htmx target
each fragment answers. A normal request gets the whole page; an htmx request aimed at a known
target gets just that fragment (`page.html#results`).

    return render(request, htmx_template(request, "kb/list.html", {"kb-results": "results"}), context)

`?fragment=<name>` asks for a fragment by name, for polling scripts that are not htmx.
"""

from __future__ import annotations

from collections.abc import Mapping


def htmx_template(request, template: str, fragments: Mapping[str, str] | None = None) -> str:
    fragments = fragments or {}
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target in fragments:
        return f"{template}#{fragments[htmx.target]}"
    wanted = request.GET.get("fragment", "")
    if wanted and wanted in fragments.values():
        return f"{template}#{wanted}"
    return template
