"""Staff profile drift: what each workstation's profile grants against the current baseline
for its person's role ("the standard librarian workstation").

- **Beyond the baseline**: granted on the workstation, not in the baseline.
- **Missing from it**: in the baseline, not granted on the workstation.

Each item is *open* until someone decides: a **change request** (a ticket in IT's queue; the
item shows "change requested" while the ticket is active and is gone once an import sees the
workstation at the baseline) or an **accepted exception** (a reason and an expiry; after the
expiry the item is open again). A workstation whose role has no baseline yet is listed as
such, not as drift. The report reads each table once whatever the number of workstations.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from liaison.software.models import Baseline, DriftDecision, Permission, Workstation

ACTIVE_TICKET_STATES = ("new", "open", "waiting")


@dataclass
class DriftItem:
    workstation: Workstation
    permission: Permission
    direction: str
    decision: DriftDecision | None = None

    @property
    def status(self) -> str:
        if self.decision is None:
            return "open"
        return self.decision.kind

    @property
    def is_open(self) -> bool:
        return self.decision is None

    @property
    def direction_label(self) -> str:
        return DriftDecision.Direction(self.direction).label

    def describe(self) -> str:
        if self.direction == DriftDecision.Direction.BEYOND:
            return f"{self.workstation.hostname} grants {self.permission.label}, beyond the {self.workstation.get_role_display()} baseline."
        return f"{self.workstation.hostname} lacks {self.permission.label}, which the {self.workstation.get_role_display()} baseline grants."


@dataclass
class WorkstationDrift:
    workstation: Workstation
    baseline: Baseline | None
    items: list[DriftItem] = field(default_factory=list)

    @property
    def open_items(self) -> list[DriftItem]:
        return [i for i in self.items if i.is_open]

    @property
    def at_standard(self) -> bool:
        return self.baseline is not None and not self.open_items


def current_baselines() -> dict[str, Baseline]:
    """Each role's current (highest) baseline version, with its permission ids as `granted_ids`."""
    latest: dict[str, Baseline] = {}
    for baseline in Baseline.objects.order_by("role", "-version"):
        latest.setdefault(baseline.role, baseline)
    links = Baseline.permissions.through.objects.filter(baseline_id__in=[b.pk for b in latest.values()])
    granted: dict[int, set[int]] = defaultdict(set)
    for link in links.values("baseline_id", "permission_id"):
        granted[link["baseline_id"]].add(link["permission_id"])
    for baseline in latest.values():
        baseline.granted_ids = granted[baseline.pk]  # type: ignore[attr-defined]
    return latest


def _live_decisions(today: dt.date) -> dict[tuple[int, int, str], DriftDecision]:
    live: dict[tuple[int, int, str], DriftDecision] = {}
    for decision in DriftDecision.objects.select_related("ticket", "decided_by").order_by("decided_at", "pk"):
        key = (decision.workstation_id, decision.permission_id, decision.direction)
        if decision.kind == DriftDecision.Kind.EXCEPTION:
            if decision.expires_on is not None and decision.expires_on >= today:
                live[key] = decision
            else:
                live.pop(key, None)
        elif decision.ticket is not None and decision.ticket.state in ACTIVE_TICKET_STATES:
            live[key] = decision
        else:
            live.pop(key, None)
    return live


def drift_report(*, role: str = "", workstations: Any = None) -> list[WorkstationDrift]:
    """Every workstation (of `role`, when given) with its drift items, hostnames in order."""
    today = timezone.localdate()
    baselines = current_baselines()
    permissions = {p.pk: p for p in Permission.objects.all()}
    stations = workstations if workstations is not None else Workstation.objects.select_related("person", "profile")
    if role:
        stations = stations.filter(role=role)
    stations = list(stations.order_by("hostname"))
    granted: dict[int, set[int]] = defaultdict(set)
    for link in Workstation.permissions.through.objects.filter(workstation_id__in=[w.pk for w in stations]).values(
        "workstation_id", "permission_id"
    ):
        granted[link["workstation_id"]].add(link["permission_id"])
    live = _live_decisions(today)
    report = []
    for station in stations:
        baseline = baselines.get(station.role)
        entry = WorkstationDrift(workstation=station, baseline=baseline)
        if baseline is not None:
            expected = baseline.granted_ids  # type: ignore[attr-defined]
            have = granted[station.pk]
            for direction, ids in (
                (DriftDecision.Direction.BEYOND, have - expected),
                (DriftDecision.Direction.MISSING, expected - have),
            ):
                for pk in sorted(ids, key=lambda p: (permissions[p].order, permissions[p].label)):
                    entry.items.append(
                        DriftItem(
                            workstation=station,
                            permission=permissions[pk],
                            direction=direction,
                            decision=live.get((station.pk, pk, direction)),
                        )
                    )
        report.append(entry)
    return report


def drift_item(*, workstation: Workstation, permission: Permission) -> DriftItem | None:
    """The drift on one permission at one workstation now, or None when it matches the baseline."""
    report = drift_report(workstations=Workstation.objects.filter(pk=workstation.pk))
    for item in report[0].items if report else []:
        if item.permission.pk == permission.pk:
            return item
    return None
