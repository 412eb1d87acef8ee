"""Settings read from the environment; the defaults need nothing (SQLite and a
database task queue under var/), production is switched on by KEYPROJECTS_PRODUCTION=1."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEYPROJECTS_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key():
    """A key generated once into var/ so that sessions survive restarts without set-up; in
    production it must be given (a generated key would differ per machine and sign nothing
    another process could check), so production refuses to start without it."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    if env_bool("KEYPROJECTS_PRODUCTION"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY is required with KEYPROJECTS_PRODUCTION=1 (see docs/operations.md).")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


PRODUCTION = env_bool("KEYPROJECTS_PRODUCTION")
# Off unless asked for (DEBUG=1 make run): a page that fails shows our 500 page, never a
# traceback, in the demo too; static files are served by WhiteNoise either way.
DEBUG = env_bool("DEBUG") and not PRODUCTION
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, no CDN
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_prometheus",  # /metrics/ for Prometheus (core/health.py)
    "django_otp",  # second factor for administrators (core/two_factor.py)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "keyprojects.core",
    "keyprojects.orgs",
    "keyprojects.enterprises",
    "keyprojects.projects",
    "keyprojects.campaigns",
    "keyprojects.problems",
    "keyprojects.attraction",
    "keyprojects.policies",
    "keyprojects.approvals",
    "keyprojects.monitoring",
    "keyprojects.elements",
    "keyprojects.dashboards",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first: times the whole request
    "django.middleware.security.SecurityMiddleware",
    "keyprojects.core.middleware.SecurityHeadersMiddleware",  # CSP (no inline scripts) and Permissions-Policy
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "keyprojects.core.two_factor.SecondFactorMiddleware",  # administrators: password, then a code
    # after authentication: a user's saved language wins (core.middleware.chosen_language)
    "keyprojects.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "keyprojects.core.middleware.ActorMiddleware",
    "axes.middleware.AxesMiddleware",
    "keyprojects.core.errors.BadInputMiddleware",  # a number no database holds: 400, not 500
    "django_prometheus.middleware.PrometheusAfterMiddleware",  # last: counts responses by view and status
]

ROOT_URLCONF = "keyprojects.urls"
WSGI_APPLICATION = "keyprojects.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "keyprojects.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'keyprojects.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it compiled the indicator and dashboard aggregates for ~0.5 s per query, longer
    # than running them (bench/RESULTS.md); our queries are short, JIT pays off on long reports.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Each grouped figure keeps its totals and one entry per 256 project ids (core/figures.py):
    # the default 300 entries of the in-process cache would push a dashboard's figures out.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 50_000}}
    }

# Background work goes through the django.tasks API (built into Django 6). By default the
# queue is the database and `manage.py db_worker` runs it; with REDIS_URL it is RQ on Redis.
if REDIS_URL and not env_bool("KEYPROJECTS_TASKS_IN_DB"):
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    INSTALLED_APPS.append("django_rq")  # the RQ backend needs it (its check) and `manage.py rqworker` comes from it
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if env_bool("KEYPROJECTS_TASKS_IMMEDIATE"):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "keyprojects.orgs.sso.ProvisionedUserBackend",  # answers only when single sign-on is on
]
# OpenID Connect single sign-on (单点登录, orgs/sso.py), on when the client id is set. The four
# endpoints are the identity provider's: its /.well-known/openid-configuration lists them.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")  # names the account
OIDC_CREATE_USER = False  # accounts are opened by administrators, with their roles; never by a sign-in
OIDC_USE_PKCE = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", 10))  # seconds the provider has to answer a back-channel request
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True  # idle sessions expire; active ones keep going
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# City administrators, auditors and superusers sign in with a second factor (TOTP, with recovery
# codes: core/two_factor.py); on in production unless turned off, off in the demo unless on.
ADMIN_SECOND_FACTOR = env_bool("ADMIN_SECOND_FACTOR", PRODUCTION)
OTP_TOTP_ISSUER = "KeyProjects"
# The client's address (core/network.py): REMOTE_ADDR, or with N proxies of ours in front (nginx:
# 1) the address the outermost saw, never an X-Forwarded-For entry the client wrote.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "keyprojects.core.network.client_address"
# Failed sign-ins per address and per username over a window; a browser that signed in as the
# user before is exempt from the per-username limit (core/network.py, docs/operations.md).
SIGN_IN_WINDOW_SECONDS = int(os.environ.get("SIGN_IN_WINDOW_SECONDS", 900))
SIGN_IN_ADDRESS_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_LIMIT", 30))
SIGN_IN_USERNAME_LIMIT = int(os.environ.get("SIGN_IN_USERNAME_LIMIT", 20))
DEVICE_COOKIE_AGE = 90 * 24 * 3600

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "keyprojects" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "keyprojects.core.storage.StaticStorage"  # WhiteNoise's, source maps left alone
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}  # pip install django-storages[s3]

