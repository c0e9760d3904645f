"""Panels on each role's home page. Apps register a panel (a template and a function that
builds its context) with an access rule; the home page shows the panels a role may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from liaison.core.access import AccessRule


@dataclass(frozen=True)
class HomePanel:
    key: str
    title: str
    template: str
    rule: AccessRule
    context: Callable[[object], dict]
    order: int = 100


_panels: dict[str, HomePanel] = {}


def register(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def panels_for(request) -> list[dict]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: p.order):
        if panel.rule.allows(request.user):
            shown.append({"panel": panel, "context": panel.context(request)})
    return shown
