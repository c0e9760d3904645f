"""The privacy register (security reference P2): every stored field of every Liaison model,
classed as personal, sensitive or public, with why it is kept and for how long.

Each app declares its own models in `liaison/<app>/privacy.py`, found the way Django finds
`admin.py` modules:

    from liaison.core import privacy
    from liaison.core.privacy import why

    privacy.register(
        "tickets.Reply",
        purpose="A public reply to the patron, or an internal note between staff.",
        retention=KEPT_WITH_THE_TICKET,
        pii={"author": "Who wrote it, shown beside it.", "body": why("The text.", retention=...)},
        public=("id", "ticket", "is_internal", "created_at"),
    )

The classes:

- `pii`: identifies a person, or is about one: names, e-mail addresses, phone numbers, links
  to a user, free text typed about a patron.
- `sensitive`: does not identify anyone alone, but is private: hashes of secrets and of file
  contents, uploaded files, when a person last signed in. (Staff notes on a case are free text
  about a patron, so they are `pii`.)
- `public`: no personal data (ids, states, times of things, names of places and categories).

A field's purpose and retention are its model's unless `why(purpose, retention=...)` gives its
own; a personal or sensitive field always says in its own words why it is kept. Retention is
written as the code behaves today, naming the setting or job that enforces it, or saying
plainly that nothing does yet.

`core/tests/test_privacy_register.py` fails when a model field has no entry, when an entry names
a model or field that is gone, and when the committed docs/privacy-register.md is out of date
(`manage.py privacy_register > docs/privacy-register.md` regenerates it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.module_loading import autodiscover_modules

PII = "pii"
SENSITIVE = "sensitive"
PUBLIC = "public"
CLASSES = (PII, SENSITIVE, PUBLIC)


@dataclass(frozen=True)
class Why:
    """A field's own purpose and, when it differs from its model's, its own retention."""

    purpose: str
    retention: str = ""


def why(purpose: str, *, retention: str = "") -> Why:
    return Why(purpose=purpose, retention=retention)


@dataclass(frozen=True)
class Entry:
    model: str  # "tickets.Ticket", as Model._meta.label spells it
    field: str  # the field's name ("assignee", not "assignee_id")
    privacy_class: str  # PII, SENSITIVE or PUBLIC
    purpose: str
    retention: str


_register: dict[str, dict[str, Entry]] = {}
_discovered = False


def register(
    model: str,
    *,
    purpose: str,
    retention: str,
    pii: Mapping[str, str | Why] | None = None,
    sensitive: Mapping[str, str | Why] | None = None,
    public: Iterable[str] = (),
) -> None:
    """Declare every stored field of one model (its label, e.g. "tickets.Ticket")."""
    if model in _register:
        raise ImproperlyConfigured(f"{model} is in the privacy register twice.")
    if not purpose.strip() or not retention.strip():
        raise ImproperlyConfigured(f"{model}: the privacy register needs its purpose and its retention.")
    entries: dict[str, Entry] = {}
    declared: list[tuple[str, str, Why | None]] = [
        *((PII, name, _why(model, name, spec)) for name, spec in (pii or {}).items()),
        *((SENSITIVE, name, _why(model, name, spec)) for name, spec in (sensitive or {}).items()),
        *((PUBLIC, name, None) for name in public),
    ]
    for privacy_class, name, own in declared:
        if name in entries:
            raise ImproperlyConfigured(f"{model}.{name} is classed twice in the privacy register.")
        entries[name] = Entry(
            model=model,
            field=name,
            privacy_class=privacy_class,
            purpose=own.purpose if own else purpose,
            retention=(own.retention if own and own.retention else retention),
        )
    _register[model] = entries


def _why(model: str, name: str, spec: str | Why) -> Why:
    own = spec if isinstance(spec, Why) else Why(purpose=spec)
    if not own.purpose.strip():
        raise ImproperlyConfigured(f"{model}.{name}: say why this personal or sensitive field is kept.")
    return own


def discover() -> None:
    """Import every installed app's `privacy` module, once."""
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True


def entries() -> dict[str, dict[str, Entry]]:
    """The whole register: model label → field name → entry."""
    discover()
    return {model: dict(fields) for model, fields in _register.items()}


def stored_fields(model: type[models.Model]) -> list[str]:
    """The names of what a model stores: every concrete field (ids and foreign keys included)
    and every many-to-many. Reverse relations are the other model's fields."""
    return [f.name for f in model._meta.concrete_fields] + [f.name for f in model._meta.many_to_many]


def in_scope(model: type[models.Model]) -> bool:
    """Liaison's own tables. Django's (sessions, groups, the admin log) join the register when
    an app declares them."""
    return model.__module__.startswith("liaison.") and not model._meta.proxy


def scoped_models() -> list[type[models.Model]]:
    """Every model the register describes: Liaison's in INSTALLED_APPS order, then Django's."""
    declared = entries()
    everything = apps.get_models()
    return [m for m in everything if in_scope(m)] + [
        m for m in everything if not in_scope(m) and m._meta.label in declared
    ]


