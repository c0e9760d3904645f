"""Writes for the desk, by topic. Callers use this package (`from liaison.desk import services`;
`services.interaction_log(...)`), never the topic modules, so code can move between them.

| module | what |
|---|---|
| `build.py` | `interaction_build` (every rule an entry obeys), `content_fingerprint`, `default_mode_for`; `InteractionBatch` (the same rules for an import's many rows, each distinct value and each distinct combination of them, a `RowShape`, checked once) and the `InteractionRow`s it builds |
| `log.py` | `interaction_log` (once per client id), `ClientIdConflict`; for importers `interactions_bulk_create`, `InteractionCopy` (an import's rows through one COPY kept open while it reads on, as COPY text the desk formats, one block per chunk), `topic_tag_get_or_create` |
| `corrections.py` | `interaction_undo`, `interaction_update` (audited through `events.py`) |
| `privacy.py` | `note_privacy_warnings`, `PRIVACY_PATTERNS` (warnings, never errors) |
| `reports.py` | `saved_report_create`, `saved_report_delete` (a desk report's settings under a name) |
"""

from liaison.desk.services.build import (
    FUTURE_TOLERANCE,
    MAX_TAGS,
    InteractionBatch,
    InteractionRow,
    content_fingerprint,
    default_mode_for,
    interaction_build,
)
from liaison.desk.services.corrections import EDITABLE_FIELDS, interaction_undo, interaction_update
from liaison.desk.services.log import (
    BulkCreateResult,
    ClientIdConflict,
    InteractionCopy,
    interaction_log,
    interactions_bulk_create,
    topic_tag_get_or_create,
)
from liaison.desk.services.privacy import PRIVACY_PATTERNS, note_privacy_warnings, privacy_warning_text
from liaison.desk.services.reports import saved_report_create, saved_report_delete

__all__ = [
    "EDITABLE_FIELDS",
    "FUTURE_TOLERANCE",
    "MAX_TAGS",
    "PRIVACY_PATTERNS",
    "BulkCreateResult",
    "ClientIdConflict",
    "InteractionBatch",
    "InteractionCopy",
    "InteractionRow",
    "content_fingerprint",
    "default_mode_for",
    "interaction_build",
    "interaction_log",
    "interaction_undo",
    "interaction_update",
    "interactions_bulk_create",
    "note_privacy_warnings",
    "privacy_warning_text",
    "saved_report_create",
    "saved_report_delete",
    "topic_tag_get_or_create",
]
