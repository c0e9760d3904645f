"""What the partnership stores, why, and for how long (the privacy register, core/privacy.py).

The partnership is between two departments, so most of what it keeps is about departments:
their asks and gives, goals, needs, rollouts. What is personal is who did what (the people
who typed, offered, answered, taught, asked), the notes people write to or about each
other, what a person asked the library for, and the survey's answers.

Text a department writes for the other to read about its own work (a goal, a need, an offer
of help, a rollout and its expected effect, a skill's title, a survey question) is public.
Notes exchanged about one piece of work, addressed to or about a person (answers to offers,
outcome notes to a requester, session notes, typed ledger notes, survey answers, who was
consulted), are pii: free text that may name people.

Nothing in the partnership is purged on a schedule. The ledger, goals, needs, offers,
matches, resource requests and skills sessions have no delete in any service or Setup page;
survey rounds, rollouts and skills can be deleted by an administrator in Setup. A link to a
person (`created_by`, `offered_by` …) is emptied when their account is deleted, except where
said otherwise below.
"""

from liaison.core import privacy

KEPT_FOR_EVER = (
    "Kept for ever: no service deletes it and Setup does not offer it. A link to a person is emptied if their "
    "account is deleted. No automatic purge."
)
WITH_THE_ROUND = (
    "Kept with its survey round: an administrator may delete the round in Setup, which deletes its questions, "
    "responses, answers and participation rows. No automatic purge."
)
UNTIL_SETUP_DELETES_IT = (
    "Kept until an administrator deletes it in Setup. A link to a person is emptied if their account is deleted. "
    "No automatic purge."
)

# --- The ledger --------------------------------------------------------------------------------------

privacy.register(
    "partnership.LedgerEntry",
    purpose="One thing one department asked of the other or gave it, derived from the work by a domain's feed "
    "or typed by staff; the balance and the partnership page are sums of these.",
    retention=KEPT_FOR_EVER + " A derived entry whose source is gone is marked orphaned, never deleted; a typed "
    "entry is replaced by a correction (a new entry), never edited.",
    pii={
        "created_by": "The member of staff who typed the entry or its correction (empty for derived entries).",
        "label": "What it was. Derived entries name the record without copying its private text (no ticket "
        "subject, request title or note); a typed entry's label is free text staff wrote, which may name a person.",
        "note": "Free text staff typed with an entry or a correction (why it is corrected): may name people.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "origin",
        "feed_key",
        "source_key",
        "kind",
        "direction",
        "giver",
        "receiver",
        "occurred_on",
        "count",
        "hours",
        "source_url",
        "corrects",
        "derived_at",
        "orphaned_at",
    ),
)

privacy.register(
    "partnership.LedgerFeedState",
    purpose="What the derivation job last did for each domain's feed: when, over which window, the counts, the "
    "last error (an exception's type and message, no rows).",
    retention="One row per feed key, rewritten by every run. No automatic purge.",
    public=(
        "id",
        "feed_key",
        "last_run_at",
        "window_start",
        "window_end",
        "created",
        "updated",
        "unchanged",
        "orphaned",
        "skipped",
        "last_error",
    ),
)

# --- Goals, needs, offers, matches ---------------------------------------------------------------------

privacy.register(
    "partnership.Goal",
    purpose="What a department is trying to do in a year, written by its supervisors for the other department.",
    retention=KEPT_FOR_EVER,
    pii={"created_by": "The supervisor who posted it."},
    public=("id", "created_at", "updated_at", "department", "year", "title", "description", "status"),
)

privacy.register(
    "partnership.Need",
    purpose="What a department needs from the other, written by its supervisors so the other can offer help.",
    retention=KEPT_FOR_EVER,
    pii={"created_by": "The supervisor who posted it; they may change it and answer its offers."},
    public=("id", "created_at", "updated_at", "department", "goal", "title", "description", "needed_by", "status"),
)

privacy.register(
    "partnership.Offer",
    purpose="Help one department offers against the other's need, and the answer.",
    retention=KEPT_FOR_EVER,
    pii={
        "offered_by": "Who offered: shown on the need by user name, and they may record the delivery.",
        "responded_by": "The supervisor who accepted or declined it.",
        "response_note": "The answer's note, written to the person who offered: may name people.",
    },
    public=("id", "created_at", "updated_at", "need", "department", "description", "status", "responded_at"),
)

privacy.register(
    "partnership.Match",
    purpose="An accepted offer: agreed, then delivered (counted in the ledger) or cancelled.",
    retention=KEPT_FOR_EVER,
    pii={
        "delivered_by": "Who recorded the delivery.",
        "delivery_note": "A note on the delivery or the cancellation, written by one side to the other: may name "
        "people.",
    },
    public=("id", "created_at", "updated_at", "offer", "need", "status", "delivered_on", "hours"),
)

# --- The partnership survey -----------------------------------------------------------------------------

privacy.register(
    "partnership.SurveyRound",
    purpose="One round of the partnership survey (per term or meeting): its period, whether it takes anonymous "
    "answers, when it opened and closed.",
    retention=WITH_THE_ROUND,
    pii={"created_by": "The supervisor who set it up."},
    public=(
        "id",
        "created_at",
        "updated_at",
        "title",
        "period_start",
        "period_end",
        "status",
        "allows_anonymous",
        "opened_at",
        "closed_at",
    ),
)

