"""Every machine-readable error code the pilots app raises (code → meaning). The API carries
them as `errors[].code`; clients branch on the code, never on the English message."""

CODES: dict[str, str] = {
    "pilots.title_required": "The pilot has no title.",
    "pilots.summary_required": "The pilot does not say what is being tried.",
    "pilots.too_long": "A text field is over its length.",
    "pilots.kind_invalid": "The kind is not equipment, software, interface or service.",
    "pilots.dates_out_of_order": "The pilot ends before it starts.",
    "pilots.department_invalid": "A side names no department, or the wrong kind (IT side: an IT department; "
    "library side: a library department).",
    "pilots.owner_invalid": "An owner is not a member of that side's department.",
    "pilots.place_unknown": "A room or service point is not one Liaison knows.",
    "pilots.devices_invalid": "The devices are not a list of short names (at most 50, 120 characters each).",
    "pilots.transition_not_allowed": "The pilot is not in a state that allows this step.",
    "pilots.closed": "The pilot is closed: it can no longer be changed.",
    "pilots.recommendation_required": "A report needs the library's recommendation.",
    "pilots.cost_kind_invalid": "The cost kind is not staff hours, space, signage or other.",
    "pilots.cost_figure_required": "A cost needs hours or an amount.",
    "pilots.cost_figure_invalid": "Hours or an amount are not a positive number in range.",
    "pilots.cost_date_invalid": "The cost's date is missing or outside the pilot's dates.",
    "pilots.form_title_required": "The form has no title.",
    "pilots.quota_invalid": "A quota is not a whole number from 1 to 100,000.",
    "pilots.questions_required": "The form has no questions.",
    "pilots.question_invalid": "A question is missing its text, has an unknown kind, a bad scale or bad options.",
    "pilots.not_collecting": "The pilot is not running, or its form is paused: answers are not collected.",
    "pilots.audience_required": "The respondent's audience (student, faculty or staff) is missing or unknown.",
    "pilots.quota_reached": "The form has all the answers it wants from this audience.",
    "pilots.answer_invalid": "An answer is not one the question allows.",
    "pilots.answer_required": "A required question has no answer.",
    "pilots.answer_too_long": "A free-text answer is over 2,000 characters.",
    "pilots.token_invalid": "The participation token is missing or malformed.",
    "pilots.theme_invalid": "The theme name is empty or over 80 characters, or the answer is not free text.",
}
