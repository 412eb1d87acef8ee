from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("problems", views.ProblemViewSet)
router.register("deadline-rules", views.DeadlineRuleViewSet)
urlpatterns = router.urls
