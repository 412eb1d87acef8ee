from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("search/", views.global_search, name="search"),
    path("inbox/", views.inbox, name="inbox"),
    path("changes/", views.change_log, name="change_log"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("jobs/<int:pk>/errors/", views.job_errors, name="job_errors"),
    path("views/save/", views.save_view, name="save_view"),
]
