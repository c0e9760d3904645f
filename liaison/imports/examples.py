"""Worked examples of mappings, written the way a person fills in the mapping form.

BAMPFA_DESK_LOG maps the BAMPFA Film Library & Study Center's 2020 desk log (a Google Form's
responses: Timestamp, interaction source, interaction type, research need, … "Date if not
today"). docs/importing.md walks through it; the tests import the real file with it; the
demo data saves it as a mapping so the import screen offers it.

The choices in it are one library's reading of its own form, not facts about the file:
- READ level from "interaction staff time" (the form has no READ question): under 5 minutes
  is 1, 5–10 is 2, 10–30 is 3, over 30 is 4.
- Kinds: requests for films, documents, stills, papers and screenings are research;
  "Curious/browsing" and "General info" are directional; "Duplication" is equipment;
  "Study/computer use" is technology; tours, events, donations and training are other.
- Mode: "walk in" is in person. "other" (training sessions, one Zoom call) has no mode of its
  own in Liaison; it is counted as in person.
- Note: the "research need" column only (topics); the "outcome" column names staff and is
  left out, as are the affiliation columns.
"""

from __future__ import annotations

BAMPFA_HEADERS = [
    "Timestamp",
    "interaction source",
    "interaction type",
    "research need",
    "successful interaction?",
    "outcome",
    "Number of people (if more than 1)",
    "affiliation",
    "Institutional affiliation if not UCB",
    "Number of films/documents/items provided",
    "interaction staff time",
    "Date if not today",
]

BAMPFA_KIND_MAP = """\
Cinefiles/PDF Requests = research
Reference research = research
Screening reservation request = research
Screening = research
Streaming request = research
Archival papers = research
Books/periodicals = research
Audio Recording = research
Stills = research
Plex = research
Curious/browsing = directional
General info (hours/location/etc) = directional
Duplication = equipment-printing
Study/computer use = technology
Tour request = other
Tour = other
Event = other
Donation = other
Training = other
other = other"""

BAMPFA_READ_MAP = """\
less than 5 min = 1
5-10 min = 2
10-30 min = 3
over 30 min = 4"""

BAMPFA_MODE_MAP = """\
walk in = in_person
phone call = phone
email = email
other = in_person"""


def bampfa_form_data(service_point: str = "film-study-center") -> dict[str, str]:
    """The mapping form's fields as a person fills them in for the BAMPFA log."""
    return {
        "col__occurred_at__0": "Date if not today",
        "col__logged_at__0": "Timestamp",
        "col__kind__0": "interaction type",
        "map__kind": BAMPFA_KIND_MAP,
        "col__read_level__0": "interaction staff time",
        "map__read_level": BAMPFA_READ_MAP,
        "col__mode__0": "interaction source",
        "map__mode": BAMPFA_MODE_MAP,
        "col__duration_minutes__0": "interaction staff time",
        "col__note__0": "research need",
        "const__service_point": service_point,
        "date_format": "mdy",
        "time_zone": "America/Los_Angeles",  # the log was kept at Berkeley
    }
