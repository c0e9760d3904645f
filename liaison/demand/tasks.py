"""Background work: the monthly READ calibration round."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from liaison.demand import selectors, services


@db_periodic_task(crontab(day="1", hour="6", minute="7"))
def start_calibration_round():
    """On the 1st of each month: this month's round, from last month's desk questions (a
    second run, or a second worker, finds the round there and starts none)."""
    services.calibration_round_start_as_system(month=timezone.localdate())


@db_periodic_task(crontab(minute="23"))
def warm_demand_forecasts():
    """Every hour: fit the forecasts the demand page shows, so its first visit is quick."""
    selectors.forecasts_warm()
