"""Each worker's recent answers to /book/slots, kept for a few seconds.

After an advert, hundreds of people ask for the same few days' times at once,
and each answer costs several queries and the availability arithmetic. A few
seconds of staleness is safe: the details step checks the time again, and the
booking itself is guarded by the database, so a time taken meanwhile is
refused with the day's other times, never booked twice.

Any commit in this worker (a booking, a move, a closure) forgets every entry,
so the patient who has just booked, and the admin who has just closed a day,
see the change at once; other workers see it when their entries expire.
"""

import time

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.wrappers import Request

from clinic.web import page_cache

EXTENSION_KEY = "slot_cache"
# Keys are only stored for valid questions (an active type, a practitioner, a
# date), but the dates are many: a bound keeps a crawler from growing it forever.
MAX_ENTRIES = 2000


def init_app(app):
    app.config.setdefault("SLOTS_CACHE_SECONDS", 5)
    app.extensions[EXTENSION_KEY] = {}
    app.wsgi_app = CachedSlotsServer(app.wsgi_app, app)


def key_for(args):
    return (args.get("type"), args.get("practitioner"), args.get("date"))


def cached(key, compute):
    """compute()'s answer for key, reused for SLOTS_CACHE_SECONDS; an answer of None
    (a question that cannot be answered) is never stored."""
    seconds = current_app.config["SLOTS_CACHE_SECONDS"]
    if seconds <= 0:
        return compute()
    entries = current_app.extensions[EXTENSION_KEY]
    now = time.monotonic()
    entry = entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = compute()
    if value is not None:
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[key] = (now + seconds, value)
    return value


@event.listens_for(Session, "after_commit")
def _forget_after_a_write(session):
    if has_app_context():
        current_app.extensions.get(EXTENSION_KEY, {}).clear()


class CachedSlotsServer:
    """WSGI middleware answering /book/slots from this worker's entries before Flask runs.

    The answer depends on nothing but the query string: not the session, not who is
    signed in; and a GET is never rate-limited. Patients mid-booking carry a session
    cookie, so unlike the page cache this does not wait for a cookie-less request.
    """

    PATH = "/book/slots"

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != self.PATH or environ["REQUEST_METHOD"] != "GET":
            return self.wsgi_app(environ, start_response)
        # Read the query string exactly as Flask would, so a key means the same question.
        key = key_for(Request(environ).args)
        entry = self.app.extensions[EXTENSION_KEY].get(key)
        if entry is None or entry[0] <= time.monotonic() or self.app.config["SLOTS_CACHE_SECONDS"] <= 0:
            return self.wsgi_app(environ, start_response)
        headers = [("Content-Type", "application/json"), ("Vary", "Cookie")]
        return page_cache.answer_directly(self.app, environ, start_response, 200, headers, entry[1])
