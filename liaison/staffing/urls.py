from django.urls import path

from liaison.staffing import views

app_name = "staffing"

urlpatterns = [
    path("", views.home, name="home"),
    path("schedule/", views.schedule_week, name="schedule"),
    path("availability/", views.my_availability, name="my_availability"),
    path("on-duty/", views.on_duty, name="on_duty"),
    path("payroll/", views.payroll, name="payroll"),
    path("needs/", views.needs, name="needs"),
    path("needs/suggested/", views.needs_suggested, name="needs_suggested"),
    path("needs/import/", views.needs_import, name="needs_import"),
    path("needs/export/", views.needs_export, name="needs_export"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/<str:token>/<slug:slug>.ics", views.point_feed, name="point_feed"),
    path("workers/", views.worker_list, name="workers"),
    path("workers/<int:pk>/", views.worker_detail, name="worker"),
    path("workers/<int:pk>/availability/", views.worker_availability, name="worker_availability"),
    path("workers/<int:pk>/dates/", views.date_add, name="date_add"),
    path("workers/<int:pk>/dates/<int:date_pk>/delete/", views.date_remove, name="date_remove"),
    path("workers/<int:pk>/notes/", views.note_add, name="note_add"),
    path("workers/<int:pk>/training/", views.training_add, name="training_add"),
    path("training/<int:pk>/sign-off/", views.training_sign_off, name="training_sign_off"),
    path("terms/<int:pk>/generate/", views.generate, name="generate"),
    path("terms/<int:pk>/publish/", views.publish, name="publish"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/apply/", views.run_apply, name="run_apply"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/offer/", views.shift_offer, name="shift_offer"),
    path("shifts/<int:pk>/assign/", views.shift_assign, name="shift_assign"),
    path("offers/<int:pk>/take/", views.offer_take, name="offer_take"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("offers/<int:pk>/decide/", views.offer_decide, name="offer_decide"),
]
