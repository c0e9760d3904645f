from django.urls import path

from liaison.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.choose, name="choose"),
    path("help/read-scale/", views.read_scale_help, name="read_scale_help"),
    path("<slug:slug>/", views.screen, name="screen"),
    path("<slug:slug>/undo/<uuid:client_id>/", views.undo, name="undo"),
]
