import uuid

from django.conf import settings
from django.utils import translation

from .context import acting


def chosen_language(request) -> str:
    """The language of a page: the one the signed-in user chose (saved on the user), else the one
    chosen with the language button before signing in (its cookie), else the deployment's
    (zh-hans) — never the browser's Accept-Language: an English-language browser in a Chinese
    office still gets the Chinese platform. API clients, which are programs, ask with
    Accept-Language (core.middleware.LanguageMiddleware)."""
    known = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    saved = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    if saved in known:
        return saved
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie if cookie in known else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Django's LocaleMiddleware for pages, with the choice above; the API keeps Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        if request.path_info.startswith("/api/"):
            response.headers.setdefault("Vary", "Accept-Language")
        return response


class ActorMiddleware:
    """Binds the signed-in user and a request id to every write made while answering."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        user = request.user if request.user.is_authenticated else None
        with acting(user, request.id):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer (Django's SecurityMiddleware
    sets HSTS, nosniff, the referrer policy and COOP). Scripts only from our own static files: no
    page has an inline script or an on* attribute (core/tests/test_deploy.py checks the templates),
    so an injected <script> does not run. Styles may be inline (Bootstrap's and the charts' style
    attributes); images may be data: URIs (Bootstrap's form controls). A site camera's live view
    (hls.js) reads its stream from the video platform's own host, which is data, so streams may
    be fetched from any http(s) host and played from blob: URLs by a blob: worker; scripts stay
    ours alone. The API's Swagger UI page, which drf-spectacular writes with an inline script, is
    the one exception."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; connect-src 'self' http: https:; media-src 'self' blob: http: https:; "
        "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    SWAGGER = POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = self.SWAGGER if request.path_info.startswith("/api/docs/") else self.POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), microphone=(), geolocation=(self), payment=()"
        )
        return response
