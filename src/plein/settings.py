"""Settings of Integriteitsplein: one module, driven by environment variables.

The defaults are safe for the demo (SQLite in ``var/``, no external services). ``PLEIN_ENV=production`` turns on
the production checks: start-up refuses a missing ``SECRET_KEY``, ``DEBUG`` on, or insecure cookies.
Every variable is listed in ``docs/configuration.md``.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("PLEIN_ROOT", BASE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("PLEIN_VAR_DIR", PROJECT_ROOT / "var")).resolve()
NODE_MODULES = PROJECT_ROOT / "node_modules"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on", "ja"}:
        return True
    if value.lower() in {"0", "false", "no", "off", "nee"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PLEIN_ENV = env("PLEIN_ENV", "dev")
if PLEIN_ENV not in {"dev", "demo", "test", "production"}:
    raise ImproperlyConfigured(f"PLEIN_ENV must be dev, demo, test or production, not {PLEIN_ENV!r}")
PRODUCTION = PLEIN_ENV == "production"
DEMO = PLEIN_ENV == "demo"
TESTING = PLEIN_ENV == "test"

DEBUG = env_bool("DEBUG", default=PLEIN_ENV == "dev")


def _secret_key() -> str:
    key = env("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when PLEIN_ENV=production.")
    # Outside production a random key is kept in var/, never in the repository.
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Our apps come first so that their templates override third-party ones.
    "plein.core",
    "plein.api",
    "plein.portal",
    "plein.reports",
    "plein.dossiers",
    "plein.consultations",
    "plein.oaths",
    "plein.positions",
    "plein.declarations",
    "plein.deliberation",
    "plein.learning",
    "plein.annual_report",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from our own origin (plein.api, /api/docs/)
    "django_tasks",
    "csp",
    # --- Integriteitsplein portal (issue 10): Wagtail for the editorial content, CMS at /cms/ (docs/portal.md).
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # --- end portal
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Issue 13: Referrer-Policy no-referrer on the reporter pages (PLEIN_NO_REFERRER_PATH_PREFIXES).
    "plein.core.middleware_headers.PathSecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # MFA enforcement: needs the user (AuthenticationMiddleware) and allauth's context (AccountMiddleware).
    "plein.core.middleware_mfa.MFAEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "plein.core.middleware.OrganisationMiddleware",
    # Portal: the CMS (/cms/) gets its own, narrower CSP exception and allauth log-in (ADR 0003). After CSPMiddleware.
    "plein.portal.middleware.CMSAdminMiddleware",
    # Whole-page cache (plein.core.pagecache): every successful change makes the cached pages stale.
    "plein.core.pagecache.PageCacheInvalidationMiddleware",
]

ROOT_URLCONF = "plein.urls"
WSGI_APPLICATION = "plein.wsgi.application"
# Benchmarks (issue 12, benchmarks/run): a bare view at /__bench__/django, through the full middleware stack, as the
# baseline the pages are compared with. Off everywhere except in a benchmark run.
PLEIN_BENCHMARK_VIEWS = env_bool("PLEIN_BENCHMARK_VIEWS", False)
# Whole-page cache of the portal home and the start page, in seconds (plein.core.pagecache, docs/performance.md).
# 0 switches it off; off in the test suite, whose cache outlives each test's rolled-back data.
PLEIN_PAGE_CACHE_SECONDS = env_int("PLEIN_PAGE_CACHE_SECONDS", 0 if TESTING else 60)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "plein.core.context_processors.plein",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------------------
# SQLite (WAL mode) is the embedded default; PostgreSQL comes in through DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'plein.sqlite3'}")
# Connections are kept open between requests (checked before reuse), except in the test suite, which manages its own.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if TESTING else 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    if not DATABASES["default"]["NAME"].startswith(":memory:") and not TESTING:
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # No JIT compilation: the pages' queries are short, and PostgreSQL's cost estimate for a correlated subquery over
    # 20,000 people passed jit_above_cost, compiling for 10-50 ms on every request (issue 12).
    pg_options = ["-c jit=off"]
    if TESTING:
        # The test suite's commits (live-server and transactional tests) need no durability: do not wait for the disk.
        pg_options.append("-c synchronous_commit=off")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(pg_options)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------------------
# Rate limits live in the cache, so app servers must share it: Redis for scale, a file cache when embedded.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Authentication -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # A permission our rules define is decided by them alone (plein.core.auth.RulesDecideBackend).
    "plein.core.auth.RulesDecideBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; real hashing is tested where it matters.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:start"
LOGOUT_REDIRECT_URL = "core:home"

ACCOUNT_ADAPTER = "plein.core.auth.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Failed logins are limited per account and per IP address (kept only as keyed hashes in the cache).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/15m/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reauthenticate": "10/m/user",
}
# Behind a load balancer or TLS proxy every request comes from the proxy: count the proxies that add an
# X-Forwarded-For entry, so that per-address limits apply to the client and not to the proxy (issue 3, login).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SOCIALACCOUNT_ADAPTER = "plein.core.auth.SocialAccountAdapter"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# Single sign-on with OpenID Connect (for example Microsoft Entra ID), configured through the environment.
OIDC_SERVER_URL = env("OIDC_SERVER_URL")
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env("OIDC_PROVIDER_ID", "sso"),
                "name": env("OIDC_NAME", "Single sign-on"),
                "client_id": env("OIDC_CLIENT_ID"),
                "secret": env("OIDC_CLIENT_SECRET"),
                "settings": {
                    "server_url": OIDC_SERVER_URL,
                    "token_auth_method": "client_secret_post",
                    # E-mail domains whose addresses the identity provider vouches for (Entra ID sends no
                    # email_verified claim); only then is an SSO login matched to an existing account by e-mail.
                    "verified_email": env_list("OIDC_VERIFIED_EMAIL_DOMAINS", []),
                },
            }
        ],
    }

MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Integriteitsplein")
# MFA is required for every role that can see personal or report data. Only the demo may switch it off, and then
# only explicitly (PLEIN_DEMO_MFA_OPTIONAL=1); the demo banner says so.
PLEIN_MFA_OPTIONAL = env_bool("PLEIN_DEMO_MFA_OPTIONAL", False)
if PLEIN_MFA_OPTIONAL and not (DEMO or TESTING):
    raise ImproperlyConfigured("PLEIN_DEMO_MFA_OPTIONAL may only be set in the demo (PLEIN_ENV=demo).")

# --- Sessions, cookies and security headers -------------------------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "plein.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts, and Django's CSRF
# check then refuses every form (found by the browser tests). Nothing is sent to other origins either way.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Issue 13: the reporter pages send no referrer at all (plein.core.middleware_headers); the rest keeps same-origin.
PLEIN_NO_REFERRER_PATH_PREFIXES = ["/melden/"]
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", PRODUCTION) else None

_form_action = ["'self'"]
if OIDC_SERVER_URL:
    parts = urlsplit(OIDC_SERVER_URL)
    _form_action.append(f"{parts.scheme}://{parts.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": _form_action,
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when PLEIN_ENV=production.")
    if not (SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE):
        raise ImproperlyConfigured(
            "Insecure cookies are refused when PLEIN_ENV=production: "
            "SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE must be on."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required when PLEIN_ENV=production.")

# --- Internationalisation -------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
# collectstatic is for production; elsewhere WhiteNoise serves straight from the finders.
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static"))) if PRODUCTION or env("STATIC_ROOT") else None
# Front-end assets come from npm (node_modules) and are served from our own origin.
STATICFILES_DIRS = [
    ("vendor/utrecht", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/utrecht-tokens", NODE_MODULES / "@utrecht" / "design-tokens" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    # The typeface the Utrecht design tokens name (Noto Sans); npm installs it with @utrecht/design-tokens.
    ("vendor/noto-sans", NODE_MODULES / "@fontsource-variable" / "noto-sans"),
]
# Of the design tokens only the stylesheet the layout links: the package's other files are 15 MB, and one of them
# refers to an icon the package does not ship, on which the manifest storage below rightly stops collectstatic
# (plein.core.staticfiles, docs/performance.md "Production deployment").
PLEIN_STATICFILES_SELECTED = {"vendor/utrecht-tokens": ["index.css"]}
STATICFILES_FINDERS = [
    "plein.core.staticfiles.SelectedFilesFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media-not-served/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
if env("PLEIN_STORAGE") == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            "region_name": env("S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o600
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    # Without a mail server, messages are written to var/mail so that nothing leaves the machine.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "integriteitsplein@localhost")

# --- Background work ------------------------------------------------------------------------------------------
# django-tasks: the database backend needs no broker and survives restarts; tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}

# --- REST API -------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # API tokens with scopes (plein.api); no session authentication, so the API has no CSRF surface.
    "DEFAULT_AUTHENTICATION_CLASSES": ["plein.api.authentication.BearerTokenAuthentication"],
    "EXCEPTION_HANDLER": "plein.api.exceptions.exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Integriteitsplein API",
    "DESCRIPTION": "Registers and integrations (for example HR synchronisation). Report contents never pass here.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # plein.api: the schema and the docs page are public; Swagger UI comes from drf-spectacular-sidecar (no CDN).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI would put a link inside each operation's button (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None, "persistAuthorization": False},
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags and operation ids: people, units, positions
}

# --- Logging --------------------------------------------------------------------------------------------------
# Logs never contain report contents, reporter identity or IP addresses.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Meldkanaal: Pillow logs image metadata (EXIF: author, GPS) at DEBUG level; it must never reach a log.
        "PIL": {"level": "WARNING"},
        # Meldkanaal: at DEBUG level Django's template engine logs the whole context of a failed variable lookup, which
        # can hold decrypted report content. Never below INFO, whatever LOG_LEVEL says.
        "django.template": {"level": "INFO"},
    },
}

# --- Wagtail --------------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Integriteitsplein"
WAGTAILADMIN_BASE_URL = env("PLEIN_BASE_URL", "http://127.0.0.1:8000")
# --- Portal (issue 10): Wagtail's configuration. docs/portal.md explains it; ADR 0003 the CMS's CSP. ---
PLEIN_CMS_PREFIX = "/cms/"
# core:home ("/") is the portal's home page: Wagtail's home page with the registers' sections (docs/portal.md).
PLEIN_HOME_VIEW = "plein.portal.views.home"
# Every page outside /cms/ keeps CONTENT_SECURITY_POLICY. Wagtail's admin needs inline scripts and styles, blob:
# images and its own preview frame, so /cms/ gets these directives instead (plein.portal.middleware). Still no
# other origin: no CDN, no external fonts or images, no eval.
CMS_CONTENT_SECURITY_POLICY = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "worker-src": ["'self'", "blob:"],
}
# Logging in to the CMS goes through allauth (rate limits, single sign-on, MFA), never Wagtail's own form.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# Shared-password protection would add a public password form; login and group restrictions remain.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
# The CMS speaks Dutch: new editors get Dutch as their CMS language (plein.portal.services); English stays available.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# No request leaves the server: no update check, no "what's new" banner, no Gravatar.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Search in the database itself: SQLite FTS5 or PostgreSQL full-text search, no search server.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Documents are streamed by Django with Wagtail's privacy checks (MEDIA_URL is not served).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Issue 13: uploaded files are only ever served as attachments (with nosniff), never shown inline, PDFs included.
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("PLEIN_PORTAL_MAX_DOCUMENT_BYTES", 20 * 1024 * 1024)
WAGTAIL_ALLOW_UNICODE_SLUGS = False
TAGGIT_CASE_INSENSITIVE = True
# The CMS's own API (/cms/api/, for the editors' page explorer and choosers) stays out of the published OpenAPI schema.
SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"] = [
    *SPECTACULAR_SETTINGS.get("PREPROCESSING_HOOKS", []),
    "plein.portal.schema.leave_out_cms_api",
]
# --- end portal

# --- Domain configuration -------------------------------------------------------------------------------------
# Legal figures and policy choices live here, with sane defaults, instead of in the code.
# Read them through plein.core.config.setting(); organisations may override them in their settings.
PLEIN = {
    "ORGANISATION_SLUG": env("PLEIN_ORGANISATION", ""),
    # Wet bescherming klokkenluiders / EU Directive 2019/1937 art. 9
    "ACKNOWLEDGEMENT_DAYS": env_int("PLEIN_ACKNOWLEDGEMENT_DAYS", 7),
    "FEEDBACK_MONTHS": env_int("PLEIN_FEEDBACK_MONTHS", 3),
    # Dossiers: the web address of the integrity regulation named in the acknowledgement letter (a channel may override).
    "DOSSIERS_REGULATION_URL": env("PLEIN_DOSSIERS_REGULATION_URL", ""),
    # Ambtenarenwet art. 5: the oath is taken when entering service
    "OATH_TERM_MONTHS": env_int("PLEIN_OATH_TERM_MONTHS", 3),
    "OATH_EMPLOYMENT_TYPES": env_list("PLEIN_OATH_EMPLOYMENT_TYPES", ["vast", "tijdelijk", "stagiair"]),
    # Ambtseed (oaths): whether an oath from an earlier employment still counts after re-entry, and when reminders go
    # out to the employee and their manager (days before and after the due date; read by plein.oaths.conf).
    "OATH_EARLIER_OATH_COUNTS": env_bool("PLEIN_OATH_EARLIER_OATH_COUNTS", True),
    "OATH_REMINDER_DAYS_BEFORE": env_list("PLEIN_OATH_REMINDER_DAYS_BEFORE", ["14"]),
    "OATH_REMINDER_DAYS_AFTER": env_list("PLEIN_OATH_REMINDER_DAYS_AFTER", ["1", "30"]),
    # Published figures suppress counts below this threshold (zero may be shown)
    "SMALL_COUNT_THRESHOLD": env_int("PLEIN_SMALL_COUNT_THRESHOLD", 5),
    # --- Jaarverslag (annual report): years in the trend charts, and reference values for "reports per 100
    # employees", each with its source (docs/annual-report.md). ---
    "ANNUAL_REPORT_TREND_YEARS": env_int("PLEIN_ANNUAL_REPORT_TREND_YEARS", 5),
    "ANNUAL_REPORT_BENCHMARKS": [
        {
            "code": "navex_2024_median",
            "label": "NAVEX 2024, mediaan (alle regio's)",
            "per_100_employees": 1.57,
            "source": "NAVEX, 2024 Whistleblowing & Incident Management Benchmark Report",
        },
        {
            "code": "navex_2024_europe",
            "label": "NAVEX 2024, mediaan Europa",
            "per_100_employees": 0.67,
            "source": "NAVEX, 2024 Whistleblowing & Incident Management Benchmark Report",
        },
    ],
    # --- end Jaarverslag ---
    "GIFT_THRESHOLD_EUR": env_int("PLEIN_GIFT_THRESHOLD_EUR", 50),
    # --- Verklaringen (declarations): gifts above the threshold need a decision; higher values are refused as typos.
    "GIFT_MAX_VALUE_EUR": env_int("PLEIN_GIFT_MAX_VALUE_EUR", 100_000),
    # The yearly declarations campaign: default weeks until the deadline, and reminders (days before the deadline).
    "DECLARATIONS_CAMPAIGN_WEEKS": env_int("PLEIN_DECLARATIONS_CAMPAIGN_WEEKS", 6),
    "DECLARATIONS_REMINDER_DAYS_BEFORE": env_list("PLEIN_DECLARATIONS_REMINDER_DAYS_BEFORE", ["14", "3"]),
    # --- end Verklaringen ---
    "POSITION_REVIEW_YEARS": env_int("PLEIN_POSITION_REVIEW_YEARS", 3),
    # Functies & screening (positions): a VOG is re-screened after this many years (0 = no periodic re-screening);
    # a new hire in a designated position gets the checklist from this many months before to after the start date.
    "VOG_RESCREENING_YEARS": env_int("PLEIN_VOG_RESCREENING_YEARS", 5),
    "POSITION_NEW_HIRE_MONTHS": env_int("PLEIN_POSITION_NEW_HIRE_MONTHS", 6),
    "IMPORT_MAX_BYTES": env_int("PLEIN_IMPORT_MAX_BYTES", 50 * 1024 * 1024),
    # --- Leren & bewustwording (learning): mandatory training terms, reminders, coverage, e-learning packages. ---
    # Default months to complete a new mandatory training, and the term of the integrity workshop for new managers.
    "LEARNING_DUE_MONTHS": env_int("PLEIN_LEARNING_DUE_MONTHS", 12),
    "LEARNING_NEW_MANAGER_MONTHS": env_int("PLEIN_LEARNING_NEW_MANAGER_MONTHS", 6),
    # Positions that count as managerial (besides the manager role and having direct reports), e.g. AL03,AL04.
    "LEARNING_MANAGER_POSITION_CODES": env_list("PLEIN_LEARNING_MANAGER_POSITION_CODES", []),
    # Reminders about a mandatory training: days before and after the due date (each sent once).
    "LEARNING_REMINDER_DAYS_BEFORE": env_list("PLEIN_LEARNING_REMINDER_DAYS_BEFORE", ["30"]),
    "LEARNING_REMINDER_DAYS_AFTER": env_list("PLEIN_LEARNING_REMINDER_DAYS_AFTER", ["1", "30"]),
    # The course whose completion is the annual report's "training coverage".
    "LEARNING_COVERAGE_COURSE": env("PLEIN_LEARNING_COVERAGE_COURSE", "morele-oordeelsvorming"),
    "LEARNING_MODULE_MAX_BYTES": env_int("PLEIN_LEARNING_MODULE_MAX_BYTES", 100 * 1024 * 1024),
    # --- end Leren & bewustwording ---
    # --- Moreel beraad (deliberation): retention of session content (the actions are kept) and the join codes. ---
    "DELIBERATION_RETENTION_MONTHS": env_int("PLEIN_DELIBERATION_RETENTION_MONTHS", 12),
    "DELIBERATION_JOIN_CODE_MINUTES": env_int("PLEIN_DELIBERATION_JOIN_CODE_MINUTES", 180),
    "DELIBERATION_JOIN_MAX_FAILURES": env_int("PLEIN_DELIBERATION_JOIN_MAX_FAILURES", 10),
    "DELIBERATION_JOIN_LOCKOUT_MINUTES": env_int("PLEIN_DELIBERATION_JOIN_LOCKOUT_MINUTES", 15),
    # --- end Moreel beraad ---
    # --- Meldkanaal (reports): Argon2id cost, abuse limits, external authorities. See docs/security.md. ---
    # Argon2id for receipt codes and vault passphrases (stored per record, so changing these affects new records only).
    # Tests use the cheapest setting; production: opslimit 3, memlimit 64 MiB (about 0.1-0.3 s per derivation).
    "REPORTS_ARGON2_OPSLIMIT": env_int("PLEIN_REPORTS_ARGON2_OPSLIMIT", 1 if TESTING else 3),
    "REPORTS_ARGON2_MEMLIMIT": env_int("PLEIN_REPORTS_ARGON2_MEMLIMIT", 8192 if TESTING else 64 * 1024 * 1024),
    # Argon2 derivations running at once per process; memory budget = workers x concurrency x memlimit.
    "ARGON2_CONCURRENCY": env_int("PLEIN_ARGON2_CONCURRENCY", 2),
    "ARGON2_WAIT_SECONDS": env_int("PLEIN_ARGON2_WAIT_SECONDS", 5),
    "REPORTS_MAX_FILE_BYTES": env_int("PLEIN_REPORTS_MAX_FILE_BYTES", 20 * 1024 * 1024),
    "REPORTS_MAX_TOTAL_BYTES": env_int("PLEIN_REPORTS_MAX_TOTAL_BYTES", 50 * 1024 * 1024),
    "REPORTS_MAX_FILES": env_int("PLEIN_REPORTS_MAX_FILES", 10),
    "REPORTS_MAX_TEXT_CHARS": env_int("PLEIN_REPORTS_MAX_TEXT_CHARS", 20000),
    # Receipt-code guessing: lock-out after this many wrong codes from one client (keyed hash, cache only).
    "REPORTS_RECEIPT_MAX_FAILURES": env_int("PLEIN_REPORTS_RECEIPT_MAX_FAILURES", 5),
    "REPORTS_RECEIPT_LOCKOUT_SECONDS": env_int("PLEIN_REPORTS_RECEIPT_LOCKOUT_SECONDS", 15 * 60),
    "REPORTS_SUBMISSIONS_PER_HOUR": env_int("PLEIN_REPORTS_SUBMISSIONS_PER_HOUR", 10),
    "REPORTS_MESSAGES_PER_HOUR": env_int("PLEIN_REPORTS_MESSAGES_PER_HOUR", 30),
    "REPORTS_REPORTER_SESSION_SECONDS": env_int("PLEIN_REPORTS_REPORTER_SESSION_SECONDS", 30 * 60),
    "REPORTS_FORM_TOKEN_HOURS": env_int("PLEIN_REPORTS_FORM_TOKEN_HOURS", 24),
    "REPORTS_VAULT_MIN_PASSPHRASE": env_int("PLEIN_REPORTS_VAULT_MIN_PASSPHRASE", 12),
    # Behind a trusted reverse proxy: the META key that holds the client address (e.g. HTTP_X_FORWARDED_FOR).
    "REPORTS_CLIENT_ADDRESS_HEADER": env("PLEIN_REPORTS_CLIENT_ADDRESS_HEADER", ""),
    # Wet bescherming klokkenluiders art. 2c: the authorities a reporter may also go to (shown on the reporting page).
    "EXTERNAL_AUTHORITIES": [
        {
            "name": "Huis voor Klokkenluiders",
            "url": "https://www.huisvoorklokkenluiders.nl",
            "description": _("Advice, and investigation of a suspected wrongdoing or of how you were treated."),
        },
        {
            "name": "Autoriteit Consument en Markt (ACM)",
            "url": "https://www.acm.nl",
            "description": _("Competition, consumer protection and regulated markets."),
        },
        {
            "name": "Autoriteit Financiële Markten (AFM)",
            "url": "https://www.afm.nl",
            "description": _("Financial markets and financial services."),
        },
        {
            "name": "Autoriteit Persoonsgegevens (AP)",
            "url": "https://www.autoriteitpersoonsgegevens.nl",
            "description": _("Personal data and privacy."),
        },
        {
            "name": "De Nederlandsche Bank (DNB)",
            "url": "https://www.dnb.nl",
            "description": _("Banks, insurers and pension funds."),
        },
        {
            "name": "Inspectie Gezondheidszorg en Jeugd (IGJ)",
            "url": "https://www.igj.nl",
            "description": _("Health care and youth care."),
        },
        {
            "name": "Nederlandse Zorgautoriteit (NZa)",
            "url": "https://www.nza.nl",
            "description": _("Health care markets and funding."),
        },
        {
            "name": "Autoriteit Nucleaire Veiligheid en Stralingsbescherming (ANVS)",
            "url": "https://www.autoriteitnvs.nl",
            "description": _("Nuclear safety and radiation protection."),
        },
    ],
    # --- end Meldkanaal ---
}
