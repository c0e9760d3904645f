"""Feedback forms: made per pilot, edited into versions. An edit to the questions after the
first answer makes a new version (the old one and its answers stay as they were given);
before any answer, the current version is simply rewritten."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify

from liaison.core.errors import reject
from liaison.pilots import events, policy
from liaison.pilots.models import Audience, FeedbackForm, FormVersion, Pilot, Question
from liaison.pilots.services._common import Problems, require

if TYPE_CHECKING:
    from liaison.accounts.models import User

MAX_QUESTIONS = 30
MAX_CHOICES = 12
MAX_QUOTA = 100_000
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a poster
CODE_LENGTH = 6
TASK_OUTCOMES = [("worked", "It worked"), ("struggled", "It worked, with difficulty"), ("failed", "It did not work")]
YES_NO = [("yes", "Yes"), ("no", "No")]
KIND_WORDS = {k: k for k in Question.Kind.values} | {"yes/no": "yes_no", "yesno": "yes_no", "free": "text"}
LINE = re.compile(r"^\s*(?P<kind>[a-z_/]+)(?:\s*\[(?P<key>[a-z0-9-]+)\])?(?P<req>\*)?\s*:\s*(?P<rest>.+)$", re.I)


@dataclass
class QuestionSpec:
    kind: str
    text: str
    key: str = ""
    help_text: str = ""
    choices: list[str] = field(default_factory=list)
    scale_max: int = 5
    required: bool = False


def parse_question_lines(text: str) -> list[QuestionSpec]:
    """The page's editor: one question per line, `kind[key]*: text | option | option`.

        rating [ease]*: How easy was the copier to use?
        choice: What did you use it for? | Printing | Scanning | Copying
        yes_no: Would you want one in every building?
        task: Try to scan a page to your e-mail. Did it work?
        text: Anything else?

    `*` marks a required question; `[key]` keeps a question matched across versions when its
    wording changes (made from the text otherwise). A rating's scale is `rating/10`."""
    specs: list[QuestionSpec] = []
    problems = Problems()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        match = LINE.match(raw)
        kind_word = (match.group("kind").lower() if match else "").strip()
        scale = 5
        if kind_word.startswith("rating/"):
            kind_word, _, scale_text = kind_word.partition("/")
            scale = int(scale_text) if scale_text.isascii() and scale_text.isdigit() else 0
        kind = KIND_WORDS.get(kind_word, "")
        if not match or not kind:
            problems.add(
                "questions",
                f"Line {number}: start with rating, choice, text, yes_no or task, then a colon and the question.",
                code="pilots.question_invalid",
            )
            continue
        parts = [part.strip() for part in match.group("rest").split("|")]
        specs.append(
            QuestionSpec(
                kind=kind,
                text=parts[0],
                key=(match.group("key") or "").lower(),
                choices=[p for p in parts[1:] if p],
                scale_max=scale,
                required=bool(match.group("req")),
            )
        )
    problems.raise_any()
    return specs


def question_lines(version: FormVersion | None) -> str:
    """A version's questions in the editor's notation (the form's initial text)."""
    if version is None:
        return ""
    lines = []
    for q in version.questions.all():
        kind = f"rating/{q.scale_max}" if q.kind == Question.Kind.RATING and q.scale_max != 5 else q.kind
        tail = "".join(f" | {c}" for c in q.choices) if q.kind == Question.Kind.CHOICE else ""
        lines.append(f"{kind} [{q.key}]{'*' if q.required else ''}: {q.text}{tail}")
    return "\n".join(lines)


def _clean_questions(specs: Sequence[QuestionSpec | Mapping[str, Any]]) -> list[QuestionSpec]:
    problems = Problems()
    cleaned: list[QuestionSpec] = []
    keys: set[str] = set()
    if not specs:
        problems.add("questions", "Ask at least one question.", code="pilots.questions_required")
    if len(specs) > MAX_QUESTIONS:
        problems.add("questions", f"Ask at most {MAX_QUESTIONS} questions.", code="pilots.question_invalid")
    for number, raw in enumerate(specs[:MAX_QUESTIONS], start=1):
        spec = raw if isinstance(raw, QuestionSpec) else QuestionSpec(**dict(raw))
        where = f"Question {number}"
        text = " ".join((spec.text or "").split())
        if spec.kind not in Question.Kind.values:
            problems.add("questions", f"{where}: unknown kind {str(spec.kind)[:20]!r}.", code="pilots.question_invalid")
            continue
        if not text or len(text) > 300:
            problems.add(
                "questions", f"{where}: write the question (at most 300 characters).", code="pilots.question_invalid"
            )
            continue
        choices = [" ".join(str(c).split())[:200] for c in spec.choices if str(c).strip()]
        if spec.kind == Question.Kind.CHOICE and not (2 <= len(choices) <= MAX_CHOICES):
            problems.add(
                "questions",
                f"{where}: a choice needs 2 to {MAX_CHOICES} options, separated by |.",
                code="pilots.question_invalid",
            )
            continue
        if spec.kind == Question.Kind.CHOICE and len(set(choices)) != len(choices):
            problems.add("questions", f"{where}: two options are the same.", code="pilots.question_invalid")
            continue
        if spec.kind == Question.Kind.RATING and not (2 <= int(spec.scale_max or 0) <= 10):
            problems.add("questions", f"{where}: a rating scale runs to 2–10.", code="pilots.question_invalid")
            continue
        key = slugify(spec.key or text)[:40].strip("-") or f"q{number}"
        base, n = key, 2
        while key in keys:
            key, n = f"{base[:36]}-{n}", n + 1
        keys.add(key)
        cleaned.append(
            QuestionSpec(
                kind=spec.kind,
                text=text,
                key=key,
                help_text=" ".join((spec.help_text or "").split())[:300],
                choices=choices if spec.kind == Question.Kind.CHOICE else [],
                scale_max=int(spec.scale_max) if spec.kind == Question.Kind.RATING else 5,
                required=bool(spec.required),
            )
        )
    problems.raise_any()
    return cleaned


