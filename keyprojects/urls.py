from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from keyprojects.core import views as core_views
from keyprojects.orgs import sso
from keyprojects.projects import opendata
from keyprojects.projects import views as project_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", sso.LoginView.as_view(), name="login"),
    path("oidc/authenticate/", sso.SignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),  # saves the choice on the user
    path("i18n/", include("django.conf.urls.i18n")),
    path("core/", include("keyprojects.core.urls")),
    path("orgs/", include("keyprojects.orgs.urls")),
    path("", include("keyprojects.enterprises.urls")),  # /enterprises/
    path("projects/", include("keyprojects.projects.urls")),
    path("campaigns/", include("keyprojects.campaigns.urls")),
    path("problems/", include("keyprojects.problems.urls")),
    path("attraction/", include("keyprojects.attraction.urls")),
    path("dashboards/", include("keyprojects.dashboards.urls")),
    path("policies/", include("keyprojects.policies.urls")),
    path("approvals/", include("keyprojects.approvals.urls")),
    path("monitoring/", include("keyprojects.monitoring.urls")),
    path("s/<str:token>/", project_views.signboard, name="signboard"),
    path("open-data/", include(opendata.urlpatterns)),  # public: no sign-in
    path("api/", include("keyprojects.api_urls")),
    path("admin/", admin.site.urls),
]

handler400 = "keyprojects.core.errors.bad_request"  # our messages, in the user's language
handler404 = "keyprojects.core.errors.page_not_found"  # JSON under /api/
handler500 = "keyprojects.core.errors.server_error"  # a sentence and the request id, never a traceback
