"""The privacy register (security reference P2): every stored field is classed, with its purpose
and retention, and the committed docs/privacy-register.md says what the code says.

When a test here fails because you added a field: class it in the `privacy.py` of the field's
app (pii, sensitive or public, see liaison/core/privacy.py), then regenerate the document with

    .venv/bin/python manage.py privacy_register > docs/privacy-register.md
"""

from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from liaison.core import privacy

REGENERATE = "Regenerate it: .venv/bin/python manage.py privacy_register > docs/privacy-register.md"


def liaison_models():
    return [m for m in apps.get_models() if m.__module__.startswith("liaison.") and not m._meta.proxy]


def stored_field_names(model):
    """Walked here, not taken from the register's own helper: every concrete field (ids and
    foreign keys included) and every many-to-many, but no reverse relation."""
    return [
        f.name
        for f in model._meta.get_fields()
        if (f.concrete or f.many_to_many) and not (f.is_relation and f.auto_created)
    ]


def test_every_field_of_every_liaison_model_is_in_the_register():
    register = privacy.entries()
    missing = [
        f"{model._meta.label}.{name}"
        for model in liaison_models()
        for name in stored_field_names(model)
        if name not in register.get(model._meta.label, {})
    ]
    assert missing == [], (
        "These fields are in no app's privacy.py (class them pii, sensitive or public, with purpose and "
        f"retention): {', '.join(missing)}"
    )


def test_the_walk_covers_ids_foreign_keys_and_many_to_many_fields():
    ticket = apps.get_model("tickets.Ticket")
    names = stored_field_names(ticket)
    assert {"id", "assignee", "interaction", "followers", "patron_email"} <= set(names)
    assert "events" not in names  # a reverse relation is the other model's field


def test_the_register_names_no_model_or_field_that_is_gone():
    stale = []
    for label, fields in privacy.entries().items():
        try:
            model = apps.get_model(label)
        except LookupError:
            stale.append(label)
            continue
        assert model._meta.label == label, f"{label} is spelt {model._meta.label}"
        stale += [f"{label}.{name}" for name in fields if name not in stored_field_names(model)]
    assert stale == [], f"The privacy register names what no longer exists: {', '.join(stale)}"


def test_every_personal_field_says_why_and_for_how_long():
    vague = [
        f"{entry.model}.{entry.field}"
        for fields in privacy.entries().values()
        for entry in fields.values()
        if entry.privacy_class in (privacy.PII, privacy.SENSITIVE)
        and not (entry.purpose.strip() and entry.retention.strip())
    ]
    assert vague == []


def test_patron_contact_details_are_personal_and_purged_with_the_retention_setting():
    ticket = privacy.entries()["tickets.Ticket"]
    for name in ("patron_name", "patron_email", "patron_phone"):
        assert ticket[name].privacy_class == privacy.PII
        assert "LIAISON_CONTACT_RETENTION_DAYS" in ticket[name].retention
    assert ticket["state"].privacy_class == privacy.PUBLIC


def test_the_register_is_complete():
    assert privacy.problems() == []


def new_problems(before):
    return [p for p in privacy.problems() if p not in before]


def test_a_field_left_out_of_the_register_is_reported(monkeypatch):
    before = privacy.problems()
    ticket = dict(privacy.entries()["tickets.Ticket"])
    del ticket["patron_email"]
    monkeypatch.setitem(privacy._register, "tickets.Ticket", ticket)
    assert new_problems(before) == ["tickets.Ticket.patron_email is not in the privacy register."]
    with pytest.raises(CommandError, match="patron_email"):
        call_command("privacy_register", stdout=StringIO())


def test_an_entry_for_a_gone_field_or_model_is_reported(monkeypatch):
    before = privacy.problems()
    reply = privacy.entries()["tickets.Reply"]
    mood = privacy.Entry("tickets.Reply", "mood", privacy.PUBLIC, "How it was said.", "With the ticket.")
    monkeypatch.setitem(privacy._register, "tickets.Reply", {**reply, "mood": mood})
    monkeypatch.setitem(privacy._register, "tickets.Gone", {})
    assert new_problems(before) == [
        "tickets.Reply.mood is in the privacy register but tickets.Reply has no such field.",
        "tickets.Gone is in the privacy register but is no model.",
    ]


def test_a_model_left_out_is_reported_once_with_where_to_declare_it(monkeypatch):
    before = privacy.problems()
    monkeypatch.delitem(privacy._register, "tickets.Reply")
    assert new_problems(before) == [
        "tickets.Reply is not in the privacy register: declare it in liaison.tickets.privacy."
    ]


def test_a_field_classed_twice_or_a_personal_field_without_a_reason_is_refused():
    privacy.discover()
    with pytest.raises(ImproperlyConfigured, match="classed twice"):
        privacy.register("tests.Twice", purpose="p", retention="r", pii={"email": "Replies."}, public=("email",))
    with pytest.raises(ImproperlyConfigured, match="say why"):
        privacy.register("tests.Silent", purpose="p", retention="r", pii={"email": ""})
    with pytest.raises(ImproperlyConfigured, match="twice"):
        privacy.register("tickets.Ticket", purpose="p", retention="r")
    assert "tests.Twice" not in privacy.entries()


def test_a_field_can_keep_its_own_retention():
    privacy.discover()
    entry = privacy.entries()["imports.ImportRun"]["stored_file"]
    assert "IMPORT_KEEP_HOURS" in entry.retention
    assert "IMPORT_KEEP_HOURS" not in privacy.entries()["imports.ImportRun"]["report"].retention


def test_the_command_prints_a_row_per_personal_field_and_one_for_a_models_public_fields():
    out = StringIO()
    call_command("privacy_register", stdout=out)
    text = out.getvalue()
    assert "| model | field | class | purpose | retention |" in text
    assert "| tickets.Ticket | `patron_email` | pii | Where replies and status links go;" in text
    assert "| tickets.Reply | `id`, `ticket`, `is_internal`, `created_at` | public |" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| model ")]
    personal = [e for fields in privacy.entries().values() for e in fields.values() if e.privacy_class != "public"]
    assert len(rows) == len(personal) + len(privacy.entries())


def test_the_committed_register_document_is_up_to_date():
    out = StringIO()
    call_command("privacy_register", stdout=out)
    committed = (settings.BASE_DIR / "docs" / "privacy-register.md").read_text(encoding="utf-8")
    assert out.getvalue() == committed, f"docs/privacy-register.md is out of date. {REGENERATE}"
