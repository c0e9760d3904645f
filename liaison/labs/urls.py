from django.urls import path

from liaison.labs import views

app_name = "labs"

urlpatterns = [
    path("", views.home, name="home"),
    path("status/", views.board, name="board"),
    path("status.json", views.board_json, name="board_json"),
    path("d/<str:code>/", views.device, name="device"),
    path("assets/", views.asset_list, name="assets"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/<str:asset_id>/", views.asset_detail, name="asset"),
    path("assets/<str:asset_id>/edit/", views.asset_edit, name="asset_edit"),
    path("assets/<str:asset_id>/report/", views.asset_report, name="asset_report"),
    path("assets/<str:asset_id>/maintenance/", views.asset_maintenance, name="asset_maintenance"),
    path("assets/<str:asset_id>/qr.svg", views.asset_qr, name="asset_qr"),
    path("labels/", views.labels, name="labels"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/<str:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<str:incident_id>/state/", views.incident_state, name="incident_state"),
    path("reliability/", views.reliability, name="reliability"),
    path("usage/", views.usage, name="usage"),
    path("incidents/<str:incident_id>/system/", views.incident_system, name="incident_system"),
    path("systems/", views.system_list, name="systems"),
    path("systems/new/", views.system_create, name="system_create"),
    path("systems/<str:system_id>/", views.system_detail, name="system"),
    path("systems/<str:system_id>/edit/", views.system_edit, name="system_edit"),
    path("systems/<str:system_id>/status/", views.system_status, name="system_status"),
    path("systems/<str:system_id>/tickets/", views.system_link_ticket, name="system_link_ticket"),
]