# Uploads (imports) are bounded: the message names the limit in the user's language.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))
# …and so is the sheet inside, whatever its bytes: a 5 KB xlsx with one cell at row 50,000,
# column 200 would otherwise make the reader build a 10-million-cell grid (core/imports.py).
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 100_000))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", 100))
IMPORT_MAX_CELLS = int(os.environ.get("IMPORT_MAX_CELLS", 5_000_000))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", 10 * IMPORT_MAX_BYTES))  # zip bombs
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Exports above this many rows run as a background job instead of in the request.
EXPORT_INLINE_MAX_ROWS = int(os.environ.get("EXPORT_INLINE_MAX_ROWS", 5000))

# /metrics/ answers only these client addresses (Prometheus on the same machine by default).
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")
# /health/ (core/health.py) wants the scheduler's tick and a worker's heartbeat task this recent.
HEALTH_HEARTBEAT_SECONDS = int(os.environ.get("HEALTH_HEARTBEAT_SECONDS", 180))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "keyprojects@localhost")
# Notifications (core/notifications.py, core/webhooks.py): links in e-mails and webhook bodies
# start with SITE_URL; a failed webhook is tried again after 1, 2, 4 … × WEBHOOK_RETRY_SECONDS.
KEYPROJECTS_SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WEBHOOK_RETRY_SECONDS = int(os.environ.get("WEBHOOK_RETRY_SECONDS", 60))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", 8))
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", 10))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "keyprojects.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "keyprojects.core.schema.Schema",  # error answers documented once
    "DEFAULT_THROTTLE_RATES": {"token": "10/min", "token-username": "5/min"},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "EXCEPTION_HANDLER": "keyprojects.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KeyProjects API",
    "DESCRIPTION": "重点项目全生命周期管理服务平台 — key projects from first lead to full capacity",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, whatever the field is called (stage, to_stage …).
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "keyprojects.projects.choices.Stage",
        "ProblemCategoryEnum": "keyprojects.problems.choices.Category",
        "AssessmentKindEnum": "keyprojects.approvals.choices.AssessmentKind",
    },
}
# A filter left open reads "All" (全部), not a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
DJANGO_TABLES2_TEMPLATE = "core/table.html"  # bootstrap5-responsive with its rows written in Python
DJANGO_TABLES2_PAGE_RANGE = 8

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
if not PRODUCTION:  # files straight from the apps' static folders, no collectstatic
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The load balancer and Prometheus ask gunicorn directly, over plain http on loopback.
    SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^metrics/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# --- projects: lights, evidence, reports (configuration, because practice differs by city) ---
KEYPROJECTS_LIGHTS = {
    "milestone_warning_days": int(os.environ.get("MILESTONE_WARNING_DAYS", 15)),  # N: due soon → yellow
    "milestone_late_days": int(os.environ.get("MILESTONE_LATE_DAYS", 15)),  # M: late ≤ M yellow, later red
    "investment_yellow_points": 10,  # behind 序时进度 by 10–30 points → yellow
    "investment_red_points": 30,  # more than 30 → red
    "start_red_days": 90,  # planned start passed: yellow, after three months red
    "statistics_yellow_days": 30,  # started but not 入统 after one month yellow
    "statistics_red_days": 60,  # after two months red
}
# Evidence a stage transition needs: "file" (document or photo), "note" (file or note), or absent.
KEYPROJECTS_STAGE_EVIDENCE = {"started": "file"}
# The deployment's root region, a GB/T 2260 code (a city, a county or a province): its regions are
# loaded by `manage.py load_regions`; ledger rows from elsewhere are refused naming where they are.
KEYPROJECTS_ROOT_REGION = os.environ.get("ROOT_REGION", "411100")  # 漯河市, the demo's city
# Open data (OC4IDS 0.9, /open-data/): who publishes it, under which licence, and the project
# identifier prefix (register one with the OC4IDS team for a real deployment).
OPEN_DATA_PUBLISHER = os.environ.get("OPEN_DATA_PUBLISHER", "漯河市发展和改革委员会")
OPEN_DATA_LICENSE = os.environ.get("OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
OC4IDS_PREFIX = os.environ.get("OC4IDS_PREFIX", "oc4ids-kp0000")
# Node templates by project field; fields not listed use the default eight nodes.
KEYPROJECTS_MILESTONE_TEMPLATES = {
    "infrastructure": ["前期手续", "开工", "主体工程", "竣工验收", "投入使用"],
}
KEYPROJECTS_REPORT_DUE_DAY = int(os.environ.get("REPORT_DUE_DAY", 5))  # monthly report due by the 5th
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
# Indicator and dashboard aggregates are cached until a table they read changes, and grouped ones
# are brought up to date part by part (core/figures.py); correctness does not depend on this
# expiry (the change log's ids follow commit order): it only frees figures nobody reads.
KEYPROJECTS_FIGURES_CACHE_SECONDS = int(os.environ.get("FIGURES_CACHE_SECONDS", 3600))
# The city's county boundaries (GeoJSON, a static file): project maps and the big screen draw them
# locally, without a tile server.
KEYPROJECTS_BOUNDARIES = os.environ.get("BOUNDARIES_STATIC_PATH", "orgs/boundaries/411100.json")
KEYPROJECTS_COMPLAINTS_HOTLINE = os.environ.get("COMPLAINTS_HOTLINE", "12345")  # shown on every public signboard