privacy.register(
    "partnership.SurveyQuestion",
    purpose="A question of a round (IT's three, and any a supervisor adds), matched across rounds by its key.",
    retention=WITH_THE_ROUND,
    public=("id", "round", "key", "order", "text", "evidence"),
)

privacy.register(
    "partnership.SurveyResponse",
    purpose="One person's answers to a round. A named response says who answered and their department; an "
    "anonymous one keeps neither (a database constraint), only the day, and its id is random so neither id nor "
    "order ties it to the participation row.",
    retention=WITH_THE_ROUND,
    pii={
        "respondent": "Who answered, for a named response (shown beside the answers to staff); always empty for an "
        "anonymous one.",
    },
    public=("id", "round", "is_anonymous", "department", "submitted_on"),
)

privacy.register(
    "partnership.SurveyAnswer",
    purpose="The answer to one question of one response; the results show it to staff (with the name only for a "
    "named response; the API never names anyone).",
    retention=WITH_THE_ROUND,
    pii={
        "body": "The answer: free text about the other department that may name people, or identify its writer "
        "by what it says even when the response is anonymous.",
    },
    public=("id", "response", "question"),
)

privacy.register(
    "partnership.SurveyParticipation",
    purpose="That a person answered a round, named or anonymously, so they cannot answer twice. It has no time "
    "and no link to the response, so it cannot tie anyone to an anonymous answer.",
    retention=WITH_THE_ROUND + " Deleted with the person's account.",
    pii={"person": "Who answered the round (not what, and not which response)."},
    public=("id", "round"),
)

# --- IT's rollout calendar ----------------------------------------------------------------------------------

privacy.register(
    "partnership.Rollout",
    purpose="A planned IT change, its expected effect on the library's spaces and services, and the library's "
    "consultation; shown to everyone at a desk and in the calendar feed.",
    retention=UNTIL_SETUP_DELETES_IT,
    pii={
        "created_by": "The member of IT staff who planned it.",
        "consultation_recorded_by": "The member of library staff who recorded the consultation.",
        "consulted_with": "Whom IT consulted in the library: usually people's names or posts.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "title",
        "kind",
        "description",
        "department",
        "starts_on",
        "ends_on",
        "effect_on_library",
        "affected_services",
        "status",
        "consulted_on",
        "library_response",
        "flagged_at",
    ),
)

privacy.register(
    "partnership.CalendarFeedToken",
    purpose="A person's secret link to the rollout calendar (iCalendar), for a calendar app that cannot sign in. "
    "The link is shown once; only its hash is kept.",
    retention="One per person: making a new link replaces it (the old link stops working). Deleted with the "
    "account; a deactivated account's link stops working but the row stays. No automatic purge.",
    pii={"user": "Whose link it is: the feed answers only while this person is active and may see rollouts."},
    sensitive={
        "token_hash": "SHA-256 of the link's secret: the link itself is never stored, and whoever holds it reads "
        "the calendar.",
    },
    public=("id", "created_at"),
)

# --- Requests for library resources ----------------------------------------------------------------------------

privacy.register(
    "partnership.ResourceRequest",
    purpose="Staff of another department asking the library for a book, database, article or training material, "
    "and how the library handled it.",
    retention=KEPT_FOR_EVER,
    pii={
        "requester": "Who asked: they and their department see the request and its outcome.",
        "title": "What was asked for: with the requester, a record of what a person reads, which libraries keep "
        "confidential (the ledger's label leaves it out).",
        "details": "Free text about what is needed and why: may say who it is for.",
        "triage_note": "The library's note on taking it on, to the requester.",
        "outcome_note": "How it was fulfilled or why it was declined, to the requester.",
        "handled_by": "The member of library staff who took it on or closed it.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "department",
        "kind",
        "needed_by",
        "status",
        "handling_department",
        "hours",
        "triaged_at",
        "closed_at",
    ),
)

# --- Skills exchange --------------------------------------------------------------------------------------------

privacy.register(
    "partnership.Skill",
    purpose="Something a person can teach, listed by them for everyone at a desk to find.",
    retention="Kept until its person's account is deleted (which deletes it) or an administrator deletes it in "
    "Setup; a skill with recorded sessions cannot be deleted either way (the sessions protect it), so deactivate "
    "the account instead. No longer offered (is_active) keeps every field. No automatic purge.",
    pii={
        "person": "Who teaches it: shown with the skill.",
        "description": "What the person wrote about what they teach, often about themselves.",
    },
    public=("id", "created_at", "updated_at", "title", "level", "is_active"),
)

privacy.register(
    "partnership.SkillSession",
    purpose="A session given: the teacher's and the attendees' departments, the day, the hours and how many came "
    "(a session for the other department counts in the ledger).",
    retention="Kept for ever: no service or Setup page deletes one, and it keeps its skill from being deleted. "
    "taught_by and recorded_by are emptied if that account is deleted. No automatic purge.",
    pii={
        "taught_by": "Who taught it (the skill's person).",
        "recorded_by": "Who recorded it: the teacher or a supervisor.",
        "note": "A note on the session, typed by staff: may name attendees.",
    },
    public=(
        "id",
        "skill",
        "teacher_department",
        "attendee_department",
        "held_on",
        "hours",
        "attendees",
        "created_at",
    ),
)
