from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("whitelists", views.WhitelistViewSet)
router.register("entries", views.WhitelistEntryViewSet)
router.register("demands", views.ElementDemandViewSet)
router.register("orders", views.StoppageOrderViewSet)
urlpatterns = router.urls
