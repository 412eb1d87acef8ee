from django.urls import path

from .views import EnterpriseViews, fact_feed

app_name = "enterprises"
urlpatterns = [
    *EnterpriseViews.urls(),
    path("enterprises/facts/feed/", fact_feed, name="fact_feed"),
]
