from django.urls import path

from liaison.desk import report_views, views

app_name = "desk"

urlpatterns = [
    path("", views.choose, name="choose"),
    path("help/read-scale/", views.read_scale_help, name="read_scale_help"),
    path("reports/", report_views.report, name="report"),
    path("reports/save/", report_views.report_save, name="report_save"),
    path("reports/saved/<int:pk>/", report_views.report_open, name="report_open"),
    path("reports/saved/<int:pk>/delete/", report_views.report_delete, name="report_delete"),
    path("reports/acrl/", report_views.acrl, name="acrl"),
    path("<slug:slug>/", views.screen, name="screen"),
    path("<slug:slug>/undo/<uuid:client_id>/", views.undo, name="undo"),
]
