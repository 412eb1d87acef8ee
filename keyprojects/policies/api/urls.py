from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("policies", views.PolicyViewSet)
router.register("items", views.PolicyItemViewSet)
router.register("grants", views.GrantViewSet)
urlpatterns = router.urls
