"""Information pages rendered once per process and reused for a short while.

Only what a visitor with no cookie at all sees is stored, so nothing personal
can reach the cache: flash messages and any CSRF token live in the session
cookie, and staff sign-in rides on it too. A request that carries the session
cookie gets a fresh render, exactly as without the cache.

Entries expire after PAGE_CACHE_SECONDS rather than being invalidated on
change. Testimonials and media items have no editor in the app; they change
through the database or the CLI, in another process, so no in-process signal
would reach the gunicorn workers, and a version query on every request would
cost the database round trip the cache exists to save. A minute of staleness
on marketing pages is harmless.
"""

import hashlib
import time
from dataclasses import dataclass
from functools import wraps
from http import HTTPStatus

from flask import current_app, request, session
from werkzeug.http import parse_etags, quote_etag

from clinic.web import request_log, security

EXTENSION_KEY = "page_cache"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    expires_at: float


def init_app(app):
    app.config.setdefault("PAGE_CACHE_SECONDS", 60)
    app.extensions[EXTENSION_KEY] = {}
    app.wsgi_app = CachedPageServer(app.wsgi_app, app)


def cached_page(view):
    """Serve the view's HTML from this process's cache, with an ETag and public caching.

    The view must return the page as a string and depend on nothing but its URL.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        app = current_app._get_current_object()
        seconds = app.config["PAGE_CACHE_SECONDS"]
        if seconds <= 0 or _carries_session_cookie(app):
            return view(*args, **kwargs)
        pages = app.extensions[EXTENSION_KEY]
        page = pages.get(request.path)
        now = time.monotonic()
        if page is None or page.expires_at <= now:
            html = view(*args, **kwargs)
            if session.modified:
                # The render wrote to the session (a CSRF token, say): it is per-visitor.
                return html
            body = html.encode()
            page = CachedPage(body, hashlib.sha256(body).hexdigest()[:32], now + seconds)
            pages[request.path] = page
        return _response(app, page, now)

    return wrapper


def _carries_session_cookie(app):
    return app.session_interface.get_cookie_name(app) in request.cookies


def _response(app, page, now):
    status, headers, body = _conditional(page, now, request.headers.get("If-None-Match"))
    return app.response_class(body, status=status, headers=headers)


def _conditional(page, now, if_none_match):
    """(status, headers, body) for a cached page: a 304 when the browser has it already."""
    # Headers written out directly rather than through make_conditional() and the
    # cache_control accessors: on a cache hit they were most of the view's time.
    # max-age is what is left of the entry's life, so a browser or proxy never
    # holds a page for longer than PAGE_CACHE_SECONDS after it was rendered. Rounded
    # before it is cut to whole seconds: (now + 60) - now can come out as 59.99999.
    headers = [
        ("ETag", quote_etag(page.etag)),
        ("Cache-Control", f"public, max-age={max(0, int(round(page.expires_at - now, 6)))}"),
        # A shared cache must not hand this page to someone with a session cookie.
        ("Vary", "Cookie"),
    ]
    if if_none_match and parse_etags(if_none_match).contains_weak(page.etag):
        return 304, headers, b""
    return 200, [("Content-Type", HTML), *headers], page.body


class CachedPageServer:
    """WSGI middleware answering a cookie-less GET for a page this worker holds,
    before Flask runs at all.

    Such a request could only get the stored page anyway: it has no session, so no
    flash message, sign-in or CSRF token; it is a GET, which nothing rate-limits. What
    the rest of the app adds to every response is added here too: the security
    headers, a request id and the request's log line. Measured with the benchmark,
    the Flask pipeline around a cached page cost twice what the page itself did.
    """

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET" or "HTTP_COOKIE" in environ:
            return self.wsgi_app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        page = self.app.extensions[EXTENSION_KEY].get(path)
        now = time.monotonic()
        if page is None or page.expires_at <= now or self.app.config["PAGE_CACHE_SECONDS"] <= 0:
            return self.wsgi_app(environ, start_response)
        status, headers, body = _conditional(page, now, environ.get("HTTP_IF_NONE_MATCH"))
        return answer_directly(self.app, environ, start_response, status, headers, body)


def answer_directly(app, environ, start_response, status, headers, body):
    """Finish a response made without Flask the way the app finishes every response:
    the security headers, a request id, and the request's log line."""
    started = time.perf_counter()
    the_request_id = request_log.new_request_id(environ.get("HTTP_X_REQUEST_ID"))
    headers = [
        *headers,
        ("Content-Length", str(len(body))),
        *security.default_headers(app.config).items(),
        (request_log.REQUEST_ID_HEADER, the_request_id),
    ]
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    path = environ.get("PATH_INFO", "")
    request_log.write_line("GET", path, status, (time.perf_counter() - started) * 1000, the_request_id)
    return [body]
