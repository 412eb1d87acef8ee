from django.urls import path

from . import views

app_name = "problems"
urlpatterns = [
    *views.ProblemViews.urls(),
    *views.DeadlineRuleViews.urls(),
    path("problems/<int:pk>/files/<int:action>/", views.problem_file, name="problem_file"),
    path("queue/", views.queue, name="queue"),
]
