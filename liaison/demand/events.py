"""What happened in demand, one function per kind: the audit row, in the caller's transaction.

Imported figures keep their import run (`Observation.import_run`), and the run is the import's
history; a calibration rating is its own record. So demand has no event table and no
wording table of its own: each event is one audit row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from liaison.audit.services import audit_record
from liaison.core.events import EventText

if TYPE_CHECKING:
    from liaison.accounts.models import User
    from liaison.demand.models import CalibrationRating, CalibrationRound

EVENT_TEXT = EventText(
    staff={
        "imported": "{created} figure(s) imported, {updated} corrected.",
        "round_started": "Calibration round for {month} started with {size} question(s).",
        "rated": "Rated a calibration question.",
    },
    public={},
)


def observations_imported(*, actor: User | None, run_id: Any, created: int, updated: list[dict[str, Any]]) -> None:
    audit_record(
        actor=actor,
        action="demand.import",
        object_type="imports.importrun",
        object_id=str(run_id or ""),
        object_repr=EVENT_TEXT.staff["imported"].format(created=created, updated=len(updated)),
        after={"created": created, "updated": updated[:200]},
    )


def round_started(*, actor: User | None, round: CalibrationRound) -> None:
    audit_record(
        actor=actor,
        action="demand_calibration.start",
        obj=round,
        after={"month": round.month.isoformat(), "seed": round.seed, "size": round.sample_size},
    )


def rating_given(*, actor: User, rating: CalibrationRating) -> None:
    # The level is not in the audit row's text: the report aggregates; the row says who rated.
    audit_record(actor=actor, action="demand_calibration.rate", obj=rating, after={"item": rating.item_id})
