"""Security headers on every response.

A plain `after_request` hook rather than a dependency such as Flask-Talisman:
the headers are fixed strings, and an app-level hook runs for every response
Flask finishes - views, redirects, error pages (404, 429, 500), static files,
JSON, CSV and photos alike.
"""

from functools import wraps

from flask import current_app, make_response

# No 'unsafe-inline' or 'unsafe-eval' anywhere: scripts and styles come only
# from our own files. img-src allows data: for the QR code on the admin
# two-factor page, which is an SVG data URI.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Manage and waitlist-offer links carry a secret token in the path. With
    # same-origin a browser sends no Referer at all to another site (not even
    # the origin), so a patient following an external link from those pages
    # cannot leak the token; our own pages still see where a request came from.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    # frame-ancestors 'none' does the job in current browsers; this covers old ones.
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Pages whose URL is the patient's key (manage, offer, invitation and unsubscribe
# links, calendar downloads): kept by no cache, listed by no search engine, and
# their address sent to no other site, not even our own pages.
PRIVATE_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
}


def private_page(view):
    """Mark every response of `view`, error pages included, with PRIVATE_PAGE_HEADERS."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers.update(PRIVATE_PAGE_HEADERS)
        return response

    return wrapped


def register_security(app):
    app.config.setdefault("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    # Set in ProductionConfig only: over plain http on localhost it would
    # pin a developer's browser to https for a year.
    app.config.setdefault("STRICT_TRANSPORT_SECURITY", None)
    app.after_request(add_security_headers)


def default_headers(config):
    headers = dict(HEADERS)
    if config["CONTENT_SECURITY_POLICY"]:
        headers["Content-Security-Policy"] = config["CONTENT_SECURITY_POLICY"]
    if config["STRICT_TRANSPORT_SECURITY"]:
        headers["Strict-Transport-Security"] = config["STRICT_TRANSPORT_SECURITY"]
    return headers


def add_security_headers(response):
    # A header a view chose on purpose wins over the default. One pass over the
    # names already set, rather than a lookup per header, because this runs on
    # every response.
    present = {name.lower() for name, _ in response.headers}
    response.headers.extend(
        (name, value)
        for name, value in default_headers(current_app.config).items()
        if name.lower() not in present
    )
    return response
