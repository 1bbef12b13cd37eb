"""Settings come from the environment, with safe defaults for the embedded SQLite demo.

Production is switched on with ANTOAN_PRODUCTION=1: DEBUG off, secure cookies, HSTS, SSL redirect,
and SECRET_KEY / ALLOWED_HOSTS required from the environment.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("ANTOAN_HOME", Path.cwd()))
VAR_DIR = PROJECT_DIR / "var"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = _env_bool("ANTOAN_PRODUCTION", False)
DEBUG = _env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when ANTOAN_PRODUCTION=1")
    SECRET_KEY = "insecure-demo-key-only-for-the-embedded-sqlite-demo-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "antoan.core",
    "antoan.units",
    "antoan.accounts",
    "antoan.incidents",
    "antoan.portal",
    "antoan.movement",
    "antoan.assessment",
    "antoan.indicators",
    "antoan.reports",
    "antoan.site",
]

MIDDLEWARE = [
    # First: gives the request its id (X-Request-ID), logs and counts it however the rest answers.
    "antoan.core.observability.RequestObservabilityMiddleware",
    # Behind nginx: the client's address from X-Real-IP, when the request comes from a trusted proxy.
    "antoan.core.proxy.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the web process (hashed names, compressed, cached for a year when not DEBUG).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The database going away gives a bilingual 503 page (JSON under /api/), not a 500.
    "antoan.core.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "antoan.core.middleware.CookieLanguageMiddleware",
    "antoan.core.middleware.ReadMemoMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session passed the two-factor step (django-otp) …
    "django_otp.middleware.OTPMiddleware",
    # … which administrators, leaders and whoever enrolled must pass before any other page (docs/security.md).
    "antoan.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "antoan.site.urls"
WSGI_APPLICATION = "antoan.wsgi.application"

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
            ],
        },
    },
]

if "DATABASE_URL" not in os.environ:
    # The embedded demo database lives in ./var; create the folder so a bare `antoan migrate` works.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'antoan.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection (CONN_MAX_AGE) that the database closed meanwhile (a restart) is replaced, not used.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL: readers go on while an import writes (in the default rollback journal a long write transaction made every
    # read wait, then fail: #27); NORMAL sync is safe with WAL (a power cut may lose the last commits, never the file);
    # a writer waits up to ANTOAN_SQLITE_BUSY_SECONDS for another's lock before "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
        timeout=float(os.environ.get("ANTOAN_SQLITE_BUSY_SECONDS", "20")),
    )
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The indicator queries are short aggregates: compiling them with the JIT took longer than running them, and
    # with the default 4 MB the planner sorted a province's rows on disk rather than hash them (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit=off -c work_mem={os.environ.get('ANTOAN_PG_WORK_MEM', '32MB')}"
    )
# The independent aggregate queries of an indicator set run side by side on this many connections of a request
# (core/parallel_reads.py; PostgreSQL only, never inside a transaction). 1: one after the other.
ANTOAN_QUERY_LANES = int(os.environ.get("ANTOAN_QUERY_LANES", "2"))
# A read replica (docs/scaling.md): the indicators, the dashboard and the reports read from it, everything else (and
# a browser that wrote in the last ANTOAN_REPLICA_LAG_SECONDS) from the primary. See core/routers.py.
ANTOAN_REPLICA_LAG_SECONDS = float(os.environ.get("ANTOAN_REPLICA_LAG_SECONDS", "10"))
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"],
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
            conn_health_checks=True,
        ),
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["antoan.core.routers.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "antoan.core.routers.ReadYourWritesMiddleware"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures lock the username+address pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
# Per account, from any addresses (accounts.selectors.login_wait_seconds): past this many failures in the cool-off,
# each further attempt waits 2, 4, 8 … seconds after the last failure, at most ANTOAN_LOGIN_MAX_WAIT_SECONDS.
ANTOAN_LOGIN_FREE_FAILURES = int(os.environ.get("ANTOAN_LOGIN_FREE_FAILURES", "10"))
ANTOAN_LOGIN_MAX_WAIT_SECONDS = int(os.environ.get("ANTOAN_LOGIN_MAX_WAIT_SECONDS", "300"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# A wrong two-factor code counts as a failed login too (accounts/two_factor_views.py); its field is never stored.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# Two-factor login (TOTP, django-otp): required for administrators and leaders, optional for the others.
# Each wrong code doubles the wait before the device checks another (1 s, 2 s, 4 s, …), across sessions.
OTP_TOTP_ISSUER = "antoan"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions end after a working day or when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Health checks and metrics scrapes may come straight to the server on the machine itself, over HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

# Map tiles: offices on an intranet point this at their own tile server, or set it empty (the map then
# shows markers on a blank background and picking a location still works).
ANTOAN_MAP_TILES = os.environ.get("ANTOAN_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
ANTOAN_MAP_ATTRIBUTION = os.environ.get("ANTOAN_MAP_ATTRIBUTION", "© OpenStreetMap")
# LibreOffice, which turns the reports into PDF (reports/pdf.py); empty: `soffice` or `libreoffice` on the PATH.
ANTOAN_SOFFICE = os.environ.get("ANTOAN_SOFFICE", "")
# The Tết window (indicators/periods.py) around lunar new year's day, in days before and after it (0–60).
ANTOAN_TET_DAYS_BEFORE = int(os.environ.get("ANTOAN_TET_DAYS_BEFORE", 7))
ANTOAN_TET_DAYS_AFTER = int(os.environ.get("ANTOAN_TET_DAYS_AFTER", 7))
_TILE_ORIGIN = "/".join(ANTOAN_MAP_TILES.split("/")[:3]) if ANTOAN_MAP_TILES.startswith("http") else ""

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["antoan.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Front-end libraries copied from npm at install time (`make assets`) into src/antoan/static/vendor.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
# Without DEBUG (production) static files are served by WhiteNoise from STATIC_ROOT under hashed, compressed
# names, so `antoan collectstatic` (or `antoan serve --collectstatic`) must have run; with DEBUG they come
# straight from the apps' folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "antoan.core.storage.StaticStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Logs go to standard error (journald under systemd): JSON lines (LOG_FORMAT=json, the default in production)
# or plain text. Every record written while answering a request carries its request id, route and user id;
# the tip portal's public pages never log anything about the sender (see core/logs.py). The per-request line
# ("access log", logger antoan.request) is written when ANTOAN_ACCESS_LOG=json (`antoan serve --access-log`).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").upper()
ANTOAN_ACCESS_LOG = os.environ.get("ANTOAN_ACCESS_LOG", "off").strip().lower()
if ANTOAN_ACCESS_LOG not in ("off", "json"):
    raise ImproperlyConfigured("ANTOAN_ACCESS_LOG must be off or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "antoan.core.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "antoan.core.logs.JsonFormatter"}, "text": {"()": "antoan.core.logs.TextFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]},
        "access": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # A locked-out login is expected behaviour, not an error worth a traceback.
        "axes": {"level": "WARNING"},
        # Django's records go through the handler above only (its own console handler would repeat them).
        "django": {"handlers": [], "level": "INFO" if DEBUG else LOG_LEVEL, "propagate": True},
        "antoan.request": {
            "handlers": ["access"],
            "level": "INFO" if ANTOAN_ACCESS_LOG == "json" else "WARNING",
            "propagate": False,
        },
    },
}

# The proxies (nginx) whose X-Real-IP header gives the client's address, for the per-source limits and login
# throttling: comma-separated addresses.
ANTOAN_TRUSTED_PROXIES = [a.strip() for a in os.environ.get("ANTOAN_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")]

# /metrics (Prometheus' text format) answers staff users, and a scraper sending "Authorization: Bearer <this>".
ANTOAN_METRICS_TOKEN = os.environ.get("ANTOAN_METRICS_TOKEN", "")

# Several web processes (the workers of `antoan serve`) must share the cache, where the tip portal's per-source
# limits and the progress of imports are kept: ANTOAN_CACHE_DIR makes it a folder they all use (`antoan serve`
# makes one for its run if none is given). Without it, each process has its own cache in memory.
# "kept" holds the results of pure computations (core/kept.py: report charts, black spots), apart from the
# counters: large entries, bounded in number, never crowding a counter out.
KEPT_SECONDS = 24 * 3600
if os.environ.get("ANTOAN_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["ANTOAN_CACHE_DIR"],
            "TIMEOUT": 3600,
            # Django's default of 300 entries was reached within minutes by the per-source counters alone: from then
            # on every write deleted a third of the entries at random, counters included (a limit forgotten).
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
        "kept": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(Path(os.environ["ANTOAN_CACHE_DIR"]) / "kept"),
            "TIMEOUT": KEPT_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 2_000},  # a chart ~50 KB, a province's black spots up to ~1 MB
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "kept": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kept",
            "TIMEOUT": KEPT_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 500},
        },
    }

# Uploaded import files and their problem reports. An upload is imported by `antoan worker` (a task, below): the web
# processes and the workers must share this folder (one machine, or a shared file system).
ANTOAN_IMPORT_DIR = Path(os.environ.get("ANTOAN_IMPORT_DIR", VAR_DIR / "imports"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ANTOAN_IMPORT_MAX_BYTES = int(os.environ.get("ANTOAN_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
# An XLSX file is a zip: what its parts unpack to is limited too (a "zip bomb" of a few KB can unpack to GBs).
ANTOAN_IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("ANTOAN_IMPORT_MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024))
# What one file may hold, checked before a row is read (docs/security.md, "Import files"). A district's year of
# incidents is 10-100k rows of ~40 columns, cells under a few KB: these are 10x that, and bound a worker's memory.
ANTOAN_IMPORT_MAX_ROWS = int(os.environ.get("ANTOAN_IMPORT_MAX_ROWS", 1_000_000))
ANTOAN_IMPORT_MAX_COLUMNS = int(os.environ.get("ANTOAN_IMPORT_MAX_COLUMNS", 200))  # cells holding a value, per row
# Characters in one cell: 131.072 is also the csv module's own limit (Excel's is 32.767).
ANTOAN_IMPORT_MAX_CELL_CHARS = int(os.environ.get("ANTOAN_IMPORT_MAX_CELL_CHARS", 131_072))
ANTOAN_IMPORT_MAX_ROW_CHARS = int(os.environ.get("ANTOAN_IMPORT_MAX_ROW_CHARS", 1_048_576))  # one CSV row
# XLSX: a worksheet part, unpacked (100k rows x 40 cells is ~180 MB), and the shared strings, which openpyxl keeps
# in memory whole even when reading "read-only": their part unpacked, how many, and their characters together.
ANTOAN_IMPORT_MAX_SHEET_BYTES = int(os.environ.get("ANTOAN_IMPORT_MAX_SHEET_BYTES", 256 * 1024 * 1024))
ANTOAN_IMPORT_MAX_SHARED_STRINGS_BYTES = int(
    os.environ.get("ANTOAN_IMPORT_MAX_SHARED_STRINGS_BYTES", 128 * 1024 * 1024)
)
ANTOAN_IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("ANTOAN_IMPORT_MAX_SHARED_STRINGS", 1_000_000))
ANTOAN_IMPORT_MAX_SHARED_STRINGS_CHARS = int(os.environ.get("ANTOAN_IMPORT_MAX_SHARED_STRINGS_CHARS", 50_000_000))

# The public tip portal (/tin-bao/). Photos are kept outside the static and media URLs: only officers
# who may see the tip get them, through a view.
ANTOAN_TIP_PHOTO_DIR = Path(os.environ.get("ANTOAN_TIP_PHOTO_DIR", VAR_DIR / "tip-photos"))
ANTOAN_TIP_PHOTO_MAX_BYTES = 5 * 1024 * 1024
ANTOAN_TIP_PHOTO_MAX_COUNT = 3
ANTOAN_TIP_PHOTO_MAX_PIXELS = 40_000_000  # a larger picture is refused (decompression bombs)
ANTOAN_TIPS_PER_HOUR = int(os.environ.get("ANTOAN_TIPS_PER_HOUR", 5))  # per source (keyed hash, not the address)
ANTOAN_TIP_LOOKUPS_PER_HOUR = int(os.environ.get("ANTOAN_TIP_LOOKUPS_PER_HOUR", 30))
ANTOAN_TIP_MIN_FILL_SECONDS = float(os.environ.get("ANTOAN_TIP_MIN_FILL_SECONDS", 4))
ANTOAN_TIP_OVERDUE_HOURS = float(os.environ.get("ANTOAN_TIP_OVERDUE_HOURS", 24))

# Report batches (one report per child unit, zipped): their work folders and ZIPs, written by `antoan worker` and
# served by the web processes (shared, like ANTOAN_IMPORT_DIR). PDFs are converted this many children to one
# LibreOffice run (bench/reports.py).
ANTOAN_REPORT_BATCH_DIR = Path(os.environ.get("ANTOAN_REPORT_BATCH_DIR", VAR_DIR / "reports"))
ANTOAN_REPORT_BATCH_PDF_CHUNK = int(os.environ.get("ANTOAN_REPORT_BATCH_PDF_CHUNK", "8"))

# Background work (decision 0007, docs/operations.md "The worker"): imports and report batches are tasks of Django's
# task framework (django-tasks, the backport of Django 6's django.tasks), run by `antoan worker` — never in a web
# worker. ANTOAN_TASKS_BACKEND picks where the queue lives:
#   database (default): a table of this database (SQLite or PostgreSQL), nothing else to run;
#   rq: a Redis server at ANTOAN_REDIS_URL (`pip install 'antoan[rq]'`), for workers on several machines.
# ANTOAN_TASKS_QUEUE names the queue, so that two installations (or test runs) can share one Redis server.
ANTOAN_TASKS_BACKEND = os.environ.get("ANTOAN_TASKS_BACKEND", "database").strip().lower()
ANTOAN_TASKS_QUEUE = os.environ.get("ANTOAN_TASKS_QUEUE", "antoan").strip()
ANTOAN_REDIS_URL = os.environ.get("ANTOAN_REDIS_URL", "redis://127.0.0.1:6379/0")
if not 0 < len(ANTOAN_TASKS_QUEUE) <= 32:
    raise ImproperlyConfigured("ANTOAN_TASKS_QUEUE must have 1 to 32 characters")
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]  # the table stays whichever backend runs: switching is harmless
if ANTOAN_TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [ANTOAN_TASKS_QUEUE]}}
elif ANTOAN_TASKS_BACKEND == "rq":
    try:
        import django_tasks_rq  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "ANTOAN_TASKS_BACKEND=rq needs the Redis backend: pip install 'antoan[rq]'"
        ) from None
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [ANTOAN_TASKS_QUEUE]}}
    # No time limit from RQ: a batch or an import takes as long as it takes; a worker that dies is noticed at once
    # (its run lock is released, antoan.core.runlock), not after a timeout.
    # (django-tasks-rq reads a task's state through django-rq's "default" connection: the same server.)
    RQ_QUEUES = {name: {"URL": ANTOAN_REDIS_URL, "DEFAULT_TIMEOUT": -1} for name in {ANTOAN_TASKS_QUEUE, "default"}}
else:
    raise ImproperlyConfigured("ANTOAN_TASKS_BACKEND must be database or rq")
