"""The partnership ledger's feed contract: how a domain offers what the ledger counts.

Core knows no domain and no ledger table: this module only names the shapes. A domain app
that has something to count adds one module, `liaison/<app>/ledger.py`, which reads its own
rows and registers a `LedgerFeed` here at import:

    from liaison.core import ledger

    def _handoffs(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
        for event in ...:  # the app's own models or selectors, nothing else
            yield ledger.LedgerRow(
                source_key=f"tickets:ticket:{event.ticket_id}:handoff:{event.pk}",
                occurred_on=ledger.local_date(event.at),
                giver="it", receiver="library",
                kind="ticket_handoff", direction=ledger.REQUEST,
                count=1, hours=None,
                source_url=f"/tickets/{event.ticket.reference}/",
                label="Ticket #1042 handed from the Library to IT",
            )

    ledger.register_feed(ledger.LedgerFeed(
        key="tickets.handed_to_other_department", label="Tickets handed to the other department",
        kind="ticket_handoff", direction=ledger.REQUEST, rows=_handoffs,
        description="One row per hand-off event between two departments' queues.",
    ))

The partnership app (the only reader) finds every `<app>.ledger` module with
`autodiscover_modules("ledger")`, calls each feed's `rows(start, end)` from its derivation job,
and upserts one ledger entry per (feed key, source key). So a domain never imports the
partnership app, and the partnership app never imports a domain's models.

What a row means:

- `giver` served and `receiver` was served, as department codes (`accounts.Department.code`).
- `direction` is REQUEST when the receiver asked (the receiver is a customer: "the library
  asked IT", giver "it", receiver "library") and CONTRIBUTION when the giver offered (the
  giver is a collaborator: "the library gave IT", giver "library", receiver "it").
- `source_key` is stable for the life of the source record: the same record always gives the
  same key, whatever else about it changes (a date, a count). Never put names or slugs in it.
- `rows(start, end)` yields the rows whose `occurred_on` lies in [start, end): a record that
  no longer counts (deleted, reopened, undone) simply stops appearing, and the ledger marks
  its entry as orphaned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

REQUEST = "request"
CONTRIBUTION = "contribution"
DIRECTIONS = (REQUEST, CONTRIBUTION)

FEED_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
MAX_SOURCE_KEY = 200


@dataclass(frozen=True)
class LedgerRow:
    """One thing a department asked for or gave, as a domain sees it."""

    source_key: str
    occurred_on: dt.date
    giver: str
    receiver: str
    kind: str
    direction: str
    count: int = 1
    hours: Decimal | None = None
    source_url: str = ""
    label: str = ""


@dataclass(frozen=True)
class LedgerFeed:
    """What one domain offers the ledger: a key, what it counts, and a way to read its rows."""

    key: str  # "<app>.<what>", stable: entries are stored under it
    label: str  # "Tickets handed to the other department"
    kind: str  # the ledger kind its rows carry, e.g. "ticket_handoff"
    direction: str  # REQUEST or CONTRIBUTION
    rows: Callable[[dt.date, dt.date], Iterable[LedgerRow]] = field(compare=False)
    kind_label: str = ""  # how the kind reads on the page; defaults to the feed's label
    description: str = ""  # what it measures, in a sentence or two (shown on the ledger page)

    def __post_init__(self) -> None:
        if not FEED_KEY.match(self.key):
            raise ValueError(f"A feed key is '<app>.<what>' in lower case: {self.key!r}.")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"A feed's direction is {REQUEST!r} or {CONTRIBUTION!r}, not {self.direction!r}.")


_feeds: dict[str, LedgerFeed] = {}


def register_feed(feed: LedgerFeed) -> LedgerFeed:
    """Declare a feed (once, when the domain's `ledger.py` is imported)."""
    existing = _feeds.get(feed.key)
    if existing is not None and existing != feed:
        raise ValueError(f"Two ledger feeds are named {feed.key}.")
    _feeds[feed.key] = feed
    return feed


def unregister_feed(key: str) -> None:
    """For tests that register a feed of their own."""
    _feeds.pop(key, None)


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("ledger")


def registered_feeds() -> dict[str, LedgerFeed]:
    """Every feed of every installed app, by key."""
    autodiscover()
    return dict(sorted(_feeds.items()))


# --- Helpers feeds share ---------------------------------------------------------------------


def local_date(moment: dt.datetime) -> dt.date:
    """The campus day a moment fell on (the site's time zone)."""
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Aware datetimes for [start, end) in the site's time zone, for filtering moments."""
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(end, dt.time.min)),
    )
