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

EXTENSION_KEY = "slot_cache"
# Keys are only stored for valid questions (an active type, a practitioner, a
# date), but the dates are many: a bound keeps a crawler from growing it forever.
MAX_ENTRIES = 2000


def init_app(app):
    app.config.setdefault("SLOTS_CACHE_SECONDS", 5)
    app.extensions[EXTENSION_KEY] = {}


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
