"""Every machine-readable error code the partnership app raises (through core.errors.reject)."""

CODES: dict[str, str] = {
    # The ledger
    "partnership.department_required": "Choose a department (giver or receiver).",
    "partnership.same_department": "The giver and the receiver are the same department.",
    "partnership.kind_unknown": "The kind is not one a person may type (committee service, shared event, training session, other).",
    "partnership.direction_unknown": "The direction is neither a request nor a contribution.",
    "partnership.count_invalid": "The count is not a whole number, or below 1.",
    "partnership.count_absurd": "The count is larger than anything one entry can hold; split it or check it.",
    "partnership.hours_invalid": "The hours are not a number, or below 0.",
    "partnership.hours_absurd": "The hours are more than one entry can honestly hold.",
    "partnership.date_invalid": "The date is missing, in the future, or before the ledger begins.",
    "partnership.text_required": "A required text field is empty.",
    "partnership.text_too_long": "A text field is longer than it may be.",
    "partnership.already_corrected": "The entry was already corrected; correct the correction instead.",
    "partnership.correct_live_derived": "A derived entry whose source still exists is corrected by fixing the source.",
    "partnership.window_invalid": "The derivation window's end is not after its start.",
    "partnership.feed_unknown": "No feed with that key is registered.",
    # Goals, needs, offers and matches
    "partnership.year_invalid": "The year is not a sensible calendar year.",
    "partnership.need_not_open": "The need is met or withdrawn; offers and matches need an open need.",
    "partnership.offer_not_pending": "The offer was already accepted or declined.",
    "partnership.match_not_agreed": "The match is already delivered or cancelled.",
    "partnership.status_invalid": "The status is not one this object can move to.",
    # The survey
    "partnership.period_invalid": "The round's period does not end after it starts.",
    "partnership.round_not_open": "The round is not open for answers.",
    "partnership.round_transition": "The round cannot move to that state from where it is.",
    "partnership.already_answered": "You already answered this round.",
    "partnership.anonymous_not_allowed": "This round does not take anonymous answers.",
    "partnership.answer_required": "Answer at least one question.",
    "partnership.question_unknown": "The answer names a question that is not in this round.",
    # Rollouts
    "partnership.kind_invalid": "The kind is not one of the listed kinds.",
    "partnership.dates_invalid": "The end date is before the start date.",
    # Resource requests
    "partnership.request_not_open": "The request is already fulfilled or declined.",
    "partnership.note_required": "Say why: fulfilling or declining needs a note for the requester.",
    # Skills
    "partnership.skill_exists": "You already list a skill with that title.",
    "partnership.skill_inactive": "The skill is no longer offered.",
    "partnership.attendees_invalid": "Attendees must be a whole number from 1 to 500.",
}
