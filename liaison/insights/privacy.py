"""What insights stores, why, and for how long. Dashboards store nothing: they read counts.
A scheduled report keeps its recipients' e-mail addresses (staff who asked for the figures)."""

from liaison.core import privacy

UNTIL_DELETED = "Kept until a supervisor deletes the scheduled report. No automatic purge."

privacy.register(
    "insights.ScheduledReport",
    purpose="A dashboard e-mailed for every month, term or fiscal year that ends.",
    retention=UNTIL_DELETED,
    pii={
        "recipients": "E-mail addresses of the staff who receive the report.",
        "created_by": "The supervisor who scheduled it.",
    },
    public=("id", "created_at", "updated_at", "name", "dashboard", "period", "format", "is_active"),
)
privacy.register(
    "insights.ReportDelivery",
    purpose="One sending of a scheduled report for one period, so it is never sent twice.",
    retention="Kept with its scheduled report (deleted with it). No automatic purge.",
    public=("id", "report", "period_first", "period_last", "status", "attempts", "queued_at", "sent_at", "error"),
)
