from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet)
router.register("milestones", views.MilestoneViewSet)
router.register("year-plans", views.YearPlanViewSet)
router.register("reports", views.ProgressReportViewSet)
router.register("stage-requests", views.StageRequestViewSet)
router.register("official-figures", views.OfficialFigureViewSet)
router.register("baselines", views.BaselineViewSet)
urlpatterns = router.urls