def problems() -> list[str]:
    """What keeps the register from being complete and true; empty when it is."""
    declared = entries()
    found: list[str] = []
    for model in apps.get_models():
        if not in_scope(model):
            continue
        label = model._meta.label
        if label not in declared:
            found.append(
                f"{label} is not in the privacy register: declare it in {model._meta.app_config.name}.privacy."
            )
            continue
        for name in stored_fields(model):
            if name not in declared[label]:
                found.append(f"{label}.{name} is not in the privacy register.")
    for label, fields in declared.items():
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            found.append(f"{label} is in the privacy register but is no model.")
            continue
        if model._meta.label != label:
            found.append(f"{label} is in the privacy register; the model is spelt {model._meta.label}.")
            continue
        stored = set(stored_fields(model))
        for name, entry in fields.items():
            if name not in stored:
                found.append(f"{label}.{name} is in the privacy register but {label} has no such field.")
            if entry.privacy_class != PUBLIC and not (entry.purpose.strip() and entry.retention.strip()):
                found.append(f"{label}.{name} is {entry.privacy_class} but has no purpose or retention.")
    return found


def as_markdown() -> str:
    """The register as one Markdown table (docs/privacy-register.md). Per model: a row for each
    personal field, then each sensitive one, then one row for all its public fields."""
    declared = entries()
    rows: list[tuple[str, str, str, str, str]] = []
    for model in scoped_models():
        label = model._meta.label
        fields = [declared[label][name] for name in stored_fields(model) if name in declared.get(label, {})]
        for privacy_class in (PII, SENSITIVE):
            rows += [
                (label, f"`{e.field}`", privacy_class, e.purpose, e.retention)
                for e in fields
                if e.privacy_class == privacy_class
            ]
        public = [e for e in fields if e.privacy_class == PUBLIC]
        if public:
            names = ", ".join(f"`{e.field}`" for e in public)
            rows.append((label, names, PUBLIC, public[0].purpose, public[0].retention))
    counted = [e for model in scoped_models() for e in declared.get(model._meta.label, {}).values()]
    counts = {c: sum(1 for e in counted if e.privacy_class == c) for c in CLASSES}
    lines = [
        "# Privacy register",
        "",
        "<!-- Generated by `manage.py privacy_register > docs/privacy-register.md`; do not edit by hand. -->",
        "",
        "Every field Liaison stores, classed as **pii** (identifies a person or is about one), **sensitive**",
        "(private, though not identifying alone) or **public** (no personal data), with why it is kept and",
        "for how long (security reference P2). The entries live beside the code, in each app's",
        "`privacy.py`; `liaison/core/tests/test_privacy_register.py` fails when a field has none.",
        "Each model's public fields share one row, with the model's purpose and retention.",
        "",
        "Retention says what the code does today. The purges named below are periodic tasks: a huey",
        "worker runs them (`manage.py run_huey`), and a site without one runs them from cron every",
        "minute with `manage.py run_periodic`, which runs the jobs due that minute.",
        '"No automatic purge" and "kept for ever" mark personal data that nothing removes yet.',
        "",
        f"{len(counted)} fields in {len(scoped_models())} tables: "
        f"{counts[PII]} pii, {counts[SENSITIVE]} sensitive, {counts[PUBLIC]} public.",
        "",
        "| model | field | class | purpose | retention |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {model} | {field} | {cls} | {_cell(purpose)} | {_cell(retention)} |"
        for model, field, cls, purpose, retention in rows
    ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


# --- core's own tables. -----------------------------------------------------------------------

KEY_TTL = (
    "Deleted by the daily purge (core.tasks.purge_idempotency_keys_daily, 03:41) once older than 24 hours "
    "(IDEMPOTENCY_TTL, core/idempotency.py), or when its owner reuses the key after that: at most about 48 hours."
)

register(
    "core.IdempotencyRecord",
    purpose="Makes a create safe to send twice: the first answer is kept and given again for the same key.",
    retention=KEY_TTL,
    pii={
        "scope": "Whose key it is (user:<id>): a link to the person who sent the request.",
        "response": "The first answer, given again on a repeat: a copy of what was created (a ticket's subject, "
        "a directory entry's e-mail address).",
    },
    sensitive={"fingerprint": "SHA-256 of the request's content, to refuse the same key with other content."},
    public=("id", "endpoint", "key", "status_code", "created_at"),
)

COUNTS_KEPT = (
    "Kept for ever: the statistics. Rows are rewritten by the fill (core.tasks.fill_counts) and dropped only "
    "when a stat is rebuilt."
)

register(
    "core.AggregateCount",
    purpose="Pre-aggregated counts that reports read (core/counts.py). Dimensions are ids of service points, "
    "kinds, categories and directory entries, or levels and modes, never a person.",
    retention=COUNTS_KEPT,
    public=("id", "property", "bucket_start", "d1", "d2", "d3", "d4", "d5", "d6", "value"),
)

register(
    "core.AggregateFillState",
    purpose="How far each stat's counts are filled.",
    retention="One row per stat, kept while the stat is declared.",
    public=("property", "filled_until", "last_run_at", "last_run_buckets"),
)
