"""What the knowledge base adds to the partnership ledger (contract: liaison/core/ledger.py).

`kb.library_articles_used_by_it` (a CONTRIBUTION): a published article written by someone in
a library department, linked on a ticket in an IT department's queue. That link is the
honest evidence the data holds of "IT's staff use what the library wrote": Liaison does not
count article views, and an article merely being published says nothing about use. One row
per (article, IT ticket) pair; unlinking the article, unpublishing it or moving the ticket
out of IT makes the row stop counting (the ledger marks its entry orphaned).

The link is made by the tickets app (`ticket_link_article(*, actor, ticket, article_id)`),
which links only published articles: a draft never makes a pair. An article unpublished after
it was linked keeps its link on the ticket, so the filter on `status` here is what makes it
stop counting (and count again when it is published again). A pair counts whoever linked it:
an IT person on their own ticket, or the library before handing the ticket to IT.

Dating: the link's own date is in the ticket's history (tickets/events.py writes an
`article_linked` event), which belongs to the tickets app and is not read here, so a pair is
dated by the later of the ticket's opening and the article's publication (the link cannot be
older than either).

The tickets are reached through the `tickets` relation the tickets app adds to Article
(Ticket.linked_articles); this module never imports the tickets app (tickets imports kb's
selectors to link an article, so the two point one way).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from liaison.core import ledger
from liaison.kb.models import Article

LIBRARY_ARTICLES_USED = "kb.library_articles_used_by_it"
# accounts.Department.Kind values.
LIBRARY, IT = "library", "it"


def article_use_rows(start: dt.date, end: dt.date) -> Iterator[ledger.LedgerRow]:
    try:
        Article._meta.get_field("tickets")
    except FieldDoesNotExist:
        return
    pairs = (
        Article.objects.filter(
            status=Article.Status.PUBLISHED,
            published_at__isnull=False,
            author__department__kind=LIBRARY,
            tickets__queue__department__kind=IT,
        )
        .values(
            "pk",
            "slug",
            "title",
            "published_at",
            "author__department__code",
            "tickets__pk",
            "tickets__created_at",
            "tickets__queue__department__code",
        )
        .order_by("pk", "tickets__pk")
        .distinct()
    )
    for pair in pairs:
        if pair["published_at"] is None or pair["tickets__created_at"] is None:
            continue
        moment = max(pair["published_at"], pair["tickets__created_at"])
        day = ledger.local_date(moment)
        if not (start <= day < end):
            continue
        yield ledger.LedgerRow(
            source_key=f"kb:article:{pair['pk']}:ticket:{pair['tickets__pk']}",
            occurred_on=day,
            giver=pair["author__department__code"],
            receiver=pair["tickets__queue__department__code"],
            kind="kb_article_used",
            direction=ledger.CONTRIBUTION,
            count=1,
            source_url=reverse("kb:detail", args=[pair["slug"]]),
            label=f"“{pair['title']}” linked on IT ticket #{pair['tickets__pk']}",
        )


ledger.register_feed(
    ledger.LedgerFeed(
        key=LIBRARY_ARTICLES_USED,
        label="Library-written articles linked on tickets in IT's queues",
        kind="kb_article_used",
        kind_label="Library article used on an IT ticket",
        direction=ledger.CONTRIBUTION,
        rows=article_use_rows,
        description=(
            "Published knowledge-base articles written by library staff and linked on a ticket in an IT queue: "
            "one per article and ticket, dated by the later of the ticket's opening and the publication. An article "
            "unpublished, unlinked or whose ticket leaves IT stops counting. Views are not counted (Liaison does not "
            "record them)."
        ),
    )
)
