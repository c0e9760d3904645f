"""What the student-worker pool stores, why, and for how long (the privacy register,
core/privacy.py). Workers' availability, training and hours are personal: the worker and the
supervisors see them; notes on workers are for supervisors only."""

from liaison.core import privacy

NO_PURGE = "No automatic purge: kept until an administrator deletes it in Setup."
WITH_WORKER = (
    "Kept while the worker is in the pool; deleted with the worker's pool record (an administrator removes it "
    "in Setup). No automatic purge."
)
WITH_TERM = "Kept with its term; deleting the term in Setup deletes it. No automatic purge."

privacy.register(
    "staffing.Skill",
    purpose="What a position needs and training gives.",
    retention=NO_PURGE,
    public=("id", "name", "slug", "description", "valid_months"),
)
privacy.register(
    "staffing.Term",
    purpose="The dates and rules a term's schedule runs by.",
    retention=NO_PURGE,
    public=(
        "id",
        "created_at",
        "updated_at",
        "name",
        "starts_on",
        "ends_on",
        "swaps_need_approval",
        "questions_per_worker",
        "min_shift_hours",
        "max_shift_hours",
    ),
)
privacy.register(
    "staffing.DepartmentBudget",
    purpose="The student hours a department pays for each week of a term.",
    retention=WITH_TERM,
    public=("id", "term", "department", "weekly_hours"),
)
privacy.register(
    "staffing.Worker",
    purpose="A student worker's place in the pool: who pays them and their hour limits.",
    retention=WITH_WORKER,
    pii={"user": "The student worker."},
    public=(
        "id",
        "created_at",
        "updated_at",
        "paying_department",
        "max_hours_week",
        "max_hours_day",
        "is_active",
    ),
)
privacy.register(
    "staffing.Training",
    purpose="Which skills a worker is trained in, until when, and who signed it off: gates the positions "
    "they may be scheduled for.",
    retention=WITH_WORKER,
    pii={
        "worker": "Whose training it is.",
        "completed_on": "When the worker completed it.",
        "expires_on": "When it lapses.",
        "signed_off_by": "The supervisor who signed it off.",
        "signed_off_at": "When it was signed off.",
    },
    public=("id", "created_at", "updated_at", "skill"),
)
privacy.register(
    "staffing.WorkerNote",
    purpose="A supervisor's note on a worker, shared between the two departments' supervisors.",
    retention=WITH_WORKER,
    pii={
        "worker": "Whom the note is about.",
        "author": "The supervisor who wrote it.",
        "body": "Free text about the worker; only supervisors read it, and the audit trail does not copy it.",
    },
    public=("id", "created_at"),
)
privacy.register(
    "staffing.AvailabilityCell",
    purpose="The hours a worker can work each week of a term (their class timetable shows through it).",
    retention=WITH_TERM,
    pii={
        "worker": "Whose availability it is.",
        "weekday": "A weekday they can work.",
        "hour": "An hour they can work.",
        "preferred": "Whether they would rather work it.",
    },
    public=("id", "term"),
)
privacy.register(
    "staffing.Unavailability",
    purpose="A date a worker cannot work.",
    retention=WITH_WORKER,
    pii={"worker": "Who cannot work.", "date": "The date.", "note": "Their reason, if they gave one."},
    public=("id",),
)
privacy.register(
    "staffing.CoverageNeed",
    purpose="How many workers a service point needs each hour of a term.",
    retention=WITH_TERM,
    public=("id", "term", "service_point", "skill", "weekday", "hour", "minimum", "ideal"),
)
privacy.register(
    "staffing.Schedule",
    purpose="A term's schedule and which version of it is published.",
    retention=WITH_TERM,
    pii={"published_by": "The supervisor who published it last."},
    public=("id", "created_at", "updated_at", "term", "version", "published_version", "published_at"),
)
privacy.register(
    "staffing.ScheduleRun",
    purpose="One run of the solver and its proposal, for the supervisor to review before applying it.",
    retention=WITH_TERM,
    pii={
        "requested_by": "The supervisor who ran it.",
        "result": "The proposed shifts and hours per worker (by worker id).",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "schedule",
        "status",
        "time_limit_s",
        "base_version",
        "error",
        "finished_at",
    ),
)
privacy.register(
    "staffing.Shift",
    purpose="Who works where and when; payroll's hours are read from it.",
    retention=WITH_TERM + " Payroll exports keep their own copy.",
    pii={"worker": "Who works the shift.", "open_reason": "Why it is open (may name the worker who could not)."},
    public=(
        "id",
        "created_at",
        "updated_at",
        "schedule",
        "uid",
        "service_point",
        "skill",
        "date",
        "start_hour",
        "end_hour",
        "state",
        "sequence",
    ),
)
privacy.register(
    "staffing.ShiftOffer",
    purpose="A shift offered, picked up and approved: the swap history the issue asks to keep.",
    retention=WITH_TERM,
    pii={
        "offered_by": "The worker who offered it.",
        "taken_by": "The worker who picked it up.",
        "note": "The offering worker's note.",
        "decided_by": "The supervisor who decided.",
    },
    public=("id", "created_at", "updated_at", "shift", "status", "decided_at"),
)
privacy.register(
    "staffing.ShiftEvent",
    purpose="A shift's history; also how a worker's calendar learns a shift left them.",
    retention=WITH_TERM,
    pii={
        "actor": "Who made the change.",
        "from_worker": "Who had the shift.",
        "to_worker": "Who has it now.",
        "note": "What was overridden or why it is open (may name a worker).",
    },
    public=("id", "shift", "kind", "at"),
)
privacy.register(
    "staffing.FeedToken",
    purpose="A person's secret calendar link.",
    retention="Kept until the person resets it (the old one is replaced) or their account is deleted.",
    pii={"user": "Whose link it is."},
    sensitive={
        "token_hash": "SHA-256 of the secret link; the link itself is never stored.",
        "created_at": "When the link was made.",
    },
    public=("id",),
)
