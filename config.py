"""Settings, read from the environment (a .env file is loaded in development)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# Values that must never protect a real deployment: examples copied from docs.
WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me", "please-change-me", "test"}
MIN_SECRET_KEY_LENGTH = 32


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def _list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def default_web_workers():
    """gunicorn's rule of thumb, two workers per core plus one, capped: each worker
    also runs threads, and a small server runs PostgreSQL and Redis beside them."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def _default_database_url():
    return f"sqlite:///{INSTANCE_DIR / 'clinic.sqlite3'}"


def database_url_from_env():
    url = os.environ.get("DATABASE_URL") or _default_database_url()
    # Hosting providers hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url_from_env()
    # hide_parameters: a database error's message would otherwise quote the values
    # of the failed statement (a patient's name, notes) into the error log.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 1025)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Hairline SMP Clinic <no-reply@hairline-clinic.co.uk>"
    )
    MAIL_SUPPRESS_SEND = False
    # Flask-Mail's default is app.debug: the whole SMTP conversation, patients' details
    # included, written to the terminal in development.
    MAIL_DEBUG = False
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)

    CLINIC_STAFF_EMAIL = _list("CLINIC_STAFF_EMAIL") or ["reception@hairline-clinic.co.uk"]
    # Where patients' replies go, as every email comes from a no-reply sender; unset,
    # the clinic's public email (clinic/clinic_info.py; not imported here: the
    # clinic package imports this module).
    CLINIC_REPLY_TO = os.environ.get("CLINIC_REPLY_TO")
    CLINIC_TIMEZONE = os.environ.get("CLINIC_TIMEZONE", "Europe/London")
    # Whose bank holidays close the clinic: england-and-wales, scotland, northern-ireland
    # or none; anything else is refused at start-up (clinic/scheduling/bank_holidays.py).
    CLINIC_BANK_HOLIDAYS = os.environ.get("CLINIC_BANK_HOLIDAYS", "england-and-wales").strip().lower()
    # Links in emails are built from this, never from the request's Host header,
    # so a forged Host cannot plant another site's address in a patient's inbox.
    CLINIC_BASE_URL = os.environ.get("CLINIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    # Video bookings get a new room under this address (a Jitsi Meet server, say); empty:
    # none, and reception pastes a link unless the practitioner has a fixed one.
    VIDEO_MEETING_BASE_URL = os.environ.get("VIDEO_MEETING_BASE_URL", "").strip()

    BOOKING_GRID_MINUTES = _int("BOOKING_GRID_MINUTES", 15)
    BOOKING_BUFFER_MINUTES = _int("BOOKING_BUFFER_MINUTES", 10)
    BOOKING_MIN_NOTICE_HOURS = _int("BOOKING_MIN_NOTICE_HOURS", 12)
    BOOKING_HORIZON_WEEKS = _int("BOOKING_HORIZON_WEEKS", 8)
    BOOKING_CANCEL_NOTICE_HOURS = _int("BOOKING_CANCEL_NOTICE_HOURS", 24)
    WAITLIST_OFFER_HOURS = _int("WAITLIST_OFFER_HOURS", 24)
    BOOKING_RATE_LIMIT = os.environ.get("BOOKING_RATE_LIMIT", "10 per minute;40 per hour")
    PHOTO_MAX_BYTES = _int("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
    # Checked from the header before a photo is decoded, which takes 4 bytes a pixel
    # (clinic/photos/images.py).
    PHOTO_MAX_PIXELS = _int("PHOTO_MAX_PIXELS", 24_000_000)
    # Photos are stored at most this many pixels on their long edge.
    PHOTO_MAX_EDGE = _int("PHOTO_MAX_EDGE", 2560)
    # The periods the privacy notice (templates/public/privacy.html) promises; change both together.
    ENQUIRY_RETENTION_MONTHS = _int("ENQUIRY_RETENTION_MONTHS", 12)
    BOOKING_RETENTION_MONTHS = _int("BOOKING_RETENTION_MONTHS", 8 * 12)

    PASSWORD_HASHER = {}  # argon2-cffi's argon2id defaults
    STAFF_SIGN_IN_RATE_LIMIT = os.environ.get("STAFF_SIGN_IN_RATE_LIMIT", "5 per minute;30 per hour")
    STAFF_IDLE_TIMEOUT_MINUTES = _int("STAFF_IDLE_TIMEOUT_MINUTES", 30)
    STAFF_SESSION_MAX_HOURS = _int("STAFF_SESSION_MAX_HOURS", 12)
    STAFF_ADMIN_REQUIRE_2FA = _bool("STAFF_ADMIN_REQUIRE_2FA")
    # Per account, whatever addresses the attempts come from (clinic/staff/auth/lockout.py).
    STAFF_ACCOUNT_LOCK_FAILURES = _int("STAFF_ACCOUNT_LOCK_FAILURES", 10)
    STAFF_ACCOUNT_LOCK_WINDOW_MINUTES = _int("STAFF_ACCOUNT_LOCK_WINDOW_MINUTES", 60)
    STAFF_ACCOUNT_LOCK_MINUTES = _int("STAFF_ACCOUNT_LOCK_MINUTES", 15)
    # Wrong two-factor codes per account (after a right password), counted with the rate limits.
    STAFF_TWO_FACTOR_RATE_LIMIT = os.environ.get("STAFF_TWO_FACTOR_RATE_LIMIT", "5 per 15 minutes")
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 10)
    OUTBOX_RETRY_BASE_SECONDS = _int("OUTBOX_RETRY_BASE_SECONDS", 60)
    OUTBOX_RETRY_MAX_SECONDS = _int("OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
    OUTBOX_LEASE_SECONDS = _int("OUTBOX_LEASE_SECONDS", 300)
    # Anyone can type any address into the public forms: past these many emails to one
    # address in the last hour or day, further ones are held, not sent (clinic/outbox/service.py).
    PATIENT_EMAIL_HOURLY_LIMIT = _int("PATIENT_EMAIL_HOURLY_LIMIT", 5)
    PATIENT_EMAIL_DAILY_LIMIT = _int("PATIENT_EMAIL_DAILY_LIMIT", 20)

    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL", "memory://")
    # Short timeouts and a prefix for a Redis shared with other apps (the memory
    # storage ignores these options).
    RATELIMIT_STORAGE_OPTIONS = {
        "key_prefix": "clinic-limits",
        "socket_connect_timeout": 0.5,
        "socket_timeout": 0.5,
    }
    # If Redis is unreachable each process counts in its own memory until it is
    # back, checked with growing pauses: limits stay roughly in force and the
    # forms keep working, instead of every rate-limited POST failing with a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_HEADERS_ENABLED = True
    ENQUIRY_RATE_LIMIT = os.environ.get("ENQUIRY_RATE_LIMIT", "5 per minute;20 per hour")
    # Forms sent without a solved proof-of-work challenge (no JavaScript, or a bot) also
    # count against these; ALTCHA_MAX_NUMBER sets the work: a browser tries half as many
    # SHA-256 hashes on average (clinic/web/altcha_challenge.py).
    ENQUIRY_RATE_LIMIT_WITHOUT_CHALLENGE = os.environ.get(
        "ENQUIRY_RATE_LIMIT_WITHOUT_CHALLENGE", "2 per minute;6 per hour"
    )
    BOOKING_RATE_LIMIT_WITHOUT_CHALLENGE = os.environ.get(
        "BOOKING_RATE_LIMIT_WITHOUT_CHALLENGE", "3 per minute;10 per hour"
    )
    ALTCHA_MAX_NUMBER = _int("ALTCHA_MAX_NUMBER", 50_000)

    WTF_CSRF_TIME_LIMIT = None
    # Flask-WTF's strict mode refuses an https POST without a same-origin Referer, but
    # the patient's private pages send Referrer-Policy: no-referrer so that their
    # token-bearing address never leaves the page. The CSRF token (bound to the
    # session), SameSite=Lax and, in production, __Host- cookies are the protection.
    WTF_CSRF_SSL_STRICT = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Three photos of up to 10 MB each, plus the form.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024

    SEED_DEMO_ALLOWED = False

    # Each worker reuses rendered information pages, and /book/slots answers, this long.
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 60)
    SLOTS_CACHE_SECONDS = _int("SLOTS_CACHE_SECONDS", 5)

    # How many proxies (nginx, a load balancer) append to X-Forwarded-For in front
    # of the app; 0 when clients reach the app directly. See clinic.web.proxies.
    PROXY_TRUSTED_HOPS = _int("PROXY_TRUSTED_HOPS", 0)
    # The proxies' own addresses: forwarded headers from any other peer (a client that
    # reached gunicorn directly) are ignored, so it cannot rotate its address.
    TRUSTED_PROXY_ADDRESSES = _list("TRUSTED_PROXY_ADDRESSES") or ["127.0.0.1", "::1"]
    # gunicorn.conf.py starts this many workers; check-deploy reads it too.
    WEB_CONCURRENCY = _int("WEB_CONCURRENCY", default_web_workers())

    @classmethod
    def validate(cls):
        """Raise if these settings are unsafe to run with."""


class DevelopmentConfig(Config):
    DEBUG = True
    SEED_DEMO_ALLOWED = True
    # An edited template would otherwise show up a minute late.
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 0)

    @classmethod
    def validate(cls):
        if not cls.SECRET_KEY:
            raise RuntimeError("SECRET_KEY is not set: `make run` writes one to .env, or set it yourself.")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32)
    CLINIC_STAFF_EMAIL = ["reception@hairline-clinic.co.uk"]
    CLINIC_BASE_URL = "http://clinic.example.com"
    SEED_DEMO_ALLOWED = True
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://")  # never REDIS_URL
    # Cheap argon2id parameters keep the suite fast; production uses the defaults.
    PASSWORD_HASHER = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure,
    # has Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite
    # it. Plain http on localhost cannot set it: development keeps "session".
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    # Flask-Login's remember-me cookie is unused; safe options in case it ever is.
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    STAFF_ADMIN_REQUIRE_2FA = _bool("STAFF_ADMIN_REQUIRE_2FA", default=True)
    PREFERRED_URL_SCHEME = "https"
    # Production runs behind nginx on the same host (docs/deploy.md).
    PROXY_TRUSTED_HOPS = _int("PROXY_TRUSTED_HOPS", 1)

    @classmethod
    def validate(cls):
        key = cls.SECRET_KEY or ""
        if key.strip().lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters in production "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))"). '
                "For local use set CLINIC_ENV=development."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    name = os.environ.get("CLINIC_ENV", "production").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"CLINIC_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
