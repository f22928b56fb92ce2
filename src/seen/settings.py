"""Django settings for Seen.

Storage is chosen by DATABASE_URL (`sqlite:///PATH` or `postgresql://…`); without it Seen uses
an embedded SQLite file under ./var/. Secrets and hosts come from the environment; the defaults
are for the local demo only.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SEEN_VAR_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("SEEN_DEBUG", "0") == "1"
# Seen is the partnership's service: its name heads every page (not GOV.UK's crown or logotype)
SEEN_PARTNERSHIP_NAME = os.environ.get(
    "SEEN_PARTNERSHIP_NAME", "Local Safeguarding Children Partnership"
)
DEMO_SECRET_KEY = "insecure-demo-key-set-SEEN_SECRET_KEY-in-production"
if "pytest" in sys.modules and not os.environ.get("SEEN_SECRET_KEY"):
    # the tests' own key, long enough for https mode, inherited by the processes they start
    os.environ["SEEN_SECRET_KEY"] = "tests-only-key-" + "seen-" * 10
SECRET_KEY = os.environ.get("SEEN_SECRET_KEY", DEMO_SECRET_KEY)
ALLOWED_HOSTS = os.environ.get("SEEN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "seen.core",
    "seen.areas",
    "seen.people",
    "seen.facts",
    "seen.linkage",
    "seen.ingest",
    "seen.synth",
    "seen.rules",
    "seen.access",
    "seen.audit",
    "seen.bench",
    "seen.triage",
    "seen.thematic",
    "seen.incidents",
    "seen.learning",
    "seen.directory",
    "seen.interchange",
    "seen.fhir",
    "seen.web",
]

MIDDLEWARE = [
    # first, so that it times everything: the app's time in a Server-Timing header, only when
    # debugging or SEEN_SERVER_TIMING=1 (`seen bench service` sets it)
    "seen.core.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # the secure headers, on every response (the static assets' too): CONTENT_SECURITY_POLICY,
    # PERMISSIONS_POLICY below
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # static files (/assets/: GOV.UK Frontend's CSS, fonts and images; the admin's), without DEBUG
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # everything after the static files: Cache-Control: no-store (seen.web.secure_headers)
    "seen.web.secure_headers.NoStoreMiddleware",
    # under /fhir/: an error answered before or beside the FHIR views as an OperationOutcome
    "seen.fhir.middleware.OperationOutcomeErrors",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "seen.web.sessions.IdleTimeoutMiddleware",
    # a NUL character or an over-long field anywhere in the request: 400, audited, before any
    # view (seen.web.hostile_input; SEEN_MAX_FIELD_CHARS below)
    "seen.web.hostile_input.RefuseHostileInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # an error of Seen's vocabulary that no page caught: its 4xx page (seen.web.errors)
    "seen.web.errors.TranslateSeenErrors",
    # last: turns a sign-in refused for too many failures into its page (HTTP 429)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "seen.urls"
WSGI_APPLICATION = "seen.wsgi.application"

# Pages for practitioners are Jinja2 (seen/web/jinja2/, with the GOV.UK Frontend Jinja macros:
# seen.web.jinja_env.environment), found first; Django's own templates stay for the admin.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "seen.web.jinja_env.environment"},
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]


# How long a server process keeps its database connection (seconds; 0 = one per request).
# A deployment on PostgreSQL keeps them: opening one costs more than a flag look-up.
CONN_MAX_AGE = int(os.environ.get("SEEN_DB_CONN_MAX_AGE", "0"))


def _parallel_workers() -> int | None:
    """SEEN_PG_PARALLEL_WORKERS: the parallel workers one query may start (default 0); empty:
    send no setting (a connection pooler that refuses startup options; set it on the role)."""
    text = os.environ.get("SEEN_PG_PARALLEL_WORKERS", "0").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 1024:
        raise ImproperlyConfigured(
            f"SEEN_PG_PARALLEL_WORKERS must be a whole number from 0 to 1024, or empty; "
            f"not {text[:40]!r}"
        )
    return int(text)


def database_from_url(url: str) -> dict[str, object]:
    config: dict[str, object] = dict(
        dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_MAX_AGE > 0)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL keeps readers working during an ingest, and a killed process never leaves a
        # committed transaction half-written. IMMEDIATE avoids lock upgrades mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        # A file (not memory) so that subprocesses started by tests see the same database (the
        # tests pass its path on); one per test run, so that two runs on one checkout do not
        # write the same file.
        test_name = Path(str(config["NAME"])).with_suffix(f".test-{os.getpid()}.sqlite3")
        config["TEST"] = {"NAME": str(test_name)}
    else:
        given = config.get("OPTIONS")
        options: dict[str, object] = dict(given) if isinstance(given, dict) else {}  # the URL's
        workers = _parallel_workers()
        if workers is not None:
            # No parallel workers for one query by default: starting them cost the child
            # page's facts query (a union over the fact tables, 1.5 ms of work) 5 ms at 70,000
            # births. Added to any `options` the URL gives.
            setting = f"-c max_parallel_workers_per_gather={workers}"
            options["options"] = " ".join(filter(None, [str(options.get("options", "")), setting]))
        if os.environ.get("SEEN_PG_PREPARED", "1") == "1":
            # Parameters bound by the server, and a statement run again and again on a kept
            # connection prepared (psycopg's default threshold, 5): the flag look-up is planned
            # once, not per request (its plan costs 5 ms, its run 1 ms). Behind a
            # transaction-mode connection pooler set SEEN_PG_PREPARED=0.
            options |= {"server_side_binding": True, "prepare_threshold": 5}
        config["OPTIONS"] = options
    return config


DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'seen.sqlite3'}"
if DATABASE_URL.startswith("sqlite:///"):
    Path(DATABASE_URL.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": database_from_url(DATABASE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in and basic security (README "Settings"; seen.web.views_auth, seen.web.oidc).
# New passwords are hashed with Argon2id; Scrypt and PBKDF2 hashes still verify and are upgraded to
# Argon2 when their owner next signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the staff profile with the user (seen.access.backends)
    "seen.access.backends.ProfileModelBackend",
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "/"
# 5 wrong passwords for one username from one address lock that pair out for 15 minutes (counted
# from the last failure; attempts while locked out neither count nor extend it). The locked-out
# page is HTTP 429 (seen.web.views_auth.locked_out). A success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and SEEN_SIGN_IN_ADDRESS_LIMIT wrong passwords from one address, whatever the usernames
# (one password tried across many accounts), pause signing in from that address for as long
# (seen.web.sign_in_throttle; axes has one limit for every lockout parameter)
AXES_HANDLER = "seen.web.sign_in_throttle.AddressAwareHandler"
SEEN_SIGN_IN_ADDRESS_LIMIT = int(os.environ.get("SEEN_SIGN_IN_ADDRESS_LIMIT", "20"))
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "seen.web.views_auth.locked_out"
AXES_WHITELIST_CALLABLE = "seen.web.views_auth.not_a_password_attempt"
AXES_ENABLE_ADMIN = True
# Behind a TLS-terminating proxy, the number of proxies in front (X-Forwarded-For is then read).
if os.environ.get("SEEN_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["SEEN_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# OpenID Connect sign-in through the partnership's identity provider (NHS CIS2, Microsoft Entra
# ID), on only when its URL (the issuer), client id and client secret are all set. Users are
# matched to existing accounts by e-mail; none is ever created (seen.web.oidc).
SEEN_OIDC_PROVIDER_URL = os.environ.get("SEEN_OIDC_PROVIDER_URL", "")
SEEN_OIDC_PROVIDER_NAME = os.environ.get("SEEN_OIDC_PROVIDER_NAME", "your organisation's account")
SEEN_OIDC = bool(
    SEEN_OIDC_PROVIDER_URL
    and os.environ.get("SEEN_OIDC_CLIENT_ID")
    and os.environ.get("SEEN_OIDC_CLIENT_SECRET")
)
if SEEN_OIDC:
    AUTHENTICATION_BACKENDS.append("seen.web.oidc.ProviderBackend")
    OIDC_RP_CLIENT_ID = os.environ["SEEN_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ["SEEN_OIDC_CLIENT_SECRET"]
    OIDC_RP_SIGN_ALGO = os.environ.get("SEEN_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("SEEN_OIDC_SCOPES", "openid email profile")
    # Each endpoint is discovered from the provider unless set here.
    for _setting, _variable in (
        ("OIDC_OP_AUTHORIZATION_ENDPOINT", "SEEN_OIDC_AUTHORIZATION_ENDPOINT"),
        ("OIDC_OP_TOKEN_ENDPOINT", "SEEN_OIDC_TOKEN_ENDPOINT"),
        ("OIDC_OP_USER_ENDPOINT", "SEEN_OIDC_USERINFO_ENDPOINT"),
        ("OIDC_OP_JWKS_ENDPOINT", "SEEN_OIDC_JWKS_ENDPOINT"),
    ):
        if os.environ.get(_variable):
            globals()[_setting] = os.environ[_variable]
    OIDC_AUTHENTICATE_CLASS = "seen.web.oidc.ProviderSignIn"
    OIDC_CREATE_USER = False
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = 10
    LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?failed=provider"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# /assets/ is where govuk-frontend's CSS looks for its fonts and images. `make install` copies
# them from node_modules into seen/web/static/; WhiteNoise serves them (and the admin's) from
# the app folders directly (no collectstatic needed), in the demo and in tests alike.
STATIC_URL = "/assets/"
STATIC_ROOT = VAR_DIR / "static"  # `seen collectstatic` writes here; WhiteNoise reads it too
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions last a shift at most (8 hours), end when the browser closes, and end after
# SEEN_SESSION_IDLE_MINUTES without a request (seen.web.sessions).
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_ENGINE = "seen.web.sessions"  # Django's database sessions, read in plain SQL
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SEEN_SESSION_IDLE_MINUTES = int(os.environ.get("SEEN_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "seen.web.errors.csrf_failure"  # the partnership's 403 page, not Django's
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): everything from Seen itself, no inline script or style
# (no page runs JavaScript; the learning dashboard's SVG charts carry presentation attributes,
# not style attributes: seen.web.inline_svg), no plugin, no <base>, not framed, forms post only
# to Seen. Images may be data: URIs (GOV.UK Frontend's CSS uses none today; the admin's does).
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Permissions-Policy (django-permissions-policy): the browser's powerful features, all off.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
# The app's time in a Server-Timing header: only when debugging, or when asked for (the
# service benchmark). Otherwise it would tell anyone how long each look-up took.
SEEN_SERVER_TIMING = os.environ.get("SEEN_SERVER_TIMING", "0") == "1"
# The longest value any form field or query parameter may hold (characters). Each form bounds
# its own fields lower, with its own message; this keeps any other value from the database.
SEEN_MAX_FIELD_CHARS = 20_000

# HTTPS only: secure cookies, HSTS for a year, plain http redirected. Off only for development
# (SEEN_DEBUG=1) or the local demo on http://127.0.0.1 (SEEN_INSECURE_HTTP=1, set by `make demo`).
SEEN_HTTPS_ONLY = not (DEBUG or os.environ.get("SEEN_INSECURE_HTTP", "0") == "1")
SESSION_COOKIE_SECURE = SEEN_HTTPS_ONLY
CSRF_COOKIE_SECURE = SEEN_HTTPS_ONLY
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if SEEN_HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SEEN_HTTPS_ONLY
# Serving https, Seen refuses to start with the demo's secret key or a weak one (Django's own
# measure, security.W009: 50 characters, 5 different): whoever knows it can forge sessions.
# (The type checker reads these settings without starting anything.)
if (
    SEEN_HTTPS_ONLY
    and "mypy" not in sys.modules
    and (
        SECRET_KEY == DEMO_SECRET_KEY
        or len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or SECRET_KEY.startswith("django-insecure-")
    )
):
    raise ImproperlyConfigured(
        "SEEN_SECRET_KEY is unset, the demo's, or weak: serving https, Seen needs a secret key of "
        "at least 50 random characters (for example: python -c \"import secrets; "
        "print(secrets.token_urlsafe(48))\"). The demo on plain http sets SEEN_INSECURE_HTTP=1."
    )
# Django's test client speaks plain http: under pytest every other flag stays as in production
# and only the redirect is off (tests/web/test_sign_in.py checks it in a subprocess).
SECURE_SSL_REDIRECT = SEEN_HTTPS_ONLY and "pytest" not in sys.modules
if os.environ.get("SEEN_BEHIND_TLS_PROXY", "0") == "1":
    # the proxy in front terminates TLS and says so; trust it only when it strips the header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SEEN_LOG_LEVEL", "WARNING")},
}

# --- Bounds on extracts, uploads and temporary files (README "Settings", docs/extract-format.md) -
# An extract over any bound is refused whole before a row is written (seen.ingest.limits). Sizes
# are in bytes; 0 lifts a bound.
_MiB, _GiB = 2**20, 2**30
# Temporary files (uploads, unpacked extracts, DuckDB's spill while matching) stay here, never in
# the working directory or the system's /tmp; DuckDB may spill at most SEEN_TMP_MAX_BYTES.
SEEN_TMP_DIR = Path(os.environ.get("SEEN_TMP_DIR", VAR_DIR / "tmp")).resolve()
SEEN_TMP_MAX_BYTES = int(os.environ.get("SEEN_TMP_MAX_BYTES", 4 * _GiB))
# An agency system's extract through POST /api/facts/extracts
SEEN_UPLOAD_MAX_BYTES = int(os.environ.get("SEEN_UPLOAD_MAX_BYTES", 64 * _MiB))  # the zip
SEEN_UPLOAD_MAX_MEMBER_BYTES = int(os.environ.get("SEEN_UPLOAD_MAX_MEMBER_BYTES", 256 * _MiB))
SEEN_UPLOAD_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("SEEN_UPLOAD_MAX_UNCOMPRESSED_BYTES", 512 * _MiB)
)
SEEN_UPLOAD_MAX_TABLE_ROWS = int(os.environ.get("SEEN_UPLOAD_MAX_TABLE_ROWS", 250_000))
SEEN_UPLOAD_MAX_ROWS = int(os.environ.get("SEEN_UPLOAD_MAX_ROWS", 500_000))
SEEN_IMPORT_MAX_SECONDS = int(os.environ.get("SEEN_IMPORT_MAX_SECONDS", 600))
# `seen ingest DIR` (run by the partnership itself; its flags override these)
SEEN_INGEST_MAX_FILE_BYTES = int(os.environ.get("SEEN_INGEST_MAX_FILE_BYTES", 8 * _GiB))
SEEN_INGEST_MAX_BYTES = int(os.environ.get("SEEN_INGEST_MAX_BYTES", 32 * _GiB))
SEEN_INGEST_MAX_TABLE_ROWS = int(os.environ.get("SEEN_INGEST_MAX_TABLE_ROWS", 20_000_000))
SEEN_INGEST_MAX_ROWS = int(os.environ.get("SEEN_INGEST_MAX_ROWS", 50_000_000))
# Django's own: a request body other than files held in memory up to 2.5 MB, an uploaded file
# spooled to SEEN_TMP_DIR beyond that, and every upload counted as it streams in and refused at
# SEEN_UPLOAD_MAX_BYTES (seen.ingest.uploads.BoundedUploadHandler).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = str(SEEN_TMP_DIR / "uploads")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_HANDLERS = [
    "seen.ingest.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
