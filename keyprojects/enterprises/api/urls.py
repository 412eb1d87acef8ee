from rest_framework.routers import SimpleRouter

from . import views

# Included at /api/, so the list is /api/enterprises/ (a SimpleRouter: no second API root).
router = SimpleRouter()
router.register("enterprises", views.EnterpriseViewSet)
router.register("enterprise-facts", views.EnterpriseFactViewSet)
urlpatterns = router.urls
