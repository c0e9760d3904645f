"""What the demand app stores, why, and for how long (the privacy register, core/privacy.py).
Aggregate figures hold no person at all; a calibration rating names the member of staff who
gave it, and a round the supervisor who started it. Nothing here names a patron: a sampled
question is a link to the desk's own row, whose note the desk already classes."""

from liaison.core import privacy

privacy.register(
    "demand.Series",
    purpose="Which measure a run of figures is (visits, headcounts …) and at which place.",
    retention="Kept while its figures are; deleted with them by an administrator. No automatic purge.",
    public=("id", "measure", "place_name", "place_key", "service_point", "room", "created_at"),
)
privacy.register(
    "demand.Observation",
    purpose="A count for one place and period, imported from past records, for demand pages and forecasts.",
    retention="Kept as the site's history for forecasts. No automatic purge.",
    public=("id", "series", "start", "end", "grain", "value", "import_run", "updated_at"),
)
privacy.register(
    "demand.CalibrationRound",
    purpose="One month's READ calibration: its seed and size, so the sample can be drawn again.",
    retention="Kept with its ratings for training comparisons over years. No automatic purge.",
    pii={"created_by": "The supervisor who started it by hand (empty when the monthly task did)."},
    public=("id", "month", "seed", "sample_size", "created_at"),
)
privacy.register(
    "demand.CalibrationItem",
    purpose="A desk question sampled into a round (a link; its words stay in the desk's row).",
    retention="Kept with its round; deleted if the desk question is deleted.",
    public=("id", "round", "interaction", "position"),
)
privacy.register(
    "demand.CalibrationRating",
    purpose="A member of staff's READ level for a sampled question: reported only in aggregate per desk and level.",
    retention="Kept with its round; deleted with the rater's account.",
    pii={"rater": "Who rated: keeps one rating per person per question and leaves their own questions out."},
    public=("id", "item", "level", "rated_at"),
)
