"""OpenID Connect single sign-on (单点登录, 一号多用), on when OIDC_RP_CLIENT_ID is set.

mozilla-django-oidc speaks the protocol; what is ours is who may come in: the account an
administrator opened whose username the identity provider's username claim names, and which is
active. Single sign-on opens no account and grants no role: a person the platform does not know
is sent back to the sign-in page with a message, and signs in nowhere.
"""

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from keyprojects.forms import LoginForm

logger = logging.getLogger(__name__)


def enabled():
    return bool(settings.OIDC_RP_CLIENT_ID)


class ProvisionedUserBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **credentials):
        return super().authenticate(request, **credentials) if enabled() else None

    def verify_claims(self, claims):
        return True  # a missing username claim matches nobody: filter_users_by_claims() says no

    def filter_users_by_claims(self, claims):
        username = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username, is_active=True)

    def update_user(self, user, claims):
        return user  # the platform's own record of a person is kept by its administrators


class _OnlyWhenEnabled:
    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignInView(_OnlyWhenEnabled, OIDCAuthenticationRequestView):
    """Sends the browser to the identity provider."""


class CallbackView(_OnlyWhenEnabled, OIDCAuthenticationCallbackView):
    """Where the identity provider sends the browser back; every failure returns to the sign-in
    page with the reason in the user's language."""

    unreachable = False

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def get(self, request):
        try:
            return super().get(request)
        except requests.RequestException:
            logger.exception("The identity provider's token, keys or user-info request failed.")
            self.unreachable = True
            return self.login_failure()

    def login_failure(self):
        if self.unreachable:
            reason = _(
                "Single sign-on failed: the identity provider could not be reached or refused the request. "
                "Try again later."
            )
        elif self.request.GET.get("error"):
            reason = _("Single sign-on was cancelled or refused by the identity provider.")
        else:
            reason = _(
                "Single sign-on did not sign you in: this platform has no active account for you. "
                "Ask your administrator to open one, or sign in with your password."
            )
        messages.error(self.request, reason)
        return super().login_failure()


class LoginView(auth_views.LoginView):
    """The password sign-in page, offering single sign-on beside it when it is on."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso": enabled()}

    def post(self, request, *args, **kwargs):
        from keyprojects.core.network import sign_in_refused

        if sign_in_refused(request, request.POST.get("username", "")):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _("Too many failed sign-ins from here or for this account. Wait %(minutes)s minutes and try again.")
                % {"minutes": settings.SIGN_IN_WINDOW_SECONDS // 60},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        from keyprojects.core.network import remember_device

        response = super().form_valid(form)
        remember_device(response, form.get_user().get_username())
        return response
