from django.urls import path

from . import views

app_name = "elements"
urlpatterns = [
    *views.WhitelistViews.urls(),
    *views.WhitelistEntryViews.urls(),
    *views.ElementDemandViews.urls(),
    *views.StoppageOrderViews.urls(),
    path("board/", views.board, name="board"),
    path("whitelists/<int:pk>/layout/<slug:layout>.xlsx", views.whitelist_layout, name="whitelist_layout"),
]
