"""Demo data for insights: the dashboards read what the other demo steps made; this adds the
scheduled reports a head of public services would set up (idempotent)."""

from __future__ import annotations

from collections.abc import Callable


def seed_insights(log: Callable[[str], None]) -> dict[str, int]:
    from liaison.accounts.models import User
    from liaison.insights import services
    from liaison.insights.models import ScheduledReport

    supervisor = User.objects.filter(username="supervisor").first()
    if supervisor is None:
        return {}
    wanted = [
        ("Monthly overview for the director", "director", "month", "pdf", "director@college.example"),
        ("Student technology issues for IT", "tech", "term", "xlsx", "it-lead@college.example"),
    ]
    for name, dashboard, period, fmt, recipients in wanted:
        if not ScheduledReport.objects.filter(name=name).exists():
            services.scheduled_report_create(
                actor=supervisor, name=name, dashboard=dashboard, period=period, format=fmt, recipients=recipients
            )
    log(f"insights: {ScheduledReport.objects.count()} scheduled reports")
    return {"scheduled reports": ScheduledReport.objects.count()}
