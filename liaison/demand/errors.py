"""Every machine-readable error code the demand app raises (code → meaning)."""

CODES = {
    "demand.measure_unknown": "The measure is not one Liaison keeps (visits, enquiries, …).",
    "demand.period_invalid": "The period is not a month, day, hour or ISO-8601 interval, or lasts no time or too long.",
    "demand.value_invalid": "The figure is not a number of zero or more.",
    "demand.place_missing": "The row names no place.",
    "demand.round_exists": "A calibration round for that month exists already.",
    "demand.no_questions": "There are no past desk questions to sample for a round.",
    "demand.not_in_round": "The question is not in an open calibration round.",
    "demand.own_question": "Raters do not re-rate questions they logged themselves.",
    "demand.level_invalid": "A READ level is a whole number from 1 to 6.",
    "demand.already_rated": "This rater has rated this question in this round already.",
}
