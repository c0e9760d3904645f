from django.urls import path

from liaison.kb import views

app_name = "kb"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_create, name="create"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/edit/", views.article_edit, name="edit"),
    path("<slug:slug>/publish/", views.article_publish, name="publish"),
    path("<slug:slug>/unpublish/", views.article_unpublish, name="unpublish"),
]
