"""Absolute links for emails, built from CLINIC_BASE_URL.

Never from the request's Host header (a forged Host must not plant another
site's address in a patient's inbox), and usable outside requests (cron jobs).
"""

from urllib.parse import urlsplit

from flask import current_app


def site_url(endpoint, **values):
    base = urlsplit(current_app.config["CLINIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
