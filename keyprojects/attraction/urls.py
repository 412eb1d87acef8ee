from django.urls import path

from . import views

app_name = "attraction"
urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("travelling/", views.travelling, name="travelling"),
    path("rankings/", views.rankings_page, name="rankings"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics"),
    path("review.docx", views.review_docx, name="review"),
    *views.ChainViews.urls(),
    *views.ChainLinkViews.urls(),
    *views.ChainGoalViews.urls(),
    *views.YearGoalViews.urls(),
    *views.TargetEnterpriseViews.urls(),
    *views.TeamViews.urls(),
    *views.CadreViews.urls(),
    *views.LeadViews.urls(),
    *views.VisitViews.urls(),
    *views.TripViews.urls(),
    *views.FundsInPlaceViews.urls(),
]
