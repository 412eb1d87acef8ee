"""Second factor for administrators (等保 2.0): a city administrator, an auditor or a superuser
signs in with the password and then a one-time code from an authenticator app (TOTP, RFC 6238,
django-otp), or one of ten recovery codes shown once when the app is set up. Until then every
page but this one, sign-out and the language switch sends them here. On with
ADMIN_SECOND_FACTOR (default: in production)."""

from base64 import b32encode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import Role, roles

ADMIN_ROLES = frozenset({Role.CITY_ADMIN, Role.AUDITOR})
RECOVERY_CODES = 10


def needs_second_factor(user) -> bool:
    return bool(user.is_superuser or roles(user) & ADMIN_ROLES)


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: an administrator not yet verified in this session sees
    only the second-factor page (the API authenticates by token and is not concerned)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.ADMIN_SECOND_FACTOR
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not self.exempt(request.path_info)
            and needs_second_factor(user)
        ):
            return redirect(f"{reverse('core:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def exempt(path: str) -> bool:
        allowed = (reverse("core:two_factor"), reverse("logout"), "/i18n/", "/api/", settings.STATIC_URL)
        return any(path.startswith(prefix if prefix.startswith("/") else "/" + prefix) for prefix in allowed)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return reverse("home")
    return target


@login_required
def two_factor(request):
    """Set up the authenticator app (the first time), or enter its code (every sign-in)."""
    from django.http import Http404

    user = request.user
    if not needs_second_factor(user):
        raise Http404  # only administrators have a second factor
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    error, codes = "", None
    if confirmed:
        if request.method == "POST":
            device = match_token(user, request.POST.get("code", "").replace(" ", ""))
            if device is not None:
                otp_login(request, device)
                return redirect(_next(request))
            error = _("That code is not right, or was used already. Enter the app's current code or a recovery code.")
        return render(request, "core/two_factor.html", {"mode": "verify", "error": error, "next": _next(request)})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False
    )
    if request.method == "POST":
        if device.verify_token(request.POST.get("code", "").replace(" ", "")):
            device.confirmed = True
            device.save()
            StaticDevice.objects.filter(user=user).delete()
            static = StaticDevice.objects.create(user=user, name=_("Recovery codes"))
            codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
            static.token_set.bulk_create([StaticToken(device=static, token=code) for code in codes])
            otp_login(request, device)
            return render(request, "core/two_factor.html", {"mode": "codes", "codes": codes, "next": _next(request)})
        error = _("That code is not right: check the app shows KeyProjects and enter its current six digits.")
    import segno

    return render(
        request,
        "core/two_factor.html",
        {
            "mode": "setup",
            "qr": segno.make(device.config_url).svg_inline(scale=4),
            "secret": b32encode(device.bin_key).decode(),
            "error": error,
            "next": _next(request),
        },
    )
