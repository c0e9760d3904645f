"""Every machine-readable error code the referral directory raises (code → meaning). The API
carries them as `errors[].code`; clients branch on the code, never on the English message."""

CODES: dict[str, str] = {
    "directory.name_required": "The entry has no name.",
    "directory.name_too_long": "The name is over 160 characters.",
    "directory.kind_invalid": "The kind is not office, service or person.",
    "directory.handles_required": "The entry lists nothing it handles, so search could not find it.",
    "directory.email_invalid": "The e-mail address is not valid.",
    "directory.url_invalid": "The web address is not a full http:// or https:// address.",
    "directory.phone_invalid": "The phone number has characters other than digits, spaces, + ( ) - . and 'ext'.",
    "directory.location_too_long": "The location is over 200 characters.",
    "directory.hours_too_long": "The hours are over 200 characters.",
    "directory.department_required": "No department keeps the entry.",
    "directory.department_unknown": "No department has this code (API).",
    "directory.building_invalid": "The building is not one from the list.",
    "directory.building_unknown": "No building has this code (API).",
    "directory.owner_inactive": "The owner is not an active person.",
    "directory.owner_unknown": "No active person has this user name (API).",
    "directory.is_active_invalid": "is_active is not true or false.",
    "directory.review_by_invalid": "The review-by date is not a date.",
    "directory.review_by_past": "A new review-by date is in the past.",
    "directory.review_by_too_far": "The review-by date is more than two years out.",
    "directory.next_review_not_future": "Marking reviewed: the next review date is not after today.",
    "directory.next_review_too_far": "Marking reviewed: the next review date is more than two years out.",
    "directory.slug_taken": "Another entry already uses this short name.",
}
