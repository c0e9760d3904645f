"""Staff pages at /pilots/ and the public short link at /p/<code>/."""

from django.urls import path

from liaison.pilots import views

app_name = "pilots"

urlpatterns = [
    path("pilots/", views.pilot_list, name="list"),
    path("pilots/new/", views.pilot_new, name="new"),
    path("pilots/<int:pk>/", views.pilot_detail, name="detail"),
    path("pilots/<int:pk>/edit/", views.pilot_edit, name="edit"),
    path("pilots/<int:pk>/step/", views.pilot_transition, name="transition"),
    path("pilots/<int:pk>/recommendation/", views.pilot_recommendation, name="recommendation"),
    path("pilots/<int:pk>/costs/", views.cost_new, name="cost_new"),
    path("pilots/<int:pk>/forms/new/", views.form_new, name="form_new"),
    path("pilots/<int:pk>/forms/<int:form_id>/", views.form_edit, name="form_edit"),
    path("pilots/<int:pk>/forms/<int:form_id>/poster/", views.form_poster, name="form_poster"),
    path("pilots/<int:pk>/forms/<int:form_id>/desk/", views.desk_answer, name="desk_answer"),
    path("pilots/<int:pk>/results/", views.results, name="results"),
    path("pilots/<int:pk>/themes/", views.themes, name="themes"),
    path("pilots/<int:pk>/report/", views.report, name="report"),
    path("pilots/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("pilots/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("p/<str:code>/", views.answer, name="answer"),
    path("p/<str:code>/thanks/", views.thanks, name="thanks"),
]
