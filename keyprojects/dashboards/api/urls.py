from django.urls import path

from . import views

urlpatterns = [
    path("investment/", views.InvestmentView.as_view(), name="api_investment"),
    path("durations/", views.DurationsView.as_view(), name="api_durations"),
    path("forecasts/", views.ForecastView.as_view(), name="api_forecasts"),
]
