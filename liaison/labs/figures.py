"""Reliability figures per device and per model (reads; the definitions are in the README,
"Reliability figures", and ADR 0022).

Over a period [start, end):

- **downtime** of an incident is the part of [started_at, resolved_at or now) inside the
  period, less any planned maintenance window of that device that overlaps it;
- **planned** time is the part of the device's maintenance windows inside the period;
- **availability %** = 100 × (period − planned − downtime) / (period − planned), counted on the
  clock (24 hours a day): a lab PC down overnight was down;
- **failures** = incidents that started inside the period (a report that joined an open
  incident is not another failure);
- **MTTR** (mean time to repair) = the mean of resolved_at − started_at over incidents resolved
  inside the period, in hours;
- **MTBF** (mean time between failures) = (period − planned − downtime) / failures, in hours
  (none when there were no failures);
- **chronic**: `CHRONIC_FAILURES` or more failures in the period, or availability under
  `CHRONIC_AVAILABILITY` %.

Two queries whatever the number of incidents (incidents overlapping the period; maintenance
windows overlapping it) plus one for the assets; the arithmetic is in Python over those rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from liaison.labs import policy
from liaison.labs.models import Asset, Incident, Kind, MaintenanceWindow

PERIODS = (30, 90, 365)
CHRONIC_FAILURES = 4
CHRONIC_AVAILABILITY = 95.0


@dataclass
class Figures:
    key: str
    label: str
    kind: str
    devices: int = 1
    period_hours: float = 0.0
    planned_hours: float = 0.0
    down_hours: float = 0.0
    failures: int = 0
    repair_hours: list[float] = field(default_factory=list)
    monthly_failures: dict[str, int] = field(default_factory=dict)
    asset_id: int | None = None
    room: str = ""

    @property
    def kind_label(self) -> str:
        """The kind in words ("Label printer"), for pages; `kind` stays the code for the API."""
        try:
            return str(Kind(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def availability(self) -> float:
        base = self.period_hours - self.planned_hours
        return 100.0 if base <= 0 else round(100.0 * max(0.0, base - self.down_hours) / base, 2)

    @property
    def mttr_hours(self) -> float | None:
        return round(sum(self.repair_hours) / len(self.repair_hours), 1) if self.repair_hours else None

    @property
    def mtbf_hours(self) -> float | None:
        if not self.failures:
            return None
        return round(max(0.0, self.period_hours - self.planned_hours - self.down_hours) / self.failures, 1)

    @property
    def chronic(self) -> bool:
        per_device = self.failures / max(1, self.devices)
        return per_device >= CHRONIC_FAILURES or self.availability < CHRONIC_AVAILABILITY

    @property
    def failures_per_device(self) -> float:
        return round(self.failures / max(1, self.devices), 2)


def _overlap(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds())


def _intervals_minus(start: dt.datetime, end: dt.datetime, holes: list[tuple[dt.datetime, dt.datetime]]) -> float:
    """Seconds in [start, end) outside every hole (holes may overlap each other)."""
    total = (end - start).total_seconds()
    merged: list[list[dt.datetime]] = []
    for h0, h1 in sorted((max(h0, start), min(h1, end)) for h0, h1 in holes if h1 > start and h0 < end):
        if merged and h0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], h1)
        else:
            merged.append([h0, h1])
    return max(0.0, total - sum((h1 - h0).total_seconds() for h0, h1 in merged))


def reliability(*, user, days: int = 90, now: dt.datetime | None = None) -> tuple[list[Figures], list[Figures]]:
    """(per device, per model), each ranked worst first: most failures per device, then least
    available. Devices without incidents are listed too (they count in their model)."""
    if not policy.can_view_equipment(user):
        return [], []
    now = now or timezone.now()
    start = now - dt.timedelta(days=days)
    assets = list(_asset_rows(Asset.objects.exclude(status=Asset.Status.RETIRED)))
    per_asset = _device_figures(assets, start, now)
    by_model: dict[int, Figures] = {}
    for a in assets:
        f = per_asset[a.pk]
        m = by_model.get(a.model_id)
        if m is None:
            m = by_model[a.model_id] = Figures(key=str(a.model_id), label=f"{a.model.maker.name} {a.model.name}",
                                               kind=a.kind, devices=0)  # fmt: skip
        m.devices += 1
        m.period_hours += f.period_hours
        m.planned_hours += f.planned_hours
        m.down_hours += f.down_hours
        m.failures += f.failures
        m.repair_hours.extend(f.repair_hours)
        for month, count in f.monthly_failures.items():
            m.monthly_failures[month] = m.monthly_failures.get(month, 0) + count

    def rank(items: list[Figures]) -> list[Figures]:
        return sorted(items, key=lambda x: (-x.failures_per_device, x.availability, x.label))

    return rank(list(per_asset.values())), rank(list(by_model.values()))


def _asset_rows(assets):
    return assets.select_related("model__maker", "room").only(
        "pk", "tag", "name", "kind", "room__name", "model__name", "model__maker__name", "in_service_on"
    )


def figures_between(*, user, asset_ids, start: dt.datetime, end: dt.datetime) -> list[Figures]:
    """Per-device figures over any period [start, end) (a pilot's dates), for the named assets
    (retired ones too: the period may be past). Same definitions and the same three queries."""
    if not policy.can_view_equipment(user):
        return []
    assets = list(_asset_rows(Asset.objects.filter(pk__in=list(asset_ids))).order_by("tag"))
    per_asset = _device_figures(assets, start, end, asset_ids=[a.pk for a in assets])
    return [per_asset[a.pk] for a in assets]


def _device_figures(assets, start: dt.datetime, now: dt.datetime, asset_ids=None) -> dict[int, Figures]:
    """Each asset's figures over [start, now): two queries (maintenance windows, incidents)."""
    period_hours = (now - start).total_seconds() / 3600
    windows: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    planned = MaintenanceWindow.objects.filter(starts_at__lt=now, ends_at__gt=start)
    if asset_ids is not None:
        planned = planned.filter(asset_id__in=asset_ids)
    for asset_id, w0, w1 in planned.values_list("asset_id", "starts_at", "ends_at"):
        windows[asset_id].append((w0, w1))
    per_asset: dict[int, Figures] = {}
    for a in assets:
        f = Figures(key=a.tag, label=a.name or a.tag, kind=a.kind, period_hours=period_hours, asset_id=a.pk,
                    room=a.room.name)  # fmt: skip
        f.planned_hours = ((now - start).total_seconds() - _intervals_minus(start, now, windows.get(a.pk, []))) / 3600
        per_asset[a.pk] = f
    incidents = Incident.objects.filter(started_at__lt=now).filter(Q(resolved_at=None) | Q(resolved_at__gt=start))
    if asset_ids is not None:
        incidents = incidents.filter(asset_id__in=asset_ids)
    for asset_id, started, resolved in incidents.values_list("asset_id", "started_at", "resolved_at"):
        f = per_asset.get(asset_id)
        if f is None:
            continue
        finish = resolved or now
        i0, i1 = max(started, start), min(finish, now)
        if i1 > i0:
            f.down_hours += _intervals_minus(i0, i1, windows.get(asset_id, [])) / 3600
        if started >= start:
            f.failures += 1
            month = timezone.localtime(started).strftime("%Y-%m")
            f.monthly_failures[month] = f.monthly_failures.get(month, 0) + 1
        if resolved is not None and start <= resolved < now:
            f.repair_hours.append((resolved - started).total_seconds() / 3600)
    return per_asset


def asset_figures(*, user, asset: Asset, days: int = 90, now: dt.datetime | None = None) -> Figures | None:
    devices, _models = reliability(user=user, days=days, now=now)
    return next((f for f in devices if f.asset_id == asset.pk), None)
