"""Liaison's only settings module: everything a site changes comes from the environment.

Defaults are for a developer's laptop (SQLite under var/, no Redis). Production sets
DJANGO_DEBUG=0 (the default), DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LIAISON_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production).")
    SECRET_KEY = "liaison-insecure-development-key-never-use-in-production-0123456789"  # noqa: S105 (debug only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Every link in an e-mail (a patron's status link, a staffer's "open the ticket") starts with
# this. `make run` sets it to the address it serves; production must set its public https
# address, and `manage.py check --deploy` fails while it is unset or local (core/checks.py).
SITE_URL_IS_SET = bool(os.environ.get("LIAISON_SITE_URL", "").strip())
SITE_URL = os.environ.get("LIAISON_SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
SITE_NAME = os.environ.get("LIAISON_SITE_NAME", "Liaison")

INSTALLED_APPS = [
    "config.apps.LiaisonAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django.contrib.postgres",
    "ninja",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "liaison.core",
    "liaison.accounts",
    "liaison.audit",
    "liaison.places",
    "liaison.directory",
    "liaison.kb",
    "liaison.desk",
    "liaison.tickets",
    "liaison.imports",
    "liaison.labs",
    "liaison.partnership",
    "liaison.software",
    "liaison.staffing",
    "liaison.pilots",
    "liaison.insights",
    "liaison.demand",
    "liaison.demo",
]

MIDDLEWARE = [
    "liaison.core.middleware.RequestIdMiddleware",
    "liaison.core.middleware.NulCharacterMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liaison.accounts.middleware.TrustedRemoteUserMiddleware",
    "liaison.core.middleware.SessionLifetimeMiddleware",
    "liaison.core.middleware.NoStoreForStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "liaison.core.middleware.ContentSecurityPolicyMiddleware",
    "liaison.core.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "liaison.core.access.AccessPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The shell's text filters (soft_breaks) everywhere, like Django's own.
            "builtins": ["liaison.core.templatetags.liaison_text"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.core.context_processors.shell",
            ],
        },
    },
    {
        # A few busy pages only (ADR 0063), in `<app>/jinja2/`; Django's engine is asked first.
        # The same context as Django's templates, and the CSRF token masked once per page.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "liaison.core.jinja_env.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.core.context_processors.shell",
                "liaison.core.jinja_env.csrf_once",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'liaison.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the desk keep writing while a report reads; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if DATABASE_IS_POSTGRES and os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "1":
    # ADR 0062: parameters bound on the server, and a statement run five times on a connection
    # is prepared there (psycopg's automatic preparation), so a page's queries are planned once
    # per connection, not on every request. Set DATABASE_PREPARED_STATEMENTS=0 behind a
    # transaction-mode connection pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
    # Django's backend, with bulk writes split to the 65,535 parameters a bound statement may carry.
    DATABASES["default"]["ENGINE"] = "liaison.core.db_backends.postgresql"

# --- Redis: cache and task queue when REDIS_URL is set; otherwise in-process defaults.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "liaison.core.redis_cache.RedisCache",  # one client per pool (ADR 0060)
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("LIAISON_CACHE_PREFIX", "liaison"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are written to the database and, where Redis is shared by every server, read from it:
# one PostgreSQL round trip less on every signed-in page. A per-process cache cannot hold them
# (a sign-out on one server would not reach another's copy), so without Redis they are read
# from the database. Ending a person's sessions goes through the engine, clearing both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

# One task API (huey). Without Redis, tasks run in the web process right after commit
# ("immediate" mode) so a small college needs no worker; with REDIS_URL, a pool of
# `manage.py run_huey` workers takes them.
HUEY_IMMEDIATE = env_bool("LIAISON_TASKS_IMMEDIATE", default=not REDIS_URL)
HUEY = {
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.MemoryHuey",
    "name": os.environ.get("LIAISON_TASK_QUEUE", "liaison"),
    "immediate": HUEY_IMMEDIATE,
    "results": False,
    "connection": {"url": REDIS_URL} if REDIS_URL else {},
    "consumer": {"workers": int(os.environ.get("LIAISON_TASK_WORKERS", "2")), "worker_type": "thread"},
}

# --- Accounts and sign-in.
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "liaison.accounts.backends.AdministratorRoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day
SIGN_IN_MAX_FAILURES = int(os.environ.get("LIAISON_SIGN_IN_MAX_FAILURES", "5"))
# How long a verified API token is remembered (0: check the database on every call). Revoking
# a token or deactivating its user clears it at once in the shared (Redis) cache. Without Redis
# each worker process has its own cache that the others cannot clear, so the default is off
# there: revoked access must take effect at once (security A5; ADR 0010).
API_TOKEN_CACHE_SECONDS = int(os.environ.get("LIAISON_API_TOKEN_CACHE_SECONDS", "30" if REDIS_URL else "0"))
# The API token check, named so that core (which knows no domain) can call the accounts app.
LIAISON_API_TOKEN_AUTHENTICATOR = "liaison.accounts.services.api_token_authenticate"  # noqa: S105 (a function name)
# Tokens this process verified a moment ago, taken as claims by the one operation that confirms
# them in its own Redis round trip (a lab agent's heartbeat; core/api_access.py, ADR 0060).
LIAISON_API_TOKEN_RECALLER = "liaison.accounts.services.api_token_recall"  # noqa: S105 (a function name)
SIGN_IN_LOCKOUT_SECONDS = int(os.environ.get("LIAISON_SIGN_IN_LOCKOUT_SECONDS", "900"))

# Campus single sign-on (Shibboleth and the like) through a header the web server sets.
SSO_REMOTE_USER_ENABLED = env_bool("LIAISON_SSO_REMOTE_USER")
SSO_REMOTE_USER_HEADER = os.environ.get("LIAISON_SSO_HEADER", "REMOTE_USER")
SSO_CREATE_UNKNOWN_USERS = env_bool("LIAISON_SSO_CREATE_USERS")
if SSO_REMOTE_USER_ENABLED:
    AUTHENTICATION_BACKENDS.insert(0, "liaison.accounts.backends.CampusRemoteUserBackend")

# --- Mail: console while developing, SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Liaison <liaison@localhost>")

# --- Internationalisation.
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("LIAISON_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files. Assets are vendored; nothing comes from a CDN.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served-directly/"  # uploads go out only through authorised views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Imports: the largest file accepted, and how long an uploaded file waits for its commit.
IMPORT_MAX_BYTES = int(os.environ.get("LIAISON_IMPORT_MAX_MB", "20")) * 1024 * 1024
IMPORT_KEEP_HOURS = int(os.environ.get("LIAISON_IMPORT_KEEP_HOURS", "24"))

# --- Security. Production is HTTPS-only unless the site says otherwise.
SECURE_SSL_ONLY = env_bool("LIAISON_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_SSL_ONLY
CSRF_COOKIE_SECURE = SECURE_SSL_ONLY
SECURE_SSL_REDIRECT = SECURE_SSL_ONLY and env_bool("LIAISON_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = int(os.environ.get("LIAISON_HSTS_SECONDS", "31536000" if SECURE_SSL_ONLY else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The preload flag only allows a site to submit itself to browsers' list; it submits nothing.
SECURE_HSTS_PRELOAD = env_bool("LIAISON_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("LIAISON_BEHIND_PROXY") else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Shared desk PCs: sessions end after inactivity and after a long shift in any case
# (enforced by liaison.core.middleware.SessionLifetimeMiddleware); the cookie dies with the browser.
SESSION_IDLE_MINUTES = int(os.environ.get("LIAISON_SESSION_IDLE_MINUTES", "30"))
SESSION_ABSOLUTE_HOURS = int(os.environ.get("LIAISON_SESSION_ABSOLUTE_HOURS", "10"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if SECURE_SSL_ONLY:
    # The __Host- prefix pins cookies to this exact host over HTTPS.
    SESSION_COOKIE_NAME = "__Host-liaison_session"
    CSRF_COOKIE_NAME = "__Host-liaison_csrf"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp) on every page: scripts, styles, fonts and connections
# only from Liaison itself; images also from the hosts an administrator lists for knowledge-base
# articles (LIAISON_KB_IMAGE_HOSTS, e.g. "https://library.college.example"). No inline script
# anywhere, so none is allowed. The API docs page is ours too (templates/ninja/swagger.html).
LIAISON_KB_IMAGE_HOSTS = env_list("LIAISON_KB_IMAGE_HOSTS")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *LIAISON_KB_IMAGE_HOSTS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy: Liaison's pages use no camera, microphone, location, payment or USB.
LIAISON_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Desk reports: the fiscal year's first month (7 = July) and the READ level from which an
# answer counts as an ACRL "consultation"; academic terms as (month, day, name) of their first day.
LIAISON_FISCAL_YEAR_START_MONTH = int(os.environ.get("LIAISON_FISCAL_YEAR_START_MONTH", "7"))
LIAISON_ACRL_CONSULTATION_MIN_READ = int(os.environ.get("LIAISON_ACRL_CONSULTATION_MIN_READ", "4"))
LIAISON_TERMS = [(1, 1, "Spring"), (5, 16, "Summer"), (8, 15, "Fall")]

# --- Tickets: attachment size limit, and how long patron contact details outlive a closed ticket.
LIAISON_ATTACHMENT_MAX_MB = float(os.environ.get("LIAISON_ATTACHMENT_MAX_MB", "10"))
# Images are decoded and re-encoded (EXIF dropped); bigger canvases are refused undecoded.
LIAISON_IMAGE_MAX_MEGAPIXELS = float(os.environ.get("LIAISON_IMAGE_MAX_MEGAPIXELS", "40"))
LIAISON_CONTACT_RETENTION_DAYS = int(os.environ.get("LIAISON_CONTACT_RETENTION_DAYS", "30"))
# A patron's status link works this many days after it was made, and never longer than
# LIAISON_STATUS_LINK_DAYS_AFTER_CLOSE days after the ticket closed (nor past the contact purge).
LIAISON_STATUS_LINK_DAYS = int(os.environ.get("LIAISON_STATUS_LINK_DAYS", "30"))
LIAISON_STATUS_LINK_DAYS_AFTER_CLOSE = int(os.environ.get("LIAISON_STATUS_LINK_DAYS_AFTER_CLOSE", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIAISON_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
