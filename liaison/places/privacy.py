"""What places stores, why, and for how long (the privacy register, core/privacy.py). Nothing
here is about a person: buildings, rooms, service points and their hours."""

from liaison.core import privacy

UNTIL_SETUP_DELETES_IT = "Kept until an administrator deletes it in Setup."

privacy.register(
    "places.Building",
    purpose="A campus building, for rooms, service points and directory locations.",
    retention=UNTIL_SETUP_DELETES_IT,
    public=("id", "created_at", "updated_at", "name", "code", "address"),
)

privacy.register(
    "places.Room",
    purpose="A room in a building; a lab is a room.",
    retention=UNTIL_SETUP_DELETES_IT,
    public=("id", "created_at", "updated_at", "building", "name", "number", "kind", "capacity", "floor"),
)

privacy.register(
    "places.ServicePoint",
    purpose="Where service is given (a desk, a lab desk, chat) and which departments staff it.",
    retention=UNTIL_SETUP_DELETES_IT,
    public=(
        "id",
        "created_at",
        "updated_at",
        "name",
        "slug",
        "kind",
        "room",
        "description",
        "is_active",
        "departments",
    ),
)

privacy.register(
    "places.OpeningHours",
    purpose="A service point's weekly hours, shown to patrons.",
    retention=UNTIL_SETUP_DELETES_IT,
    public=("id", "service_point", "weekday", "opens", "closes"),
)

privacy.register(
    "places.HoursException",
    purpose="A holiday or special hours on one date, shown to patrons.",
    retention="Kept until an administrator deletes it; past dates are not purged.",
    public=("id", "service_point", "date", "is_closed", "opens", "closes", "reason"),
)
