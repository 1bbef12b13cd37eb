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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "antoan.core.middleware.CookieLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "antoan.urls"
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
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # The indicator queries are short aggregates: compiling them with the JIT took longer than running them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

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
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

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

# Map tiles: offices on an intranet point this at their own tile server, or set it empty (the map then
# shows markers on a blank background and picking a location still works).
ANTOAN_MAP_TILES = os.environ.get("ANTOAN_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
ANTOAN_MAP_ATTRIBUTION = os.environ.get("ANTOAN_MAP_ATTRIBUTION", "© OpenStreetMap")
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # A locked-out login is expected behaviour, not an error worth a traceback.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Uploaded import files and their problem reports. An upload runs in a background thread of the web
# process; tests set ANTOAN_IMPORT_IN_BACKGROUND = False to run it inline.
ANTOAN_IMPORT_DIR = Path(os.environ.get("ANTOAN_IMPORT_DIR", VAR_DIR / "imports"))
ANTOAN_IMPORT_IN_BACKGROUND = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ANTOAN_IMPORT_MAX_BYTES = int(os.environ.get("ANTOAN_IMPORT_MAX_BYTES", 200 * 1024 * 1024))

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
