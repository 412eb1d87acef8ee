from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import ObtainAuthToken

from keyprojects.core.network import AddressThrottle, UsernameThrottle


class TokenView(ObtainAuthToken):
    """Username and password in, token out; throttled per client address and per username
    against guessing (core/network.py)."""

    throttle_classes = [AddressThrottle, UsernameThrottle]


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api_token"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("orgs/", include("keyprojects.orgs.api.urls")),
    path("projects/", include("keyprojects.projects.api.urls")),
    path("campaigns/", include("keyprojects.campaigns.api.urls")),
    path("problems/", include("keyprojects.problems.api.urls")),
    path("attraction/", include("keyprojects.attraction.api.urls")),
    path("policies/", include("keyprojects.policies.api.urls")),
    path("dashboards/", include("keyprojects.dashboards.api.urls")),
    path("approvals/", include("keyprojects.approvals.api.urls")),
    path("monitoring/", include("keyprojects.monitoring.api.urls")),
    path("", include("keyprojects.enterprises.api.urls")),  # /api/enterprises/
]
