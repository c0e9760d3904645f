"""What the pilots app stores, why, and for how long (the privacy register, core/privacy.py).

Respondents are anonymous: a response keeps the audience, the day, the channel and the form
version, never a person, an address, a browser or a time of day. Free text is the exception
that may identify someone (people write their names, or describe themselves), so it is
personal data, readable only by the pilot's two sides, and purged after the pilot closes."""

from liaison.core import privacy
from liaison.core.privacy import why

PILOT_RECORD = "Kept with the pilot: no automatic purge (an administrator may delete a pilot in Setup)."
FREE_TEXT = (
    "Blanked PILOTS_FREE_TEXT_DAYS (default 180) days after the pilot closes by the daily "
    "pilots.tasks.purge_pilot_free_text (04:12) or `manage.py purge_pilot_free_text`; its theme and every count stay."
)

privacy.register(
    "pilots.Pilot",
    purpose="A pilot the library hosts for IT: what, why, where, when, and the library's recommendation.",
    retention=PILOT_RECORD,
    pii={
        "it_owner": "The IT owner, shown to staff.",
        "library_owner": "The library owner, shown to staff.",
        "created_by": "Who proposed it, shown to staff.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "title",
        "kind",
        "summary",
        "reason",
        "learning_goals",
        "proposed_by",
        "it_department",
        "library_department",
        "rooms",
        "service_points",
        "assets",
        "devices",
        "desk_tag",
        "starts_on",
        "ends_on",
        "state",
        "recommendation",
        "agreed_at",
        "started_at",
        "reporting_at",
        "closed_at",
        "report_delivered_on",
    ),
)

privacy.register(
    "pilots.PilotEvent",
    purpose="The pilot's history on its page: who moved it on, and when.",
    retention=PILOT_RECORD,
    pii={"actor": "The member of staff who took the step."},
    public=("id", "pilot", "kind", "at", "from_state", "to_state"),
)

privacy.register(
    "pilots.HostingCost",
    purpose="What hosting the pilot cost the library (staff hours, space, signage); counted in the partnership ledger.",
    retention=PILOT_RECORD,
    pii={
        "recorded_by": "The member of staff who recorded it.",
        "note": "A staff note, which could name a colleague.",
    },
    public=("id", "pilot", "kind", "occurred_on", "hours", "amount", "created_at"),
)

privacy.register(
    "pilots.FeedbackForm",
    purpose="A feedback form respondents reach by short link or QR code.",
    retention=PILOT_RECORD,
    public=(
        "id",
        "created_at",
        "updated_at",
        "pilot",
        "title",
        "intro",
        "code",
        "is_open",
        "current_version",
        "quota_student",
        "quota_faculty",
        "quota_staff",
    ),
)

privacy.register(
    "pilots.FormVersion",
    purpose="A version of a form's questions, so answers stay readable as they were given.",
    retention=PILOT_RECORD,
    pii={"created_by": "Who made this version, for the form's history."},
    public=("id", "form", "number", "created_at"),
)

privacy.register(
    "pilots.Question",
    purpose="A question of one form version.",
    retention=PILOT_RECORD,
    public=("id", "version", "key", "order", "kind", "text", "help_text", "choices", "scale_max", "required"),
)

privacy.register(
    "pilots.Response",
    purpose="One anonymous respondent's answers: the audience, the day and how it came in, with no person, "
    "address, browser or time of day.",
    retention=PILOT_RECORD,
    pii={
        "recorded_by": why(
            "For answers typed in at the desk: the member of staff who typed them (never the respondent).",
            retention=PILOT_RECORD,
        )
    },
    public=("id", "form", "version", "audience", "channel", "submitted_on"),
)

privacy.register(
    "pilots.Answer",
    purpose="One answer to one question.",
    retention=PILOT_RECORD,
    pii={
        "text": why(
            "Free text (and a task's comment): anonymous, but it may name or describe the person who wrote it. "
            "Read only by the pilot's two sides; the report shows themes and counts, never the text.",
            retention=FREE_TEXT,
        )
    },
    public=("id", "response", "question", "number", "choice", "theme"),
)

privacy.register(
    "pilots.Theme",
    purpose="A theme staff group free-text answers under, counted in the report.",
    retention=PILOT_RECORD,
    public=("id", "pilot", "name"),
)

privacy.register(
    "pilots.Participation",
    purpose="Stops a second response from the same participation token (ballot-stuffing, a double tap).",
    retention=PILOT_RECORD,
    sensitive={
        "token_hash": "SHA-256 of the random token in the respondent's cookie for this form: no time, no link to "
        "the response, so it cannot tie an answer to a browser."
    },
    public=("id", "form"),
)
