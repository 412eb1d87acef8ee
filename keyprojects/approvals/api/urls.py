from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("matters", views.ApprovalMatterViewSet)
router.register("zone-assessments", views.ZoneAssessmentViewSet)
router.register("plans", views.ApprovalPlanViewSet)
router.register("items", views.ProjectApprovalViewSet)
urlpatterns = router.urls
