from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    *views.PhaseViews.urls(),
    *views.BatchEntryViews.urls(),
    path("phases/<int:pk>/readiness/", views.readiness, name="readiness"),
    path("indicators/", views.indicator_page, name="indicators"),
    path("indicators/<slug:key>/", views.indicator_drill, name="indicator_drill"),
    path("rankings/", views.rankings_page, name="rankings"),
    path("summary/", views.summary_page, name="summary"),
    path("phases/<int:pk>/list.xlsx", views.phase_list_xlsx, name="phase_list_xlsx"),
    path("briefing.docx", views.briefing_docx, name="briefing"),
    path("scorecard/", views.scorecard_page, name="scorecard"),
]
