"""Settings for museumshare, read from the environment.

Every variable is listed, with its default, in `.env.example`. With no configuration the
project runs on SQLite in ./var/; DEBUG is off unless set (`make run` and the tests set it), and
then SECRET_KEY is required.
"""

import importlib.util
import os
from ipaddress import ip_network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets the admin and forms be written ModelAdmin[Loan] at run time, as mypy reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("MUSEUMSHARE_VAR_DIR") or Path.cwd() / "var")


def envbool(name: str, default: bool) -> bool:
    # A value it cannot read stops the start-up: "ture" read as false could leave a safeguard off.
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}")


def envstr(name: str, default: str) -> str:
    # An empty variable counts as unset: `FOO= make run` should not blank a setting.
    return os.environ.get(name) or default


def envint(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    # Every number here is a count, a size or a time: none makes sense below zero, most not at zero.
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum or (maximum is not None and number > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise ImproperlyConfigured(f"{name} must be a whole number {bounds}, not {value!r}")
    return number


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, in any case."""
    value = envstr(name, default).strip()
    for choice in choices:
        if value.upper() == choice.upper():
            return choice
    raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")


def envclass(name: str, default: str) -> str:
    """A class by its dotted path, such as a storage or an email backend. Only its module is looked
    for here (the class is imported where it is used, once the settings are loaded), so that a typo
    stops the start-up rather than the first upload or email."""
    value = envstr(name, default).strip()
    module, _, attribute = value.rpartition(".")
    try:
        found = bool(module and attribute) and importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ImproperlyConfigured(f"{name} must be the dotted path of a class in an installed module, not {value!r}")
    return value


def envrate(name: str, default: str) -> str:
    """A request rate as DRF's throttles read it: "120/minute" (a second, minute, hour or day)."""
    value = envstr(name, default).strip().lower()
    number, _, period = value.partition("/")
    # DRF reads only the period's first letter: "5/ms" would be five a minute, "5/Minute" an error.
    periods = {"s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes"}
    periods |= {"h", "hour", "hours", "d", "day", "days"}
    if not (number.isascii() and number.isdigit() and int(number) > 0 and period in periods):
        raise ImproperlyConfigured(f"{name} must be a number of requests a period, such as 120/minute, not {value!r}")
    return value


def envnetworks(name: str) -> list[str]:
    """IP addresses or networks, by commas: 127.0.0.1,10.0.0.0/8."""
    entries = envlist(name, "")
    for entry in entries:
        try:
            ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be IP addresses or networks, by commas, not {entry!r}") from None
    return entries


def envdatabase(name: str, default: str, **options: Any) -> dict[str, Any]:
    """A PostgreSQL or SQLite database as a URL. The message names the scheme, never the whole URL,
    which may hold a password."""
    url = envstr(name, default)
    try:
        database = dict(dj_database_url.parse(url, **options))
    except dj_database_url.UnknownSchemeError:
        database = {"ENGINE": ""}
    except ValueError as error:  # a port that is not a number, a broken IPv6 address
        raise ImproperlyConfigured(f"{name} could not be read as a database URL ({error})") from None
    if database["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        scheme = url.partition("://")[0] if "://" in url else ""
        given = f"a {scheme}:// URL" if scheme else "a URL without a scheme"
        raise ImproperlyConfigured(f"{name} must be a postgresql:// or sqlite:// URL, not {given}")
    return database


def tile_origins(url: str) -> list[str]:
    """The origin a map tile URL template loads from, for the CSP: {s} subdomains become a wildcard."""
    if not url:
        return []
    parts = urlsplit(url.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"MAP_TILE_URL must be an http or https URL, not {url!r}")
    return [f"{parts.scheme}://{parts.netloc}"]


# Off unless asked for: a server started with no configuration must not show Django's technical pages.
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", "museumshare-insecure-development-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin, open only to staff who have given a two-factor code.
    "museumshare.accounts.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "leaflet",
    "django_countries",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The audit log's table refuses UPDATE and DELETE on PostgreSQL (core.models.AuditEntry).
    "pgtrigger",
    # Sign-in lockout (accounts.lockout) and two-factor authentication (accounts.two_factor).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "museumshare.core",
    "museumshare.accounts",
    "museumshare.organisations",
    "museumshare.activities",
    "museumshare.loans",
    "museumshare.programmes",
    "museumshare.needs",
    "museumshare.returns",
    "museumshare.reports",
    "museumshare.atlas",
    "museumshare.api",
    # Last: the project itself, for the home page, base templates, static files and setup_demo.
    "museumshare.apps.SiteConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early: a body larger than MAX_UPLOAD_BYTES is refused (413) before anything reads it.
    "museumshare.core.files.UploadSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "museumshare.core.headers.PermissionsPolicyMiddleware",
    # Every audit entry made while answering a request records the client's address.
    "museumshare.core.audit.AddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: a person who must give a code is sent to give it before anything else.
    "museumshare.accounts.two_factor.TwoFactorMiddleware",
    "museumshare.accounts.lockout.SessionIdleMiddleware",
    "museumshare.accounts.lockout.ApiLockoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "museumshare.urls"
WSGI_APPLICATION = "museumshare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# An empty DATABASE_URL counts as unset (envstr), so it means SQLite too.
DATABASES = {
    "default": envdatabase(
        "DATABASE_URL",
        f"sqlite:///{VAR_DIR / 'museumshare.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DB_JIT_OFF", True):
    # PostgreSQL's JIT compiles any query its planner thinks costly: 50–70 ms of compiling for the
    # report's and the map's grouped queries, which take 100–300 ms to run (make bench).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite's own page cache is 2 MB a connection: a 64 MB cache and reads straight from the
    # memory-mapped file take an eighth off the report at national scale (make bench).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "init_command", "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any password, right or wrong, while the account or the address is locked out.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A reset link left in an inbox is a key to the account: it works for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
# Reset emails a client address, or an email address, may ask for in an hour (accounts.lockout).
PASSWORD_RESET_EMAILS_PER_HOUR = envint("PASSWORD_RESET_EMAILS_PER_HOUR", 3, minimum=1)
# A signed-in session ends after this many minutes without a request (accounts.lockout.SessionIdleMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Sign-in lockout (django-axes): after SIGN_IN_FAILURE_LIMIT wrong passwords for one account, or from
# one client address, every sign-in for it is refused, the right password too, until
# SIGN_IN_LOCKOUT_MINUTES pass without another try. The site, the admin and the API all count.
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # axes reads a number as hours
AXES_LOCKOUT_PARAMETERS = "museumshare.accounts.lockout.lockout_parameters"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "museumshare.accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "museumshare.core.network.client_ip"
AXES_LOCKOUT_CALLABLE = "museumshare.accounts.lockout.locked_out"
AXES_VERBOSE = False

# Two-factor authentication (accounts.two_factor): anyone may turn it on; superusers, staff,
# analysts, administrators and programme managers must. Off only on a development machine.
TWO_FACTOR_REQUIRED = envbool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "museumshare"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
# The SQLite database and, in development, collected static files live here; make sure it exists.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Nothing serves MEDIA_URL: each uploaded file is sent by a view that checks who may see it.
# The largest request body accepted, files and all; each kind of upload has its own, smaller
# limit too (core/files.py). Larger requests get 413 before their body is read.
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1)
# Form fields other than files, and API bodies: Django's own limit, made explicit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Uploaded files above this are streamed to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
STORAGES = {
    # Uploaded files: local disk by default; any Django storage backend by dotted path, so
    # several app servers can share one bucket and keep nothing on their own disks.
    "default": {"BACKEND": envclass("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": envclass(
            "STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# The map (atlas): boundaries come from the app itself, so it needs no tile server. A deployment
# online may put a background of streets and places under them; the provider's terms decide the
# attribution, which the map shows beside ONS's and Mapping Museums'.
MAP_TILE_URL = envstr("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = envstr("MAP_TILE_ATTRIBUTION", "")

EMAIL_BACKEND = envclass("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "museumshare <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Messages about needs one person may send to other museums in 24 hours (needs.services.conversation_start).
NEEDS_MESSAGES_PER_DAY = envint("NEEDS_MESSAGES_PER_DAY", 10, minimum=1)

# Reverse proxies in front of museumshare (addresses or networks, by commas). Only a request from
# one of them has its X-Forwarded-For believed, for sign-in throttling and the audit log's
# addresses (core.network.client_ip). Default: none, so REMOTE_ADDR is the client.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("USE_X_FORWARDED_PROTO", False) else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): pages run only the scripts and styles served from the site
# itself; no template has an inline script, event handler or style attribute (a test keeps it so),
# and the charts' SVG carries presentation attributes, not styles. Data for scripts travels in data-
# attributes or json_script. The API's documentation pages follow the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for Leaflet's and Swagger UI's small images; a tile server's origin when there is one.
        "img-src": [SELF, "data:", *tile_origins(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features no page of museumshare uses, refused for every page and anything it embeds.
PERMISSIONS_POLICY = [
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
]

# The REST API (museumshare/api, docs/api.md). A token comes first so that a request without
# credentials gets 401 with a WWW-Authenticate header; the browser keeps its session.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Named, expiring tokens kept only as hashes (accounts.tokens); "Authorization: Token <key>".
        "museumshare.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Requests a client address (anonymous) or a person may make, and writes of either (accounts.throttles).
    "DEFAULT_THROTTLE_CLASSES": [
        "museumshare.accounts.throttles.AnonymousThrottle",
        "museumshare.accounts.throttles.SignedInThrottle",
        "museumshare.accounts.throttles.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": envrate("API_RATE_ANONYMOUS", "300/minute"),
        "signed_in": envrate("API_RATE_SIGNED_IN", "1200/minute"),
        "write": envrate("API_RATE_WRITE", "120/minute"),
    },
    # A body nested too deeply is refused with a 400 (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["museumshare.api.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "SEARCH_PARAM": "q",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "museumshare.api.common.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "museumshare API",
    "DESCRIPTION": "The register of partnership work between UK museums. See docs/api.md.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc come from the drf-spectacular-sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Organisations, activities and networks each have a "kind", activities and loans a "status",
    # from different lists.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "museumshare.organisations.models.Kind",
        "ActivityKindEnum": "museumshare.activities.models.Kind",
        "NetworkKindEnum": "museumshare.activities.models.NetworkKind",
        "ActivityStatusEnum": "museumshare.activities.models.Status",
        "LoanStatusEnum": "museumshare.loans.models.Status",
        # Programmes add their own kinds and statuses of opportunities, events, resources and applications.
        "ProgrammeStatusEnum": "museumshare.programmes.models.ProgrammeStatus",
        "OpportunityKindEnum": "museumshare.programmes.models.OpportunityKind",
        "OpportunityStatusEnum": "museumshare.programmes.models.OpportunityStatus",
        "ApplicationStatusEnum": "museumshare.programmes.models.ApplicationStatus",
        "EventKindEnum": "museumshare.programmes.models.EventKind",
        "ResourceKindEnum": "museumshare.programmes.models.ResourceKind",
        # Returns and reporting years have statuses of their own too.
        "ReturnStatusEnum": "museumshare.returns.models.ReturnStatus",
        "YearStatusEnum": "museumshare.returns.models.YearStatus",
        "SectionEnum": "museumshare.returns.models.Section",
        "SourceEnum": "museumshare.returns.models.Source",
        # Needs and offers: their kinds, and a visibility of public or private only.
        "ActivityVisibilityEnum": "museumshare.activities.models.Visibility",
        "NeedKindEnum": "museumshare.needs.models.Kind",
        "NeedVisibilityEnum": "museumshare.needs.models.Visibility",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": envchoice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
    # WeasyPrint tells each step of every PDF at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
