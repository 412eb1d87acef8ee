from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    *views.ApprovalMatterViews.urls(),
    *views.ZoneAssessmentViews.urls(),
    *views.ApprovalPlanViews.urls(),
    *views.ProjectApprovalViews.urls(),
    path("queue/", views.queue, name="queue"),
    path("figures/", views.figures, name="figures"),
    path("circular.<str:fmt>", views.circular, name="circular"),
]
