from django.urls import path

from liaison.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/", views.reports, name="reports"),
    path("reports/<str:report_id>/delete/", views.report_delete, name="report_delete"),
    path("<slug:key>/", views.dashboard, name="dashboard"),
    path("<slug:key>/export.<str:fmt>", views.export, name="export"),
    path("<slug:key>/<slug:chart>.<str:fmt>", views.chart_export, name="chart_export"),
]
