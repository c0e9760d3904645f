import pytest

from liaison.core.roles import Role
from liaison.directory.selectors import directory_search
from liaison.directory.services import entry_retire
from liaison.directory.tests.factories import editor, make_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(departments):
    lib = departments["library"]
    return {
        "registrar": make_entry(
            department=lib,
            name="Registrar",
            handles="transcripts, enrollment verification, grades",
            description="Official academic records.",
        ),
        "chat": make_entry(
            department=lib,
            name="Ask Us Chat",
            handles="chat, instant messages",
            description="We can e-mail you the chat transcript afterwards.",
        ),
        "writing": make_entry(department=lib, name="Writing Center", handles="essay feedback, citations"),
        "helpdesk": make_entry(
            department=departments["it"], name="IT Help Desk", handles="password reset, Wi-Fi, e-mail, MFA"
        ),
        "print": make_entry(department=departments["it"], name="Print Shop", handles="poster printing, binding"),
        "card": make_entry(department=lib, name="Campus Card Office", handles="lost ID card, door access"),
    }


def names(results):
    return [entry.name for entry in results]


def test_a_search_for_transcript_finds_the_registrar_first(directory):
    results = directory_search("transcript")
    assert names(results)[:2] == ["Registrar", "Ask Us Chat"]
    assert results[0].matched_handles == ["transcripts"]


def test_a_question_in_plain_words_finds_the_same_office(directory):
    assert names(directory_search("Who handles transcripts?"))[0] == "Registrar"


def test_a_half_typed_word_already_matches(directory):
    assert names(directory_search("transc"))[0] == "Registrar"
    assert names(directory_search("pass"))[0] == "IT Help Desk"


def test_plurals_and_verb_forms_match_each_other(directory):
    assert names(directory_search("printers"))[0] == "Print Shop"
    assert names(directory_search("lost ID cards"))[0] == "Campus Card Office"


def test_hyphens_do_not_matter(directory):
    assert names(directory_search("wifi"))[0] == "IT Help Desk"
    assert names(directory_search("email"))[0] == "IT Help Desk"


def test_short_words_match_whole_words_only(directory):
    """'it' must not find every entry containing the letters i-t ('Writing', 'Citations')."""
    assert names(directory_search("it")) == ["IT Help Desk"]


def test_entries_matching_every_word_rank_above_those_matching_some(directory):
    results = directory_search("lost card door")
    assert names(results)[0] == "Campus Card Office"


def test_retired_entries_are_not_offered(directory):
    entry_retire(actor=editor(), entry=directory["registrar"])
    assert "Registrar" not in names(directory_search("transcript"))


def test_nothing_typed_or_nothing_matching_gives_no_results(directory):
    assert directory_search("") == []
    assert directory_search("the of and") == []
    assert directory_search("zeppelin") == []


def test_the_limit_is_respected(directory, departments):
    for n in range(12):
        make_entry(department=departments["it"], name=f"Lab {n}", handles="lab computers")
    assert len(directory_search("lab", limit=5)) == 5
    assert len(directory_search("lab")) == 8


def test_the_desk_fragment_offers_radio_choices_best_first(client_as, directory):
    client = client_as(Role.STUDENT_WORKER)
    response = client.get("/directory/search/", {"q": "transcript", "name": "referral"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="referral" value="{directory["registrar"].pk}"' in html
    assert html.index("Registrar") < html.index("Ask Us Chat")
    assert 'data-entry-name="Registrar"' in html
    assert "<html" not in html  # a fragment, not a page


def test_the_desk_fragment_says_when_nothing_matches_and_escapes_the_query(client_as, directory):
    response = client_as(Role.STUDENT_WORKER).get("/directory/search/", {"q": "<b>zeppelin</b>"})
    html = response.content.decode()
    assert "Nothing in the directory handles" in html
    assert "<b>zeppelin</b>" not in html


def test_the_desk_fragment_refuses_an_odd_input_name(client_as, directory):
    response = client_as(Role.STUDENT_WORKER).get("/directory/search/", {"q": "transcript", "name": 'x" onclick="'})
    assert 'name="referred_to"' in response.content.decode()


def test_the_search_api_ranks_entries_for_desk_roles(client_as, directory):
    response = client_as(Role.STUDENT_WORKER).get("/api/v1/directory/search", {"q": "transcripts"})
    assert response.status_code == 200
    body = response.json()
    assert body[0]["name"] == "Registrar"
    assert body[0]["matched_handles"] == ["transcripts"]
    assert body[0]["score"] > body[1]["score"]


def test_the_search_api_needs_a_sign_in(client, directory):
    assert client.get("/api/v1/directory/search", {"q": "transcripts"}).status_code == 401


def test_the_list_page_search_ranks_and_updates_as_a_fragment(client_as, directory):
    client = client_as(Role.LIBRARY_STAFF)
    full = client.get("/directory/", {"q": "transcript"})
    assert full.status_code == 200
    assert "<html" in full.content.decode()
    assert [e.name for e in full.context["page"].object_list][:2] == ["Registrar", "Ask Us Chat"]
    fragment = client.get(
        "/directory/", {"q": "transcript"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="directory-results"
    )
    html = fragment.content.decode()
    assert "<html" not in html and 'id="directory-results"' in html
    assert "Registrar" in html and "Writing Center" not in html
