from django.urls import path

from . import views

app_name = "problems"
urlpatterns = [
    *views.ProblemViews.urls(),
    *views.DeadlineRuleViews.urls(),
    *views.MeetingViews.urls(),
    *views.AgendaItemViews.urls(),
    *views.DecisionViews.urls(),
    path("meetings/<int:pk>/<slug:part>.docx", views.meeting_docx, name="meeting_docx"),
    path("problems/<int:pk>/files/<int:action>/", views.problem_file, name="problem_file"),
    path("queue/", views.queue, name="queue"),
    path("board/", views.board_page, name="board"),
    path("board/circular.docx", views.circular_docx, name="circular"),
]
