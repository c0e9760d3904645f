from django.urls import path

from liaison.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("search/", views.entry_choices, name="choices"),
    path("new/", views.entry_create, name="create"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/edit/", views.entry_edit, name="edit"),
    path("<int:pk>/review/", views.entry_mark_reviewed, name="review"),
    path("<int:pk>/retire/", views.entry_retire, name="retire"),
]
