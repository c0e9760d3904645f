from django.urls import path

from liaison.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("runs/<uuid:run_id>/check/", views.run_check, name="check"),
    path("runs/<uuid:run_id>/commit/", views.run_commit, name="commit"),
    path("runs/<uuid:run_id>/mapping/", views.run_save_mapping, name="save_mapping"),
    path("runs/<uuid:run_id>/discard/", views.run_discard, name="discard"),
    path("runs/<uuid:run_id>/map-value/", views.run_map_value, name="map_value"),
    path("runs/<uuid:run_id>/progress/", views.run_progress, name="progress"),
    path("runs/<uuid:run_id>/cancel/", views.run_cancel, name="cancel"),
    path("runs/<uuid:run_id>/save-mapping/", views.run_save_snapshot, name="save_snapshot"),
    path("runs/<uuid:run_id>/rejected-rows.csv", views.run_rejections_csv, name="rejections_csv"),
    path("mappings/<int:pk>/delete/", views.mapping_delete, name="mapping_delete"),
]
