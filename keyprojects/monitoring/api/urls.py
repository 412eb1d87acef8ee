from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("cameras", views.CameraViewSet)
router.register("snapshots", views.SnapshotViewSet)
router.register("inspections", views.InspectionViewSet)
urlpatterns = router.urls
