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
    path("projects/<int:pk>/stage/", views.advance, name="advance"),
    path("projects/<int:pk>/signboard/", views.signboard_toggle, name="signboard_toggle"),
    path("projects/<int:pk>/signboard.pdf", signboard.signboard_pdf_view, name="signboard_pdf"),
    path("projects/<int:pk>/signboard-qr.png", signboard.signboard_qr_view, name="signboard_qr"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("mine/", views.mine, name="mine"),
    path("late-reports/", views.late_reports, name="late_reports"),
]
