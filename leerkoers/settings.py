"""Settings for Leerkoers.

Every difference between deployments is an environment variable (see the table in the
README); defaults are safe for local development on SQLite.
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from leerkoers.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LEERKOERS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG and env_bool("LEERKOERS_PRODUCTION", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    # Development: generate once and keep it under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "leerkoers.accounts",
    "leerkoers.orgs",
    "leerkoers.audit",
    "leerkoers.jobs",
    "leerkoers.ratelimit",
    "leerkoers.scan",
    "leerkoers.inventory",
    "leerkoers.alignment",
    "leerkoers.booking",
    "leerkoers.vision",
    "leerkoers.pilots",
    "leerkoers.ownership",
    "leerkoers.portability",
    "leerkoers.policy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which answers static files itself: they get neither header.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "leerkoers.accounts.middleware.private_no_store",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "leerkoers.urls"
WSGI_APPLICATION = "leerkoers.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "leerkoers" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leerkoers.orgs.context_processors.organizations",
            ],
            # leerkoers/lib is no app; its filters are loaded by name in every app's templates.
            "libraries": {"formatting": "leerkoers.lib.templatetags.formatting"},
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "leerkoers.sqlite3")),
            # Immediate transactions take the write lock up front, so a read-then-write
            # transaction never fails with "database is locked" halfway (measured: 26-69 %
            # failures with deferred transactions under concurrent writes, none with these).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"),
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH", "") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["leerkoers.accounts.backends.EmailLockoutBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (leerkoers/accounts/throttling.py), counted by the shared rate limiter.
# After LOGIN_FAILURE_LIMIT failed logins on one account from one client address, that pair
# (and only that pair: the owner elsewhere still gets in) is refused until the window of
# LOGIN_LOCKOUT_MINUTES ends; after LOGIN_CLIENT_FAILURE_LIMIT failures on any accounts, the
# client address is refused altogether (password spraying). Only failures count.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_CLIENT_FAILURE_LIMIT = env_int("LOGIN_CLIENT_FAILURE_LIMIT", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# Password-reset e-mails: at most this many to one address, and requests from one client
# address, per PASSWORD_RESET_WINDOW_MINUTES.
PASSWORD_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 3)
PASSWORD_RESET_CLIENT_LIMIT = env_int("PASSWORD_RESET_CLIENT_LIMIT", 10)
PASSWORD_RESET_WINDOW_MINUTES = env_int("PASSWORD_RESET_WINDOW_MINUTES", 60)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
# Days between an admin asking to delete the organisation and its deletion (cancellable until then).
ORG_DELETION_GRACE_DAYS = env_int("ORG_DELETION_GRACE_DAYS", 14)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "leerkoers" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "leerkoers" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("LEERKOERS_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

# E-mail: console backend unless configured.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Leerkoers <noreply@leerkoers.local>")
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "advies@leerkoers.local")

# Background work: Django's tasks API (backport) on the database; the worker is
# `python manage.py db_worker`. TASKS_BACKEND=immediate runs tasks in the request.
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("TASKS_BACKEND", "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "leerkoers_cache",
    }
}
# Rate limiting of public endpoints and of logins and password resets (one switch for all).
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
# Number of proxies in front of the app whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Anonymity threshold for group results (never below 5).
ANONYMITY_THRESHOLD = max(5, env_int("ANONYMITY_THRESHOLD", 5))
# Days before a conversation of the HR cycle that its manager is reminded (ownership app).
CONVERSATION_REMINDER_DAYS = env_int("CONVERSATION_REMINDER_DAYS", 7)

# Upload limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 200 * 1024 * 1024)

# Production hardening, on whenever DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and env_bool("LEERKOERS_PRODUCTION"))
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preload only marks the site as eligible for browsers' HSTS lists; submitting it stays a
# deliberate step. On by default with a year of HSTS, so that check --deploy is clean.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy (django-csp): scripts and styles only from our own static
# files, so no inline <script>, on…= handler or style="" attribute runs or applies anywhere;
# data: images for the API documentation's icons. Scripts read their settings from data-*
# attributes or <script type="application/json">, which is data, not code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- booking ---
# Strategy sessions (docs/booking.md). Change/cancel by the private link is possible until
# this many hours before the start; reminders go this many hours before it.
BOOKING_CHANGE_NOTICE_HOURS = env_int("BOOKING_CHANGE_NOTICE_HOURS", 24)
BOOKING_REMINDER_HOURS = env_int("BOOKING_REMINDER_HOURS", 24)
# One e-mail address holds at most this many future sessions.
BOOKING_MAX_FUTURE_PER_EMAIL = env_int("BOOKING_MAX_FUTURE_PER_EMAIL", 2)
# Public booking attempts per client address per window (seconds); RATE_LIMIT_ENABLED applies.
BOOKING_RATE_LIMIT = env_int("BOOKING_RATE_LIMIT", 10)
BOOKING_RATE_WINDOW = env_int("BOOKING_RATE_WINDOW", 3600)
# Verify the visitor's e-mail address before the advisor is told; unverified bookings are
# released after BOOKING_VERIFY_HOURS.
BOOKING_REQUIRE_EMAIL_VERIFICATION = env_bool("BOOKING_REQUIRE_EMAIL_VERIFICATION", False)
BOOKING_VERIFY_HOURS = env_int("BOOKING_VERIFY_HOURS", 2)

# --- inventory ---
# An XLSX is refused when its zip directory says it would decompress to more than this.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 2_000_000)
# Key of the HMAC that pseudonymises participants who are not members (defaults to SECRET_KEY;
# changing it makes re-imports of non-members create new records).
INVENTORY_PSEUDONYM_KEY = env_str("INVENTORY_PSEUDONYM_KEY") or SECRET_KEY
# SQLite page cache (KiB) for the connection while it imports participations.
IMPORT_SQLITE_CACHE_KIB = env_int("IMPORT_SQLITE_CACHE_KIB", 256 * 1024)

# --- scan ---
# Readiness scan (docs/scan.md). Public submissions per client address per window (seconds),
# and submissions through a round's layer link (a whole office may share one address).
SCAN_RATE_LIMIT = env_int("SCAN_RATE_LIMIT", 30)
SCAN_RATE_WINDOW = env_int("SCAN_RATE_WINDOW", 600)
SCAN_LINK_RATE_LIMIT = env_int("SCAN_LINK_RATE_LIMIT", 600)
SCAN_LINK_RATE_WINDOW = env_int("SCAN_LINK_RATE_WINDOW", 60)
# A questionnaire completed in fewer seconds than this is marked as too fast (automated?)
# and kept out of benchmarks.
SCAN_MIN_SECONDS = env_int("SCAN_MIN_SECONDS", 30)
# A benchmark is shown only when the comparison group holds at least this many
# organisations (never fewer than 10).
SCAN_BENCHMARK_MIN_ORGS = max(10, env_int("SCAN_BENCHMARK_MIN_ORGS", 10))
# Rate-limit counters are rows of ratelimit.RateLimitCounter, one upsert per check
# (leerkoers/ratelimit/limiter.py); they need no cache.
# Keep SQLite connections open between requests (seconds; 0 = a new one per request, as
# before). Opening one with its PRAGMAs costs ~4 ms under gunicorn, more than a scan
# submission itself (docs/scan.md, benchmark). PostgreSQL keeps conn_max_age=60 above.
if not DATABASE_URL:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("SQLITE_CONN_MAX_AGE", 0)

# --- alignment ---
# Largest KPI measurement file (rows) imported at once; measurement files are small.
ALIGNMENT_IMPORT_MAX_ROWS = env_int("ALIGNMENT_IMPORT_MAX_ROWS", 50_000)
