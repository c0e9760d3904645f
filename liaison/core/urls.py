from django.urls import path

from liaison.core import views

app_name = "core"

urlpatterns = [
    path("", views.root, name="root"),
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
