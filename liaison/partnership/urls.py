"""Pages under /partnership/ (one include in config/urls.py)."""

from django.urls import path

from liaison.partnership import views

app_name = "partnership"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("partnership.pdf", views.export_pdf, name="export_pdf"),
    path("partnership.xlsx", views.export_xlsx, name="export_xlsx"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/new/", views.ledger_entry_new, name="entry_new"),
    path("ledger/update/", views.ledger_derive, name="derive"),
    path("ledger/<int:pk>/", views.ledger_entry_detail, name="entry"),
    path("goals/", views.goals, name="goals"),
    path("goals/new/", views.goal_new, name="goal_new"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/status/", views.need_status, name="need_status"),
    path("needs/<int:pk>/offers/", views.offer_new, name="offer_new"),
    path("offers/<int:pk>/answer/", views.offer_answer, name="offer_answer"),
    path("matches/<int:pk>/", views.match_update, name="match_update"),
    path("survey/", views.survey_list, name="survey"),
    path("survey/new/", views.survey_new, name="survey_new"),
    path("survey/compare/", views.survey_compare, name="survey_compare"),
    path("survey/<int:pk>/", views.survey_round, name="survey_round"),
    path("survey/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
    path("survey/<int:pk>/status/", views.survey_transition, name="survey_transition"),
    path("rollouts/", views.rollout_list, name="rollouts"),
    path("rollouts/new/", views.rollout_new, name="rollout_new"),
    path("rollouts/calendar/", views.calendar_page, name="calendar"),
    path("rollouts/calendar/link/", views.calendar_link, name="calendar_link"),
    path("rollouts/calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("rollouts/<int:pk>/", views.rollout_detail, name="rollout"),
    path("rollouts/<int:pk>/edit/", views.rollout_edit, name="rollout_edit"),
    path("rollouts/<int:pk>/consultation/", views.rollout_consultation, name="rollout_consultation"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/action/", views.request_action, name="request_action"),
    path("skills/", views.skill_list, name="skills"),
    path("skills/new/", views.skill_new, name="skill_new"),
    path("skills/<int:pk>/", views.skill_detail, name="skill"),
    path("skills/<int:pk>/sessions/", views.skill_session_new, name="skill_session_new"),
    path("skills/<int:pk>/offered/", views.skill_toggle, name="skill_toggle"),
]
