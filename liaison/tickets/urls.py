"""Staff pages under /tickets/ and the patron's status page under /status/ (one include)."""

from django.urls import path

from liaison.tickets import views

app_name = "tickets"

urlpatterns = [
    path("tickets/", views.my_work, name="my_work"),
    path("tickets/queue/", views.queue_view, name="queue"),
    path("tickets/bulk/", views.bulk_update, name="bulk"),
    path("tickets/new/", views.ticket_new, name="new"),
    path("tickets/promote/<uuid:client_id>/", views.ticket_promote, name="promote"),
    path("tickets/<uuid:reference>/", views.ticket_detail, name="detail"),
    path("tickets/<uuid:reference>/state/", views.ticket_state, name="state"),
    path("tickets/<uuid:reference>/assign/", views.ticket_assign, name="assign"),
    path("tickets/<uuid:reference>/priority/", views.ticket_priority, name="priority"),
    path("tickets/<uuid:reference>/move/", views.ticket_move, name="move"),
    path("tickets/<uuid:reference>/reply/", views.ticket_reply, name="reply"),
    path("tickets/<uuid:reference>/follow/", views.ticket_follow, name="follow"),
    path("tickets/<uuid:reference>/contact/", views.contact_reveal, name="contact"),
    path("tickets/<uuid:reference>/status-link/", views.status_link_new, name="status_link"),
    path("tickets/<uuid:reference>/attachments/", views.ticket_attach, name="attach"),
    path("tickets/<uuid:reference>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("tickets/<uuid:reference>/articles/", views.article_link, name="article_link"),
    path("tickets/<uuid:reference>/articles/search/", views.article_search, name="article_search"),
    path("tickets/<uuid:reference>/articles/<int:article_id>/unlink/", views.article_unlink, name="article_unlink"),
    path("status/<str:token>/", views.status_page, name="status"),
]
