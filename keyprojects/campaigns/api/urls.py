from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("phases", views.PhaseViewSet)
router.register("entries", views.BatchEntryViewSet)
urlpatterns = [path("indicators/", views.IndicatorView.as_view(), name="campaign_indicators"), *router.urls]
