from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("problems", views.ProblemViewSet)
router.register("deadline-rules", views.DeadlineRuleViewSet)
router.register("meetings", views.MeetingViewSet)
router.register("decisions", views.DecisionViewSet)
urlpatterns = router.urls
