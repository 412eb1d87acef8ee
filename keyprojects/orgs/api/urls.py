from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("departments", views.DepartmentViewSet)
router.register("offices", views.OfficeViewSet)
router.register("contacts", views.ContactViewSet)
router.register("memberships", views.MembershipViewSet)
urlpatterns = router.urls
