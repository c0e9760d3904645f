"""Every write to a pilot, by topic. Each service is keyword-only, typed and atomic; it takes
the `actor` and asks `policy.py` itself (PermissionDenied), validates with
`reject(field, message, code=...)` (codes in `errors.py`), writes history through `events.py`,
and returns what it wrote.

| module | services |
|---|---|
| `pilots.py` | pilot_propose, pilot_update, pilot_transition (TRANSITIONS, allowed_steps), pilot_write_recommendation, hosting_cost_record |
| `forms.py` | feedback_form_create, feedback_form_update (versions), parse_question_lines, question_lines |
| `collection.py` | response_submit (public, one per participation token), response_record_at_desk, submission_allowed (rate limit), collecting |
| `themes.py` | answer_set_theme, free_text_purge_expired (a system job) |
"""

from liaison.pilots.services.collection import (
    Submitted,
    collecting,
    response_record_at_desk,
    response_submit,
    submission_allowed,
)
from liaison.pilots.services.forms import (
    TASK_OUTCOMES,
    YES_NO,
    QuestionSpec,
    feedback_form_create,
    feedback_form_update,
    parse_question_lines,
    question_lines,
)
from liaison.pilots.services.pilots import (
    TRANSITIONS,
    allowed_steps,
    clean_devices,
    hosting_cost_record,
    pilot_propose,
    pilot_transition,
    pilot_update,
    pilot_write_recommendation,
)
from liaison.pilots.services.themes import answer_set_theme, free_text_days, free_text_purge_expired

__all__ = [
    "TASK_OUTCOMES",
    "TRANSITIONS",
    "YES_NO",
    "QuestionSpec",
    "Submitted",
    "allowed_steps",
    "answer_set_theme",
    "clean_devices",
    "collecting",
    "feedback_form_create",
    "feedback_form_update",
    "free_text_days",
    "free_text_purge_expired",
    "hosting_cost_record",
    "parse_question_lines",
    "pilot_propose",
    "pilot_transition",
    "pilot_update",
    "pilot_write_recommendation",
    "question_lines",
    "response_record_at_desk",
    "response_submit",
    "submission_allowed",
]
