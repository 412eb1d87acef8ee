from django.urls import path

from . import signboard, views

app_name = "projects"
urlpatterns = [
    *views.ProjectViews.urls(),
    *views.ProgressReportViews.urls(),
    *views.MilestoneViews.urls(),
    *views.YearPlanViews.urls(),
    *views.ListMembershipViews.urls(),
    *views.ProjectMemberViews.urls(),
    *views.StageRequestViews.urls(),
    *views.OfficialFigureViews.urls(),
    *views.BaselineViews.urls(),
    path("projects/<int:pk>/signboard.pdf", signboard.signboard_pdf_view, name="signboard_pdf"),
    path("projects/<int:pk>/signboard-qr.png", signboard.signboard_qr_view, name="signboard_qr"),
    path("projects/<int:pk>/files/<slug:kind>/<int:item>/", views.project_file, name="project_file"),
    path("projects/<int:pk>/documents/add/", views.add_document, name="add_document"),
    path("mine/", views.mine, name="mine"),
    path("late-reports/", views.late_reports, name="late_reports"),
]
