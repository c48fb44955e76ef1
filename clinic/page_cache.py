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

from flask import current_app, request, session
from werkzeug.http import parse_etags, quote_etag

EXTENSION_KEY = "page_cache"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    expires_at: float


def init_app(app):
    # Off in development: edited templates would otherwise show up a minute late.
    app.config.setdefault("PAGE_CACHE_SECONDS", 0 if app.debug else 60)
    app.extensions[EXTENSION_KEY] = {}


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
    # Headers written out directly rather than through make_conditional() and the
    # cache_control accessors: on a cache hit they were most of the view's time.
    # max-age is what is left of the entry's life, so a browser or proxy never
    # holds a page for longer than PAGE_CACHE_SECONDS after it was rendered.
    headers = [
        ("ETag", quote_etag(page.etag)),
        ("Cache-Control", f"public, max-age={max(0, int(page.expires_at - now))}"),
    ]
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match and parse_etags(if_none_match).contains_weak(page.etag):
        return app.response_class(status=304, headers=headers)
    return app.response_class(page.body, headers=[("Content-Type", HTML), *headers])
