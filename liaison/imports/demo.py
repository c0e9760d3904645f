"""Demo data for imports: the worked BAMPFA example as a saved mapping, so the import screen
offers it. Idempotent (looked up by importer and name)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404

from liaison.accounts.selectors import user_get_by_username
from liaison.imports.examples import BAMPFA_HEADERS, bampfa_form_data
from liaison.imports.forms import MappingForm
from liaison.imports.models import ImportMapping
from liaison.imports.registry import importer_get

DEMO_MAPPING = "BAMPFA-style desk log (example)"


def seed_imports(log: Callable[[str], None]) -> dict[str, int]:
    if not ImportMapping.objects.filter(importer="desk_interactions", name=DEMO_MAPPING).exists():
        form = MappingForm(
            bampfa_form_data(service_point="joint-desk"),
            importer=importer_get("desk_interactions"),
            headers=BAMPFA_HEADERS,
        )
        if not form.is_valid():
            raise RuntimeError(f"The demo mapping does not validate: {form.errors.as_text()}")
        ImportMapping.objects.create(
            importer="desk_interactions",
            name=DEMO_MAPPING,
            description="A Google Form desk log: Timestamp, interaction source/type, staff time, 'Date if not today'.",
            owner=_demo_supervisor(),
            **form.mapping.as_json(),
        )
        log(f"Saved the import mapping “{DEMO_MAPPING}”.")
    return {"import mappings": ImportMapping.objects.count()}


def _demo_supervisor():
    try:
        return user_get_by_username(username="supervisor")
    except Http404:
        return None
