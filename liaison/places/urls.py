from django.urls import path

from liaison.places import views

app_name = "places"

urlpatterns = [
    path("", views.place_list, name="list"),
    path("hours/", views.public_hours, name="public_hours"),
]
