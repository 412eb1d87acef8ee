from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("campaign/", views.campaign, name="campaign"),
    path("campaign/screen/", views.campaign_screen, name="campaign_screen"),
    path("investment/", views.investment_page, name="investment"),
    path("investment/counted/", views.investment_counted, name="investment_counted"),
    path("investment/statistics.xlsx", views.investment_xlsx, name="investment_xlsx"),
    path("investment/briefing.docx", views.investment_docx, name="investment_docx"),
    path("slips/", views.slips, name="slips"),
    path("durations/", views.durations_page, name="durations"),
    path("forecast/", views.forecast_page, name="forecast"),
    path("at-risk/", views.at_risk, name="at_risk"),
]
