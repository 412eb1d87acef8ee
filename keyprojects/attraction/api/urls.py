from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("chains", views.ChainViewSet)
router.register("links", views.ChainLinkViewSet)
router.register("targets", views.TargetEnterpriseViewSet)
router.register("leads", views.LeadViewSet)
router.register("visits", views.VisitViewSet)
router.register("trips", views.TripViewSet)
router.register("funds", views.FundsInPlaceViewSet)
urlpatterns = router.urls
