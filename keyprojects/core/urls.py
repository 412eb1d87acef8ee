from django.urls import path

from . import account_views, notification_views, schedule_views, two_factor, views
from .calendar_views import CalendarDayViews, CalendarYearViews

app_name = "core"
urlpatterns = [
    path("search/", views.global_search, name="search"),
    path("inbox/", notification_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path("inbox/read-all/", notification_views.notifications_read_all, name="notifications_read_all"),
    path("inbox/settings/", notification_views.notification_settings, name="notification_settings"),
    *notification_views.WebhookEndpointViews.urls(),
    path("webhooks/deliveries/", notification_views.webhook_deliveries, name="webhook_deliveries"),
    path("webhooks/deliveries/<int:pk>/retry/", notification_views.webhook_retry, name="webhook_retry"),
    path("pick/", views.pick, name="pick"),
    path("changes/", views.change_log, name="change_log"),
    path("account/security/", account_views.security, name="account_security"),
    path("account/two-factor/", two_factor.two_factor, name="two_factor"),
    path("account/sessions/<int:pk>/end/", account_views.end_session, name="account_end_session"),
    path("account/token/end/", account_views.end_token, name="account_end_token"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("jobs/<int:pk>/errors/", views.job_errors, name="job_errors"),
    path("views/save/", views.save_view, name="save_view"),
    *CalendarYearViews.urls(),
    *CalendarDayViews.urls(),
    path("schedule/", schedule_views.schedule, name="schedule"),
    path("schedule/run/", schedule_views.schedule_run, name="schedule_run"),
    path("schedule/runs/<int:pk>/", schedule_views.scheduled_run, name="scheduled_run"),
]
