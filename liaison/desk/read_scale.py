"""The READ Scale's six levels, described in Liaison's own words.

The READ Scale (Reference Effort Assessment Data) was created by Bella Karr Gerlich; see
CITATION. Its published wording is not reproduced here: these are our paraphrases and our
local conventions, used by the help page, the desk screen's buttons and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

CITATION = (
    "Gerlich, Bella Karr, and G. Lynn Berard. “Introducing the READ Scale: Qualitative Statistics "
    "for Academic Reference Services.” Georgia Library Quarterly 43, no. 4 (2007)."
)
SCALE_URL = "https://readscale.org/"


@dataclass(frozen=True)
class ReadLevel:
    number: int
    short: str  # on the desk buttons
    summary: str
    examples: tuple[str, ...]
    desk_note: str = ""


LEVELS: tuple[ReadLevel, ...] = (
    ReadLevel(
        1,
        "Quick",
        "Almost no effort. Nothing needs looking up and no special knowledge is involved; it is over in a minute or two.",
        (
            "Pointing someone to the restrooms, a printer or another desk",
            "Telling someone today's hours",
            "Refilling paper or showing where the stapler is",
            "How to send a job to a printer (always a 1 here, however it is asked)",
        ),
    ),
    ReadLevel(
        2,
        "Know-how",
        "A little more effort. It takes some familiarity with our services or a quick look at the catalogue, a "
        "policy page or a status board.",
        (
            "Finding a book on the shelf from its call number",
            "Explaining a borrowing or guest-access policy",
            "Restarting a frozen program or reconnecting to the campus Wi-Fi",
        ),
    ),
    ReadLevel(
        3,
        "Reference skill",
        "Real reference or support skill and some time. You consult a database, guide or reference source, and "
        "may teach the person a step or two.",
        (
            "Showing how to search a subject database",
            "Suggesting where to start on a topic",
            "Scanning a document to a file and sending it on",
            "Sorting out a harder technical problem, such as remote access to library resources",
        ),
    ),
    ReadLevel(
        4,
        "Several sources",
        "Several sources, or teaching that goes beyond a quick demonstration. A colleague with subject knowledge "
        "may be asked, and the answer may be hard to pin down.",
        (
            "Building a search strategy with the person across several databases",
            "Tracking down an incomplete or puzzling citation",
        ),
        "The upper end of what usually happens at a busy desk.",
    ),
    ReadLevel(
        5,
        "Extended help",
        "Substantial time and a back-and-forth conversation. The work is shared with the person and often with "
        "colleagues, and may lead to a follow-up appointment.",
        (
            "A literature search for a thesis chapter",
            "Research help that needs services beyond the desk, such as interlibrary loan",
        ),
        "Few of these belong at the desk: offer an appointment or a referral.",
    ),
    ReadLevel(
        6,
        "In-depth research",
        "The most effort. It cannot be answered on the spot: in-depth research over time, often with original "
        "sources or specialised services.",
        (
            "A research consultation that spans several meetings",
            "Locating and interpreting primary sources for a project",
        ),
        "Not a desk answer: refer the person to a librarian or specialist.",
    ),
)


def level(number: int) -> ReadLevel:
    return LEVELS[number - 1]
