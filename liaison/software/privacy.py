"""What software access stores, why, and for how long (the privacy register, core/privacy.py).

No patron is recorded here: courses carry an enrolment count, never students. Instructors'
names and e-mail addresses come from the registrar's list; staff appear as who entered,
asked, owns or decided something, and as the person at a workstation."""

from liaison.core import privacy

UNTIL_DELETED = "Kept until an administrator deletes it in Setup. No automatic purge."
WITH_THE_TERM = "Kept with its term's courses; deleting the term in Setup deletes them. No automatic purge."

privacy.register(
    "software.Term",
    purpose="A teaching term: when needs are due and when requests to IT must be done.",
    retention=UNTIL_DELETED,
    public=("id", "name", "slug", "starts_on", "ends_on", "needs_deadline"),
)
privacy.register(
    "software.Title",
    purpose="The software catalogue: what a title is, how it is licensed and delivered.",
    retention=UNTIL_DELETED,
    public=(
        "id",
        "created_at",
        "updated_at",
        "name",
        "slug",
        "publisher",
        "platforms",
        "licence",
        "seats",
        "delivery",
        "requires",
        "notes",
    ),
)
privacy.register(
    "software.TitleVersion",
    purpose="The versions of a title the catalogue knows; imports are checked against them.",
    retention="Kept with its title.",
    public=("id", "title", "version", "released_on"),
)
privacy.register(
    "software.Permission",
    purpose="What a managed profile may grant (built in, or the site's own).",
    retention=UNTIL_DELETED,
    public=("id", "key", "label", "is_builtin", "requires", "order"),
)
privacy.register(
    "software.Profile",
    purpose="A managed profile (students', or a staff role's) and the permissions it grants.",
    retention=UNTIL_DELETED,
    public=("id", "created_at", "updated_at", "name", "slug", "kind", "role", "permissions"),
)
privacy.register(
    "software.ProfileRule",
    purpose="A title a profile includes or blocks.",
    retention="Kept with its profile.",
    public=("id", "profile", "title", "allowed"),
)
privacy.register(
    "software.Image",
    purpose="A lab image: the software on a lab's machines and the profile students use there.",
    retention=UNTIL_DELETED,
    public=("id", "created_at", "updated_at", "name", "slug", "platform", "labs", "profile"),
)
privacy.register(
    "software.ImageItem",
    purpose="A title installed in an image, at a version.",
    retention="Kept with its image; an import or IT removes it.",
    public=("id", "image", "title", "version", "updated_at"),
)
privacy.register(
    "software.Instructor",
    purpose="Who teaches a course, from the registrar's list, so they can be asked what their course needs.",
    retention=UNTIL_DELETED,
    pii={"name": "The instructor's name.", "email": "The instructor's college e-mail address."},
    public=("id",),
)
privacy.register(
    "software.Course",
    purpose="A course of a term and how many students take it (a count, never the students).",
    retention=WITH_THE_TERM,
    pii={"instructors": "Links the course to the people who teach it."},
    public=("id", "term", "code", "section", "name", "department", "enrolment"),
)
privacy.register(
    "software.Need",
    purpose="What a course needs to run, where and by when.",
    retention=WITH_THE_TERM,
    pii={
        "entered_by": "The member of staff who entered it.",
        "entered_by_instructor": "The instructor who entered it through their link.",
        "note": "Free text about the course's need (not about students).",
    },
    public=("id", "created_at", "updated_at", "course", "title", "min_version", "lab", "needed_by", "is_late"),
)
privacy.register(
    "software.Request",
    purpose="A gap asked of IT before term: its owner, due date, ticket and outcome.",
    retention=WITH_THE_TERM,
    pii={
        "owner": "Who in IT answers for it.",
        "requested_by": "Who asked.",
        "resolved_by": "Who resolved or declined it.",
        "resolution": "Free text on how it was resolved or why declined.",
    },
    public=(
        "id",
        "created_at",
        "updated_at",
        "need",
        "answer",
        "lab",
        "state",
        "due_on",
        "requesting_department",
        "it_department",
        "ticket",
        "resolved_at",
    ),
)
privacy.register(
    "software.Baseline",
    purpose="A version of a staff role's standard permission set.",
    retention="Every version is kept, so drift can be read against the baseline of its day. No automatic purge.",
    pii={"created_by": "The supervisor who set it."},
    public=("id", "role", "version", "permissions", "note", "created_at"),
)
privacy.register(
    "software.Workstation",
    purpose="The permissions a staff workstation's profile grants, as the last inventory import saw them.",
    retention="Replaced by each import; kept until an administrator deletes it in Setup.",
    pii={"person": "The member of staff who uses the workstation."},
    public=("id", "created_at", "updated_at", "hostname", "role", "profile", "permissions", "seen_at"),
)
privacy.register(
    "software.DriftDecision",
    purpose="What was decided about one drift item: a change request or an exception, with its reason.",
    retention="Kept with its workstation. No automatic purge.",
    pii={
        "decided_by": "Who decided.",
        "reason": "Free text: why the exception was accepted or the change asked for.",
    },
    public=("id", "workstation", "permission", "direction", "kind", "expires_on", "ticket", "decided_at"),
)
