from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("public-calculator/", views.public_calculator, name="public_calculator"),
    path("publicity/", views.publicity, name="publicity"),
    path("figures/", views.figures, name="figures"),
    path("policies/<int:pk>/rules.txt", views.rules_file, name="rules_file"),
    path("items/preview/", views.preview, name="preview"),
    *views.PolicyViews.urls(),
    *views.PolicyItemViews.urls(),
    *views.GrantViews.urls(),
]
