from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("campaign/", views.campaign, name="campaign"),
    path("campaign/screen/", views.campaign_screen, name="campaign_screen"),
]
