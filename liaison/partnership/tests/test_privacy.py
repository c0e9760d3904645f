"""The partnership's entries in the privacy register (privacy.py): what identifies people is
classed so, and the survey's participation row cannot tie anyone to an anonymous answer."""

from __future__ import annotations

from liaison.core import privacy
from liaison.partnership.models import SurveyParticipation, SurveyResponse


def test_who_did_what_and_what_they_wrote_to_each_other_is_personal():
    register = privacy.entries()
    personal = {
        "partnership.SurveyResponse": ["respondent"],
        "partnership.SurveyAnswer": ["body"],
        "partnership.SurveyParticipation": ["person"],
        "partnership.ResourceRequest": ["requester", "title", "details", "outcome_note"],
        "partnership.Offer": ["offered_by", "response_note"],
        "partnership.Rollout": ["consulted_with"],
        "partnership.LedgerEntry": ["created_by", "note"],
        "partnership.Skill": ["person"],
    }
    for model, fields in personal.items():
        for name in fields:
            assert register[model][name].privacy_class == privacy.PII, f"{model}.{name}"


def test_a_calendar_link_is_a_secret_kept_only_as_its_hash():
    entry = privacy.entries()["partnership.CalendarFeedToken"]
    assert entry["token_hash"].privacy_class == privacy.SENSITIVE
    assert "never stored" in entry["token_hash"].purpose


def test_the_participation_row_holds_no_time_and_no_link_to_the_response():
    assert privacy.stored_fields(SurveyParticipation) == ["id", "round", "person"]
    # An anonymous response keeps only its round and its day (and a random id).
    assert privacy.stored_fields(SurveyResponse) == [
        "id",
        "round",
        "is_anonymous",
        "respondent",
        "department",
        "submitted_on",
    ]
