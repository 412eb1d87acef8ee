from .views import EnterpriseViews

app_name = "enterprises"
urlpatterns = [
    *EnterpriseViews.urls(),
]
