"""Error codes: every refusal names a stable code, and errors.py lists every one."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from liaison.core.roles import Role
from liaison.imports import services
from liaison.imports.errors import CODES
from liaison.imports.mapping import Mapping
from liaison.imports.tests.conftest import fixture_bytes

pytestmark = pytest.mark.django_db


def codes_of(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in problems] for field, problems in exc.error_dict.items()}


def test_every_code_the_app_raises_is_listed_in_errors_py():
    app = Path(__file__).resolve().parents[1]
    sources = [p for p in app.rglob("*.py") if "tests" not in p.parts and p.name != "errors.py"]
    raised = {code for p in sources for code in re.findall(r'"(imports\.[a-z_]+)"', p.read_text())}
    assert raised and raised <= set(CODES), raised - set(CODES)


def test_refusals_carry_their_codes_and_keep_their_words(users, points):
    supervisor = users[Role.SUPERVISOR]
    with pytest.raises(ValidationError) as caught:
        services.import_run_start(actor=supervisor, importer_key="nope", file_name="a.csv", content=b"a\n1\n")
    assert codes_of(caught.value) == {"importer": ["imports.importer_unknown"]}
    with pytest.raises(ValidationError) as caught:
        services.import_run_start(actor=supervisor, importer_key="desk_interactions", file_name="a.csv", content=b"")
    assert codes_of(caught.value) == {"file": ["imports.file_unreadable"]}

    run = services.import_run_start(
        actor=supervisor,
        importer_key="desk_interactions",
        file_name="spring.csv",
        content=fixture_bytes("desk_log_spring.csv"),
    )
    with pytest.raises(ValidationError) as caught:
        services.import_run_commit(actor=supervisor, run=run)
    assert codes_of(caught.value) == {"mapping": ["imports.not_checked"]}
    assert caught.value.message_dict == {"mapping": ["Check all rows before importing."]}
    with pytest.raises(ValidationError) as caught:
        services.import_run_check(actor=supervisor, run=run, mapping=Mapping(columns={"occurred_at": ["Nope"]}))
    assert set(codes_of(caught.value)["occurred_at"]) == {"imports.mapping_invalid"}
    services.import_run_discard(actor=supervisor, run=run)
    with pytest.raises(ValidationError) as caught:
        services.import_run_discard(actor=supervisor, run=run)
    assert codes_of(caught.value) == {"file": ["imports.run_closed"]}

    with pytest.raises(ValidationError) as caught:
        services.import_mapping_save(actor=supervisor, importer_key="desk_interactions", name="  ", mapping=Mapping())
    assert codes_of(caught.value) == {"name": ["imports.mapping_name_missing"]}
