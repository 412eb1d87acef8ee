"""登录与令牌: a user sees where they are signed in and their API token, and ends either — a
browser left signed in elsewhere, a token a program no longer needs. Each end is in the audit
trail (core/audit.py)."""

from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from .audit import log_auth
from .models import UserSession


def _end(user_session) -> None:
    import_module(settings.SESSION_ENGINE).SessionStore(user_session.session_key).delete()
    user_session.delete()


@login_required
def security(request):
    mine = UserSession.objects.filter(user=request.user)
    live = set(
        Session.objects.filter(session_key__in=mine.values("session_key"), expire_date__gt=timezone.now()).values_list(
            "session_key", flat=True
        )
    )
    mine.exclude(session_key__in=live).delete()  # expired or ended elsewhere
    return render(
        request,
        "core/account_security.html",
        {
            "sessions": UserSession.objects.filter(user=request.user),
            "current": request.session.session_key,
            "token": Token.objects.filter(user=request.user).first(),
        },
    )


@login_required
@require_POST
def end_session(request, pk):
    user_session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if user_session.session_key == request.session.session_key:
        messages.info(request, _("This is the session you are using: sign out to end it."))
        return redirect("core:account_security")
    _end(user_session)
    log_auth("logout", user=request.user, request=request, ended=f"{user_session.address} {user_session.agent}"[:200])
    messages.success(request, _("That session is signed out."))
    return redirect("core:account_security")


@login_required
@require_POST
def end_token(request):
    token = Token.objects.filter(user=request.user).first()
    if token is not None:
        start = token.key[:6]
        token.delete()
        log_auth("token_end", user=request.user, request=request, token=start + "…")
        messages.success(request, _("Your API token is revoked: programs using it are refused from now on."))
    return redirect("core:account_security")
