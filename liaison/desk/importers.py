"""The desk's importer: desk interactions from Gimlet, LibAnswers or any CSV.

It belongs to the desk, whose rows it writes, and registers itself with the imports app
(`liaison.imports.registry`), which finds it through `autodiscover_modules("importers")`. The
imports engine does the rest: parsing, the mapping form, checking every row, all or nothing.
It reads service points through `places.selectors` and directory entries through
`directory.selectors`, never their models.

Each row becomes one `desk.Interaction`, built and validated by the desk's own
`interaction_build` (so an imported row obeys exactly the rules of one typed at the desk)
and written by `interactions_bulk_create`.

Decisions that are the importer's, not the desk's:
- Identity (ADR 0040): the source system's own id when the mapping gives one (Gimlet's
  question number, LibAnswers' Id), namespaced by tool and site (`gimlet:<site>:<id>`),
  otherwise a hash of the values the row becomes (`content_key`: when, where, kind, READ,
  mode, minutes, category, referral, tags, count; not the note, which privacy may drop).
  `client_id` is uuid5(NAMESPACE, "desk_interactions:<identity>"), so re-importing a row finds
  it again; identities of imports made before ADR 0040 are looked up too.
- Counts: a tally row ("Count 12") becomes one interaction of weight 12, which every desk
  statistic sums (desk/stats.py), not twelve rows.
- Times: "occurred at" is when it happened, "logged at" when someone wrote it down. A row
  with only a logged time happened then. A date with no time of day is taken as 12:00 that
  day (or the logged time, when it was logged the same day). With no logged time the entry
  counts as logged when it happened.
- Privacy: e-mail addresses and phone numbers in a note are replaced by "[removed]" and each
  such row is listed as a warning; desk statistics hold no patron identity.
- A note longer than the desk allows is shortened (and listed as a warning) rather than
  rejecting the row: the counts matter more than the prose.
- Tags not yet known are created inactive when the import is committed (they describe
  history; the desk screen does not offer them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from liaison.desk import selectors as desk_selectors
from liaison.desk import services as desk_services
from liaison.desk.models import (
    MAX_DURATION_MINUTES,
    MAX_NOTE_LENGTH,
    Interaction,
    InteractionKind,
    TechCategory,
    TopicTag,
)
from liaison.desk.services.build import MAX_WEIGHT
from liaison.directory import selectors as directory_selectors
from liaison.imports.registry import (
    CHOICE,
    DATETIME,
    INTEGER,
    MINUTES,
    TAGS,
    TEXT,
    Importer,
    Preset,
    RowRefused,
    TargetField,
    register,
)
from liaison.imports.values import DateOnly, zone_for
from liaison.places.selectors import service_point_choices

# Fixed for ever: changing it would make every earlier import look new.
NAMESPACE = uuid.UUID("6f1c1f3e-5d8a-4f0e-9a57-3c2b7d1e9a10")
NOON = dt.time(12, 0)
PENDING_ID = uuid.UUID(int=0)  # replaced by `assign_identity` once the row's identity is known
PRIVACY = [(key, re.compile(pattern), label) for key, pattern, label in desk_services.PRIVACY_PATTERNS]
CLOCK_TOLERANCE = dt.timedelta(minutes=5)
REMOVED = "[removed]"

# Mode words found in desk tools' exports, beyond the ones the desk itself knows.
MODE_VALUE_MAP = {
    "in-person": "in_person",
    "in person": "in_person",
    "walk-up": "in_person",
    "walk up": "in_person",
    "walk-in": "in_person",
    "walk in": "in_person",
    "desk": "in_person",
    "face to face": "in_person",
    "telephone": "phone",
    "phone call": "phone",
    "e-mail": "email",
    "email": "email",
    "im": "chat",
    "instant message": "chat",
    "libchat": "chat",
    "chat": "chat",
    "text": "chat",
    "sms": "chat",
    "text message": "chat",
    "virtual": "remote",
    "online": "remote",
    "remote": "remote",
    "zoom": "video",
    "video": "video",
    "video call": "video",
    "teams": "video",
    "unknown": "unknown",
    "n/a": "unknown",
}

# READ written as words: "Level 3", LibAnswers' 0 for "not rated" (counted as 1).
READ_LEVEL_WORDS = {
    "0": "1",
    **{f"level {n}": str(n) for n in range(0, 7)},
    **{f"read {n}": str(n) for n in range(1, 7)},
}
READ_LEVEL_WORDS["level 0"] = "1"
# A READ level derived from minutes spent, for tools without one (value-map ranges).
READ_FROM_MINUTES = {"..5": "1", "5..15": "2", "15..30": "3", "30..": "4"}

KIND_VALUE_MAP = {
    "reference": "research",
    "research": "research",
    "research help": "research",
    "ready reference": "research",
    "technology": "technology",
    "tech": "technology",
    "technical": "technology",
    "computer": "technology",
    "software": "technology",
    "directional": "directional",
    "directions": "directional",
    "information": "directional",
    "printing": "equipment-printing",
    "printing/copying": "equipment-printing",
    "copier": "equipment-printing",
    "equipment": "equipment-printing",
    "circulation": "account-access",
    "account": "account-access",
    "accounts": "account-access",
    "access": "account-access",
    "other": "other",
}


@register
class DeskInteractionImporter(Importer):
    key = "desk_interactions"
    label = "Desk interactions"
    description = "Questions and transactions logged at a desk, from Gimlet, LibAnswers or any CSV."
    identity_field = "external_id"
    site_field = "source_site"
    count_field = "count"
    fields = (
        TargetField(
            "occurred_at",
            "Occurred at",
            DATETIME,
            required=True,
            help="When it happened. Date and time may come from two columns (date + time). A date alone counts as 12:00; blank cells use 'Logged at'.",
            max_columns=2,
            aliases=("asked_at", "occurred", "date time", "datetime", "timestamp", "date", "when"),
        ),
        TargetField(
            "logged_at",
            "Logged at",
            DATETIME,
            help="When it was written down, if the file says (Gimlet's added_at, a form's timestamp). Kept apart from 'Occurred at' for entries logged after the fact.",
            max_columns=2,
            aliases=("added_at", "entered at", "logged", "recorded at", "time stamp"),
        ),
        TargetField(
            "service_point",
            "Service point",
            CHOICE,
            required=True,
            help="The desk, by its slug or name. Usually one default for the whole file.",
            aliases=("location", "desk", "branch"),
        ),
        TargetField(
            "kind",
            "Kind",
            CHOICE,
            required=True,
            help="research, technology, directional, equipment-printing, account-access or other (or a site's own). Translate the file's words with a value map.",
            max_columns=2,
            aliases=("question type", "type", "category", "interaction type"),
        ),
        TargetField(
            "read_level",
            "READ level",
            INTEGER,
            required=True,
            minimum=1,
            maximum=6,
            help="1–6. From a READ or difficulty column, or derived from another column (question type, time spent) with a value map; the first column that has a value wins.",
            max_columns=2,
            aliases=("read", "read scale", "read_scale", "difficulty", "effort"),
        ),
        TargetField(
            "mode",
            "Mode",
            CHOICE,
            help="in_person, phone, chat or email. Blank: the service point's usual mode.",
            aliases=("format", "communication", "method", "medium", "channel", "interaction source"),
        ),
        TargetField(
            "duration_minutes",
            "Duration (minutes)",
            MINUTES,
            maximum=MAX_DURATION_MINUTES,
            help="Minutes: '12', '1:30', a range '5-10 min' (its middle), 'less than 5' (half), 'over 30' (30).",
            aliases=("duration", "time spent", "time_spent", "minutes", "staff time", "interaction staff time"),
        ),
        TargetField(
            "tech_category",
            "Technology category",
            CHOICE,
            help="For technology questions: Wi-Fi, printing, accounts … by slug or name.",
            aliases=("technology category", "tech category"),
        ),
        TargetField(
            "tags",
            "Topic tags",
            TAGS,
            help="Separated by spaces (Gimlet) or commas. Unknown tags are created, inactive.",
            max_columns=2,
            aliases=("topics", "keywords"),
        ),
        TargetField(
            "referred_to",
            "Referred to",
            CHOICE,
            help="A directory entry, by slug or name.",
            aliases=("referral", "referred"),
        ),
        TargetField(
            "note",
            "Note",
            TEXT,
            help="A short note (500 characters). Several columns are joined with ' — '. E-mail addresses and phone numbers are removed.",
            max_columns=3,
            joiner=" — ",
            aliases=("notes",),
        ),
        TargetField(
            "external_id",
            "Source id",
            TEXT,
            help="The source system's own id for the row (Gimlet question number, LibAnswers Id). Makes re-imports exact even if other columns were edited.",
            max_columns=2,
            joiner=":",
            aliases=("id", "question_number", "question number", "question id"),
        ),
        TargetField(
            "source_site",
            "Source site",
            TEXT,
            help="Which of the tool's sites, branches or datasets the row is from (Gimlet's site). With the source id it tells two sites' question 800 apart.",
            aliases=("site",),
        ),
        TargetField(
            "count",
            "Count",
            INTEGER,
            minimum=1,
            maximum=MAX_WEIGHT,
            help="For tally files: how many interactions the row stands for (blank: 1). Reports count each row as this many.",
            aliases=("count", "tally", "number of questions", "questions"),
        ),
    )
    presets = (
        Preset(
            key="gimlet",
            label="Gimlet (questions.csv, the admin export, or the API's questions.json)",
            help=(
                "Gimlet's questions export, in snake_case (API) or Title Case (admin export) headers. Difficulty "
                "is optional in Gimlet: where it is blank the READ level is the default below (1 unless you choose)."
            ),
            columns={
                "external_id": (("question_number",),),
                "source_site": (("site",),),
                "occurred_at": (("asked_at",), ("question_date", "question_time")),
                "logged_at": (("added_at",),),
                "service_point": (("location",),),
                "kind": (("question_type",),),
                "read_level": (("difficulty",),),
                "mode": (("format",),),
                "duration_minutes": (("duration",),),
                "tags": (("tags",),),
                "note": (("question",),),
            },
            fallbacks={"occurred_at": (("added_at",),)},
            constants={"read_level": "1"},
            value_maps={"kind": KIND_VALUE_MAP, "mode": MODE_VALUE_MAP},
            date_format="ymd",
            signature=("question_number", "question_type"),
        ),
        Preset(
            key="libanswers",
            label="LibAnswers Reference Analytics (Export Transactions)",
            help=(
                "Springshare LibAnswers 'Export Transactions' CSV. Dataset fields vary by library: check Question "
                "Type, READ and Location. READ 0 ('not rated') counts as 1 and 'Level 3' as 3; change that below."
            ),
            columns={
                "external_id": (("Id",),),
                "occurred_at": (("Date", "Time"), ("Time Stamp",)),
                "service_point": (("Location",),),
                "kind": (("Question Type",),),
                "read_level": (("READ",), ("READ Scale",), ("Read Scale",), ("READ Level",)),
                "mode": (("Communication",), ("Format",), ("Method",)),
                "duration_minutes": (("Duration",),),
                "note": (("Question",),),
            },
            value_maps={"kind": KIND_VALUE_MAP, "mode": MODE_VALUE_MAP, "read_level": READ_LEVEL_WORDS},
            date_format="mdy",
            signature=("Id", "Date", "Time", "Entered By"),
        ),
        Preset(
            key="libstats",
            label="Libstats (Data Dump CSV)",
            help=(
                "The open-source Libstats 'Data Dump'. It has no READ level: the preset derives one from time spent "
                "(under 5 minutes 1, 5–15 2, 15–30 3, 30 or more 4); change the ranges below."
            ),
            columns={
                "external_id": (("question_id",),),
                "source_site": (("library_name",),),
                "occurred_at": (("asked_at",), ("question_date", "question_time")),
                "logged_at": (("added_stamp",),),
                "service_point": (("location_name",),),
                "kind": (("question_type",),),
                "read_level": (("time_spent",),),
                "mode": (("question_format",),),
                "duration_minutes": (("time_spent",),),
            },
            value_maps={"kind": KIND_VALUE_MAP, "mode": MODE_VALUE_MAP, "read_level": READ_FROM_MINUTES},
            date_format="mdy",
            signature=("question_id", "patron_type", "question_type", "time_spent", "question_format"),
        ),
        Preset(
            key="libinsight",
            label="LibInsight (custom dataset records)",
            help=(
                "A LibInsight dataset's records (data grid export or API): the system fields _id, _start_date and "
                "_entered_by, and your dataset's own fields by their labels; map those LibInsight could not guess."
            ),
            columns={
                "external_id": (("_id",),),
                "occurred_at": (("_start_date",),),
                "service_point": (("Location",), ("Desk",), ("Service Point",), ("Branch",)),
                "kind": (("Question Type",), ("Type",), ("Category",)),
                "read_level": (("READ",), ("READ Scale",), ("Read Scale",), ("READ Level",)),
                "mode": (("Format",), ("Mode",), ("Method",), ("Communication",)),
                "duration_minutes": (("Duration",), ("Time Spent",)),
                "count": (("Count",), ("Number of Questions",), ("Questions",)),
                "note": (("Notes",), ("Question",)),
            },
            value_maps={"kind": KIND_VALUE_MAP, "mode": MODE_VALUE_MAP, "read_level": READ_LEVEL_WORDS},
            date_format="ymd",
            signature=("_id", "_start_date", "_entered_by"),
        ),
        Preset(
            key="desktracker",
            label="Desk Tracker (Data File Generator, standard format)",
            help=(
                "Desk Tracker's long 'standard format': one row per answered question. The rows of each response "
                "set are folded into one interaction; each question becomes a column to map."
            ),
            columns={
                "external_id": (("response_set",),),
                "source_site": (("library",),),
                "occurred_at": (("date_time",),),
                "service_point": (("desk",),),
                "kind": (("Question Type",), ("Type of Question",), ("Type",), ("Category",)),
                "read_level": (("READ Scale",), ("READ",), ("READ Level",)),
                "mode": (("Format",), ("Mode",), ("Contact Type",), ("Method",)),
                "duration_minutes": (("Duration",), ("Time Spent",)),
                "count": (("Count",), ("Number of Patrons",), ("Head Count",)),
            },
            fallbacks={"service_point": (("branch",),)},
            value_maps={"kind": KIND_VALUE_MAP, "mode": MODE_VALUE_MAP, "read_level": READ_LEVEL_WORDS},
            date_format="mdy",
            signature=("response_set", "question", "response"),
            long_format={
                "group": "response_set",
                "question": "question",
                "answer": "response",
                "text": "optional_text",
            },
        ),
    )

    def __init__(self, *, actor=None, source_name: str = ""):
        super().__init__(actor=actor, source_name=source_name)
        self.source = f"import:{re.sub(r'[^a-z0-9_.-]', '-', (source_name or 'csv').lower())[:40]}"
        self._lookups: dict[str, dict[str, Any]] | None = None
        self.dates_at_noon = 0
        self.back_dated = 0
        self.new_tag_names: dict[str, str] = {}
        self._made_tags: dict[str, TopicTag] = {}
        self._any_imported: bool | None = None
        self._batch: desk_services.InteractionBatch | None = None
        self._writer: desk_services.InteractionCopy | None = None
        self._found: dict[str, dict[Any, Any]] = {}  # field → value → record (or the value, unknown)
        self._notes: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # note → (cleaned, warnings)
        self._client_ids: dict[str, str] = {}  # identity → client id, from assign_identity to the look-up
        # (id of a row shape, count, tool) → the identity's JSON text before and after the minute
        self._identity_texts: dict[tuple[int, int, str], tuple[str, str, Any]] = {}

    @property
    def _zone(self):
        return zone_for(self.time_zone)

    # --- lookups: one query per list per run, not per row --------------------------------
    def lookups(self) -> dict[str, dict[str, Any]]:
        if self._lookups is None:
            self._lookups = {
                "service_point": _index(service_point_choices(active_only=False)),
                "kind": _index(InteractionKind.objects.all()),
                "tech_category": _index(TechCategory.objects.all()),
                "referred_to": _index(directory_selectors.entry_list(status="all")),
                "tags": _index(TopicTag.objects.all()),
            }
        return self._lookups

    def _find(self, field_name: str, value: Any) -> Any:
        if value is None or value == "":
            return None
        memo = self._found.get(field_name)
        if memo is None:
            memo = self._found[field_name] = {}
        found = memo.get(value, _MISS)
        if found is _MISS:
            found = self.lookups()[field_name].get(_key(str(value)), value)
            if len(memo) < MEMO_LIMIT:
                memo[value] = found
        return found

    def constant_choices(self, field_name: str) -> list[tuple[str, str]] | None:
        if field_name == "service_point":
            return [(p.slug, p.name) for p in service_point_choices(active_only=True)]
        if field_name == "kind":
            return [(k.slug, k.name) for k in InteractionKind.objects.filter(is_active=True)]
        if field_name == "tech_category":
            return [(c.slug, c.name) for c in TechCategory.objects.filter(is_active=True)]
        if field_name == "mode":
            return list(Interaction.Mode.choices)
        if field_name == "read_level":
            return [(str(n), f"READ {n}") for n in range(1, 7)]
        if field_name == "referred_to":
            return [(e.slug, e.name) for e in directory_selectors.entry_list(status="active")]
        return None

    def clean_constants(self, constants: dict[str, Any]) -> None:
        errors = {}
        for name, model_label in (
            ("service_point", "service point"),
            ("kind", "kind"),
            ("tech_category", "technology category"),
            ("referred_to", "directory entry"),
        ):
            value = constants.get(name)
            if value not in (None, "") and isinstance(self._find(name, value), str):
                errors[name] = f"Unknown {model_label} {value!r}."
        mode = constants.get("mode")
        if mode and MODE_VALUE_MAP.get(_key(mode), mode) not in Interaction.Mode.values:
            errors["mode"] = f"Unknown mode {mode!r}; use one of {', '.join(Interaction.Mode.values)}."
        if errors:
            raise ValidationError(errors)

    # --- identity ---------------------------------------------------------------------------
    def client_id_for(self, identity: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{self.key}:{identity}")

    def client_id_text(self, identity: str) -> str:
        """`str(client_id_for(identity))`, worked out without the UUID object (uuid5 is SHA-1
        of the namespace and the name, with the version nibble 5 and the variant bits 10)."""
        digest = _NAMESPACE_SHA1.copy()
        digest.update(f"{self.key}:{identity}".encode())
        h = digest.hexdigest()
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"

    def identity_of(self, obj: desk_services.InteractionRow, tool: str) -> str:
        """`values_identity(tool, self.content_key(obj))` with the JSON written out directly:
        the same text, so the same identity as every earlier import (ADR 0040). Everything
        but the minute is the same for the rows of one shape (`InteractionRow.shape`) and count,
        so that text is made once for them."""
        moment = obj.occurred_at_utc
        minute = moment[:16] if moment[:4] >= "1000" else obj.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M")
        shape = obj.shape
        if shape is not None and not obj.import_new_tags:
            key = (id(shape), obj.weight, tool)
            known = self._identity_texts.get(key)
            if known is None or known[2] is not shape:
                known = (*self._identity_text(obj, tool), shape)
                if len(self._identity_texts) < MEMO_LIMIT:
                    self._identity_texts[key] = known
            before, after, _shape = known
        else:
            before, after = self._identity_text(obj, tool)
        text = f"{before}{_encode_str(minute)}{after}"
        return f"{tool}:values:{hashlib.sha256(text.encode()).hexdigest()[:40]}"

    @staticmethod
    def _identity_text(obj: desk_services.InteractionRow, tool: str) -> tuple[str, str]:
        """The JSON text of `[tool, content_key(obj)]` before and after the minute."""
        tags = obj.pending_tags
        names = obj.import_new_tags
        if tags or names:
            slugs = sorted({t.slug for t in tags} | {slugify(n) for n in names})
            tag_text = ", ".join(map(_encode_str, slugs))
        else:
            tag_text = ""
        category, referral, minutes = obj.tech_category, obj.referred_to, obj.duration_minutes
        return (
            f"[{_encode_str(tool)}, [",
            f", {obj.service_point.pk}, {obj.kind.pk}, {obj.read_level}, "
            f"{_encode_str(obj.mode)}, {'null' if minutes is None else minutes}, "
            f"{'null' if category is None else category.pk}, {'null' if referral is None else referral.pk}, "
            f"[{tag_text}], {obj.weight}]]",
        )

    def legacy_identities(self, row, mapped: dict[str, Any]) -> str:
        """Only worth working out where something was imported before (asked once per run)."""
        if self._any_imported is None:
            self._any_imported = Interaction.objects.filter(source__startswith="import:").exists()
        return super().legacy_identities(row, mapped) if self._any_imported else ""

    def assign_identity(self, obj: desk_services.InteractionRow, identity: str) -> None:
        obj.client_id = self._client_ids[identity] = self.client_id_text(identity)

    def weight_of(self, obj: desk_services.InteractionRow) -> int:
        return obj.weight

    def content_key(self, obj: desk_services.InteractionRow) -> list[Any]:
        """What the row counts as: not the note (privacy may drop it), not when it was logged,
        the time to the minute (a re-save in Excel drops seconds)."""
        tags = sorted({t.slug for t in obj.pending_tags} | {slugify(n) for n in getattr(obj, "import_new_tags", [])})
        return [
            obj.occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M"),
            obj.service_point_id,
            obj.kind_id,
            obj.read_level,
            obj.mode,
            obj.duration_minutes,
            obj.tech_category_id,
            obj.referred_to_id,
            tags,
            obj.weight,
        ]

    def fingerprint(self, obj: desk_services.InteractionRow) -> str:
        return obj.content_fingerprint

    def existing_identities(self, identities: list[tuple[str, str]], tool: str) -> set[str]:
        known = self._client_ids
        # Only an import stores a client id made from an identity (uuid5 in NAMESPACE), and an
        # imported row keeps its source "import:…" (corrections keep it too). So a site where
        # nothing was imported before this run (asked once, before its first row is written)
        # has none of its rows stored, and each chunk's look-up is skipped: its COPY then stays
        # open from the first row to the last. (A row of this run repeating one of this run is
        # the engine's to tell apart; a desk client sending one of these uuids on purpose would
        # make the COPY fail, and the import with it, whole.)
        if self._any_imported is None:
            self._any_imported = Interaction.objects.filter(source__startswith="import:").exists()
        if not self._any_imported:
            known.clear()
            return set()
        by_client_id: dict[str, str] = {}
        legacy_ids: dict[uuid.UUID, tuple[str, bool]] = {}
        for identity, legacy in identities:
            by_client_id[known.get(identity) or self.client_id_text(identity)] = identity
            if legacy:
                legacy_ids[self.client_id_for(legacy)] = (identity, legacy.startswith("id:"))
        known.clear()
        found = {
            by_client_id[client_id] for client_id in desk_selectors.interaction_client_ids_stored(list(by_client_id))
        }
        # Imports before ADR 0040 keyed rows by "id:<id>" or a hash of the raw cells; an id key
        # counts only for a row the same tool imported (LibAnswers' 800 is not Gimlet's).
        wanted = [c for c, (identity, _is_id) in legacy_ids.items() if identity not in found]
        source = f"import:{tool}"
        for start in range(0, len(wanted), 900):
            for client_id, row_source in Interaction.objects.filter(
                client_id__in=wanted[start : start + 900], source__startswith="import:"
            ).values_list("client_id", "source"):
                identity, is_id = legacy_ids[client_id]
                if is_id and row_source != source:
                    continue
                found.add(identity)
        return found

    # --- one row ------------------------------------------------------------------------------
    def validate_row(self, mapped: dict[str, Any]) -> desk_services.InteractionRow:
        """Build the row through the desk's `InteractionBatch`: the rules of `interaction_build`,
        each distinct service point, kind, level, mode or duration checked once per run (an
        unknown value refused again from memory, at the cost of a known one)."""
        errors: dict[str, str] = {}
        occurred_at, logged_at = self._times(mapped, errors)
        note = mapped.get("note") or ""
        if note:
            note = self._note(note)
        names = mapped.get("tags")
        tags, new_tags = self._tags(names) if names else ([], [])
        if self._batch is None:
            self._batch = desk_services.InteractionBatch(source=self.source, recorded_by=self.actor)
        find = self._find
        row, problems = self._batch.build(
            service_point=find("service_point", mapped.get("service_point")),
            kind=find("kind", mapped.get("kind")),
            read_level=mapped.get("read_level"),
            mode=mapped.get("mode") or None,
            client_id=PENDING_ID,
            occurred_at=occurred_at,
            duration_minutes=mapped.get("duration_minutes"),
            tech_category=find("tech_category", mapped.get("tech_category")),
            tags=tags,
            note=note,
            referred_to=find("referred_to", mapped.get("referred_to")),
            weight=mapped.get("count") or 1,
        )
        if problems or errors or row is None:
            raise RowRefused({**problems, **errors})
        row.import_new_tags = new_tags
        if logged_at is None:
            row.logged_at = row.occurred_at
        else:
            row.logged_at = logged_at
            if logged_at - row.occurred_at >= dt.timedelta(minutes=1):
                self.back_dated += 1
        return row

    def _local(self, value: dt.datetime | DateOnly, *, same_day_as: dt.datetime | None = None) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        if same_day_as is not None and same_day_as.astimezone(self._zone).date() == value.date:
            return same_day_as
        self.dates_at_noon += 1
        return dt.datetime.combine(value.date, NOON, tzinfo=self._zone)

    def _times(self, mapped: dict[str, Any], errors: dict[str, str]) -> tuple[dt.datetime | None, dt.datetime | None]:
        occurred, logged = mapped.get("occurred_at"), mapped.get("logged_at")
        logged_at = None
        if logged is not None:
            logged_at = (
                logged if isinstance(logged, dt.datetime) else dt.datetime.combine(logged.date, NOON, tzinfo=self._zone)
            )
        if occurred is None:
            if logged_at is None:
                errors["occurred_at"] = "No date: the cell is blank and there is no 'logged at' time to fall back on."
                return None, None
            return logged_at, logged_at
        occurred_at = self._local(occurred, same_day_as=logged_at)
        if logged_at is not None and occurred_at > logged_at + CLOCK_TOLERANCE:
            errors["occurred_at"] = (
                f"It happened ({occurred_at.astimezone(self._zone):%Y-%m-%d %H:%M}) after it was logged "
                f"({logged_at.astimezone(self._zone):%Y-%m-%d %H:%M})."
            )
        return occurred_at, logged_at

    def _note(self, note: str) -> str:
        """The note as kept, with its warnings (worked out once per distinct note)."""
        known = self._notes.get(note)
        if known is not None:
            self._warnings.extend(known[1])
            return known[0]
        before = len(self._warnings)
        cleaned = self._clean_note(note)
        if len(self._notes) < MEMO_LIMIT:
            self._notes[note] = (cleaned, self._warnings[before:])
        return cleaned

    def _clean_note(self, note: str) -> str:
        note = note.replace("\r\n", "\n").replace("\r", "").strip()  # stray carriage returns
        for key, pattern, label in PRIVACY:
            if pattern.search(note):
                note = pattern.sub(REMOVED, note)
                self.warn("note", f"{label[0].upper()}{label[1:]} was removed from the note ({key}).")
        if len(note) > MAX_NOTE_LENGTH:
            self.warn("note", f"The note had {len(note)} characters; it was shortened to {MAX_NOTE_LENGTH}.")
            note = note[: MAX_NOTE_LENGTH - 1].rstrip() + "…"
        return note

    def _tags(self, names: list[str]) -> tuple[list[TopicTag], list[str]]:
        known, new = [], []
        for name in names:
            found = self.lookups()["tags"].get(_key(name))
            if found is not None:
                known.append(found)
            elif slugify(name):
                new.append(name[:60])
                self.new_tag_names.setdefault(slugify(name)[:60], name[:60])
        return known, new

    def describe(self, obj: desk_services.InteractionRow) -> dict[str, str]:
        zone = self._zone
        return {
            "occurred at": f"{obj.occurred_at.astimezone(zone):%Y-%m-%d %H:%M}",
            "logged at": f"{obj.logged_at.astimezone(zone):%Y-%m-%d %H:%M}",
            "service point": str(obj.service_point),
            "kind": str(obj.kind),
            "READ": str(obj.read_level),
            "mode": obj.get_mode_display(),
            "minutes": "" if obj.duration_minutes is None else str(obj.duration_minutes),
            "tags": ", ".join(
                [t.name for t in obj.pending_tags] + [f"{n} (new)" for n in getattr(obj, "import_new_tags", [])]
            ),
            "note": obj.note if len(obj.note) <= 80 else obj.note[:79] + "…",
        }

    def summary_notes(self, objects: list[desk_services.InteractionRow]) -> list[str]:
        notes = []
        if self.dates_at_noon:
            notes.append(
                f"{self.dates_at_noon} row(s) gave a date without a time of day; they are counted at 12:00 on that date."
            )
        if self.back_dated:
            notes.append(f"{self.back_dated} row(s) were logged after the fact; both times are kept.")
        if self.new_tag_names:
            names = ", ".join(sorted(self.new_tag_names.values())[:20])
            notes.append(f"{len(self.new_tag_names)} new tag(s) will be created, inactive: {names}.")
        return notes

    # --- writing -------------------------------------------------------------------------------
    def commit(self, objects: list[desk_services.InteractionRow]) -> int:
        """Write one chunk (the engine streams a file's rows in chunks, all in one transaction)."""
        made = self._made_tags
        for obj in objects:
            names = getattr(obj, "import_new_tags", [])
            if not names:
                continue
            for name in names:
                if name.lower() not in made:
                    made[name.lower()] = desk_services.topic_tag_get_or_create(name=name)
            extra = [made[n.lower()] for n in names if made[n.lower()].pk not in {t.pk for t in obj.pending_tags}]
            obj.pending_tags = [*obj.pending_tags, *extra]
            obj.content_fingerprint = desk_services.content_fingerprint(obj, obj.pending_tags)
        if self._writer is None:
            self._writer = desk_services.InteractionCopy()
        return self._writer.write(objects)

    def commit_finish(self) -> None:
        if self._writer is not None:
            self._writer.finish()

    def commit_abort(self, error: BaseException) -> None:
        if self._writer is not None:
            self._writer.abort(error)

    def audit_summary(self, objects: list[desk_services.InteractionRow]) -> dict[str, Any]:
        return {"source": self.source, "new_tags": sorted(self.new_tag_names.values())}


_MISS = object()
MEMO_LIMIT = 50_000
_NAMESPACE_SHA1 = hashlib.sha1(NAMESPACE.bytes, usedforsecurity=False)
# A uuid's variant bits (10) set on the first hex digit of its fourth group.
_VARIANT = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}
_encode_str = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) does to a str


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _index(queryset) -> dict[str, Any]:
    """Find a record by its slug or its name, ignoring case and spacing."""
    out: dict[str, Any] = {}
    for obj in queryset:
        out.setdefault(_key(obj.name), obj)
        out[_key(obj.slug)] = obj
    return out
