from django.urls import path

from liaison.software import views

app_name = "software"

urlpatterns = [
    path("", views.matrix_page, name="matrix"),
    path("matrix.csv", views.matrix_csv, name="matrix_csv"),
    path("unneeded/", views.unneeded, name="unneeded"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("needs/new/", views.need_new, name="need_new"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
    path("needs/<int:pk>/request/", views.request_new, name="request_new"),
    path("requests/", views.request_list, name="requests"),
    path("requests/ask-all/", views.requests_ask_all, name="requests_ask_all"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/take/", views.request_take, name="request_take"),
    path("requests/<int:pk>/resolve/", views.request_resolve, name="request_resolve"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("images/", views.image_list, name="images"),
    path("images/<int:pk>/", views.image_detail, name="image"),
    path("drift/", views.drift_page, name="drift"),
    path("drift/<int:workstation_pk>/<int:permission_pk>/decide/", views.drift_decide, name="drift_decide"),
    path("baselines/new/", views.baseline_new, name="baseline_new"),
    path("faculty/<str:token>/", views.faculty, name="faculty"),
]
