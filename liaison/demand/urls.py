from django.urls import path

from liaison.demand import views

app_name = "demand"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/", views.export, name="export"),
    path("calibration/", views.calibration_rate, name="calibration_rate"),
    path("calibration/report/", views.calibration_report, name="calibration_report"),
    path("calibration/report/export/", views.calibration_export, name="calibration_export"),
    path("calibration/start/", views.calibration_start, name="calibration_start"),
]
