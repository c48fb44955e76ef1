"""Is this app's configuration safe to serve patients with? In the spirit of
Django's `check --deploy`: `problems` must be empty before going live;
`warnings` are settings that are sometimes right and deserve a second look.

Both read only `app.config`, so they can be run against any app and tested
one broken setting at a time.
"""

from urllib.parse import urlsplit

from config import MIN_SECRET_KEY_LENGTH, WEAK_SECRET_KEYS

ONE_YEAR_SECONDS = 365 * 24 * 3600
SAFE_SAMESITE = {"lax", "strict"}
# Sources that would let an injected script run despite the policy.
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def problems(app):
    config = app.config
    found = []
    found += _secret_key(config.get("SECRET_KEY"))
    if app.debug or config.get("DEBUG"):
        found.append("DEBUG is on: the interactive debugger runs code for anyone who reaches an error.")
    if app.testing or config.get("TESTING"):
        found.append("TESTING is on: errors propagate and some protections are relaxed.")
    if not config.get("WTF_CSRF_ENABLED", True):
        found.append("WTF_CSRF_ENABLED is off: forms accept posts from other sites.")
    found += _session_cookie(config)
    found += _remember_cookie(config)
    found += _hsts(config.get("STRICT_TRANSPORT_SECURITY"))
    found += _content_security_policy(config.get("CONTENT_SECURITY_POLICY"))
    found += _rate_limit_storage(config)
    base_url = config.get("CLINIC_BASE_URL") or ""
    if urlsplit(base_url).scheme != "https":
        found.append(f"CLINIC_BASE_URL {base_url!r} is not https: links in emails would be sent in clear.")
    return found


def warnings(app):
    found = []
    mail_server = (app.config.get("MAIL_SERVER") or "").strip().lower()
    if mail_server in LOCAL_HOSTS:
        found.append(
            f"MAIL_SERVER is {mail_server!r}: right only if this host runs a mail relay; "
            "otherwise patients get no emails."
        )
    return found


def _rate_limit_storage(config):
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    workers = config.get("WEB_CONCURRENCY") or 1
    if storage.startswith("memory://") and workers > 1:
        # One worker on one host counts correctly in memory; several each count alone,
        # and a worker recycled by gunicorn forgets its counts.
        return [
            f"REDIS_URL is not set: each of the {workers} web workers counts rate limits on its own, "
            f"so a client gets up to {workers} times every limit (staff sign-in included). "
            "Set REDIS_URL, or WEB_CONCURRENCY=1."
        ]
    return []


def _secret_key(key):
    if not key:
        return ["SECRET_KEY is not set."]
    if key.strip().lower() in WEAK_SECRET_KEYS:
        return ["SECRET_KEY is a well-known default value; anyone could forge sessions."]
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return [f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters."]
    return []


def _session_cookie(config):
    found = []
    if not config.get("SESSION_COOKIE_SECURE"):
        found.append("SESSION_COOKIE_SECURE is off: the session cookie would travel over plain http.")
    if not config.get("SESSION_COOKIE_HTTPONLY"):
        found.append("SESSION_COOKIE_HTTPONLY is off: scripts could read the session cookie.")
    if str(config.get("SESSION_COOKIE_SAMESITE")).lower() not in SAFE_SAMESITE:
        found.append("SESSION_COOKIE_SAMESITE is not Lax or Strict.")
    name = config.get("SESSION_COOKIE_NAME") or ""
    if not name.startswith("__Host-"):
        found.append(f"SESSION_COOKIE_NAME {name!r} lacks the __Host- prefix.")
    elif config.get("SESSION_COOKIE_DOMAIN") or config.get("SESSION_COOKIE_PATH") not in (None, "/"):
        # Browsers silently drop a __Host- cookie with a Domain or another Path.
        found.append("A __Host- session cookie needs no SESSION_COOKIE_DOMAIN and SESSION_COOKIE_PATH '/'.")
    return found


def _remember_cookie(config):
    # Flask-Login's remember-me cookie is unused today; if it ever is, it must be safe.
    found = []
    if not config.get("REMEMBER_COOKIE_SECURE"):
        found.append("REMEMBER_COOKIE_SECURE is off.")
    if not config.get("REMEMBER_COOKIE_HTTPONLY", True):
        found.append("REMEMBER_COOKIE_HTTPONLY is off.")
    if str(config.get("REMEMBER_COOKIE_SAMESITE")).lower() not in SAFE_SAMESITE:
        found.append("REMEMBER_COOKIE_SAMESITE is not Lax or Strict.")
    return found


def _hsts(value):
    if not value:
        return ["STRICT_TRANSPORT_SECURITY (HSTS) is off."]
    directives = _directives(value, ";", "=")
    try:
        max_age = int(directives.get("max-age", ["0"])[0].strip('"'))
    except ValueError:
        max_age = 0
    if max_age < ONE_YEAR_SECONDS:
        return [f"STRICT_TRANSPORT_SECURITY max-age is under a year ({value!r})."]
    return []


def _content_security_policy(policy):
    if not policy:
        return ["CONTENT_SECURITY_POLICY is not set."]
    directives = _directives(policy, ";", " ")
    found = []
    # Without script-src, browsers fall back to default-src for scripts.
    script_sources = directives.get("script-src", directives.get("default-src"))
    if script_sources is None:
        found.append("CONTENT_SECURITY_POLICY does not restrict scripts (no script-src or default-src).")
    else:
        unsafe = sorted(UNSAFE_SCRIPT_SOURCES.intersection(source.lower() for source in script_sources))
        if unsafe:
            found.append(f"CONTENT_SECURITY_POLICY allows unsafe scripts: {' '.join(unsafe)}.")
    if directives.get("frame-ancestors") not in (["'none'"], ["'self'"]):
        found.append("CONTENT_SECURITY_POLICY lacks frame-ancestors 'none': pages could be framed.")
    return found


def _directives(header, separator, value_separator):
    result = {}
    for part in header.split(separator):
        name, _, rest = part.strip().partition(value_separator)
        if name:
            result[name.lower()] = rest.split()
    return result
