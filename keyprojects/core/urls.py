from django.urls import path

from . import schedule_views, views
from .calendar_views import CalendarDayViews, CalendarYearViews

app_name = "core"
urlpatterns = [
    path("search/", views.global_search, name="search"),
    path("pick/", views.pick, name="pick"),
    path("inbox/", views.inbox, name="inbox"),
    path("changes/", views.change_log, name="change_log"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("views/save/", views.save_view, name="save_view"),
    *CalendarYearViews.urls(),
    *CalendarDayViews.urls(),
    path("schedule/", schedule_views.schedule, name="schedule"),
    path("schedule/run/", schedule_views.schedule_run, name="schedule_run"),
    path("schedule/runs/<int:pk>/", schedule_views.scheduled_run, name="scheduled_run"),
]
