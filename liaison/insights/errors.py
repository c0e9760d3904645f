"""Every machine-readable error code insights raises (code → meaning)."""

CODES: dict[str, str] = {
    "insights.period_unknown": "The period is not one of this_term, last_term, this_month, last_month, fiscal_year, "
    "last_fiscal_year, custom.",
    "insights.period_incomplete": "A custom period needs both its first and its last day.",
    "insights.period_backwards": "The last day is before the first.",
    "insights.period_too_long": "The period is longer than the most a dashboard answers (40 years).",
    "insights.date_invalid": "A date is not YYYY-MM-DD.",
    "insights.date_out_of_range": "A date is before 1900.",
    "insights.dashboard_unknown": "No dashboard by this name.",
    "insights.chart_unknown": "The dashboard has no chart by this name.",
    "insights.format_unknown": "The format is not csv, xlsx, pdf or png.",
    "insights.name_required": "A scheduled report needs a name.",
    "insights.recipients_required": "A scheduled report needs at least one recipient.",
    "insights.recipient_invalid": "A recipient is not an e-mail address.",
    "insights.too_many_recipients": "A scheduled report goes to at most 50 addresses.",
    "insights.choice_unknown": "The dashboard, period or format is not one offered.",
}