def _clean_form(values: Mapping[str, Any]) -> dict[str, Any]:
    problems = Problems()
    out = dict(values)
    if "title" in out:
        out["title"] = " ".join((out["title"] or "").split())
        if not out["title"] or len(out["title"]) > 200:
            problems.add("title", "Give the form a title (at most 200 characters).", code="pilots.form_title_required")
    if "intro" in out:
        out["intro"] = (out["intro"] or "").strip()
        if len(out["intro"]) > 2000:
            problems.add("intro", "Keep the introduction under 2,000 characters.", code="pilots.too_long")
    for audience in Audience.values:
        name = f"quota_{audience}"
        if name in out:
            value = out[name]
            if value in ("", None):
                out[name] = None
            elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUOTA:
                problems.add(
                    name, f"A quota is a whole number from 1 to {MAX_QUOTA:,}, or empty.", code="pilots.quota_invalid"
                )
    problems.raise_any()
    return out


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not FeedbackForm.objects.filter(code=code).exists():
            return code


def _write_questions(version: FormVersion, specs: list[QuestionSpec]) -> None:
    Question.objects.bulk_create(
        Question(
            version=version,
            key=s.key,
            order=i,
            kind=s.kind,
            text=s.text,
            help_text=s.help_text,
            choices=s.choices,
            scale_max=s.scale_max,
            required=s.required,
        )
        for i, s in enumerate(specs)
    )


@transaction.atomic
def feedback_form_create(
    *,
    actor: User,
    pilot: Pilot,
    title: str,
    questions: Sequence[QuestionSpec | Mapping[str, Any]],
    intro: str = "",
    quota_student: int | None = None,
    quota_faculty: int | None = None,
    quota_staff: int | None = None,
) -> FeedbackForm:
    """A form for the pilot, with its first version and a short code for the link and QR."""
    pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    require(policy.can_manage_forms(actor, pilot), "Only staff of the pilot's IT or library side build its forms.")
    if pilot.state in (Pilot.State.REPORTING, Pilot.State.CLOSED):
        raise reject("__all__", "Collection has ended for this pilot: no new forms.", code="pilots.closed")
    values = _clean_form(
        {
            "title": title,
            "intro": intro,
            "quota_student": quota_student,
            "quota_faculty": quota_faculty,
            "quota_staff": quota_staff,
        }
    )
    specs = _clean_questions(list(questions))
    form = FeedbackForm.objects.create(pilot=pilot, code=_new_code(), **values)
    version = FormVersion.objects.create(form=form, number=1, created_by=actor)
    _write_questions(version, specs)
    form.current_version = version
    form.save(update_fields=["current_version"])
    events.form_saved(actor=actor, form=form, created=True, version_number=1)
    return form


@transaction.atomic
def feedback_form_update(
    *,
    actor: User,
    form: FeedbackForm,
    data: Mapping[str, Any],
    questions: Sequence[QuestionSpec | Mapping[str, Any]] | None = None,
) -> FeedbackForm:
    """Change the title, introduction, quotas or open/paused; with `questions`, the questions.
    Answered questions are never rewritten: a new version takes the new ones."""
    form = (
        FeedbackForm.objects.select_for_update(of=("self",)).select_related("pilot", "current_version").get(pk=form.pk)
    )
    require(
        policy.can_manage_forms(actor, form.pilot), "Only staff of the pilot's IT or library side change its forms."
    )
    if form.pilot.state == Pilot.State.CLOSED:
        raise reject("__all__", "This pilot is closed: its forms no longer change.", code="pilots.closed")
    allowed = {"title", "intro", "is_open", "quota_student", "quota_faculty", "quota_staff"}
    values = _clean_form({k: v for k, v in data.items() if k in allowed})
    changed = False
    for name, value in values.items():
        if getattr(form, name) != value:
            setattr(form, name, value)
            changed = True
    version = form.current_version
    number = version.number if version else 0
    if questions is not None:
        specs = _clean_questions(list(questions))
        current = [] if version is None else list(version.questions.all())
        same = [(q.kind, q.key, q.text, q.choices, q.scale_max, q.required, q.help_text) for q in current] == [
            (s.kind, s.key, s.text, s.choices, s.scale_max, s.required, s.help_text) for s in specs
        ]
        if not same:
            changed = True
            if version is not None and not version.responses.exists():
                version.questions.all().delete()
            else:
                number += 1
                version = FormVersion.objects.create(form=form, number=number, created_by=actor)
                form.current_version = version
            _write_questions(version, specs)
    if changed:
        form.save()
        events.form_saved(actor=actor, form=form, created=False, version_number=number)
    return form
