"""Staff sign-in sessions: renewed at sign-in, ended after 30 idle minutes or 12 hours."""

import time

from flask import current_app, session
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import StaffUser

SIGNED_IN_AT, SEEN_AT = "staff_signed_in_at", "staff_seen_at"


def start():
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now
    session.permanent = True


def is_current():
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if signed_in_at is None or seen_at is None:
        return False
    now = time.time()
    config = current_app.config
    return (
        now - seen_at <= config["STAFF_IDLE_TIMEOUT_MINUTES"] * 60
        and now - signed_in_at <= config["STAFF_SESSION_MAX_HOURS"] * 3600
    )


def touch():
    session[SEEN_AT] = time.time()


def end():
    session.clear()


def load_user(session_token):
    """Flask-Login's user loader: the account whose current session token this is,
    while the session is within its idle and absolute limits."""
    if not is_current():
        return None
    return db.session.scalar(
        select(StaffUser).where(StaffUser.session_token == session_token, StaffUser.active)
    )
