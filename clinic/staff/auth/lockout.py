"""The per-account sign-in lock: failures are counted on the account, whatever
addresses they come from, and too many within the window lock it for a while.

Only time ends a lock (or a new password, which voids the guesses made against
the old one). A successful sign-in elsewhere resets nothing: otherwise the owner
signing in would hand someone guessing from many addresses a fresh allowance.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import case, literal, null, or_, update

from clinic import audit
from clinic.extensions import db
from clinic.models import StaffUser
from clinic.models.types import UTCDateTime
from clinic.outbox.delivery import send_now
from clinic.outbox.service import AUTOMATIC_HEADERS, queue_email

LOCKED = "locked staff account"


def is_locked(user, now):
    return user.locked_until is not None and user.locked_until > now


def record_failure(user, now, reason):
    """Audit and count a failed sign-in to an account that is not locked; the failure
    that reaches STAFF_ACCOUNT_LOCK_FAILURES locks it and emails its owner. Commits."""
    locked_until = _count(user, now)
    audit.record("sign-in failed", user, reason)
    emails = []
    if locked_until is not None:
        config = current_app.config
        audit.record(
            LOCKED,
            user,
            f"{config['STAFF_ACCOUNT_LOCK_FAILURES']} failed sign-ins within "
            f"{config['STAFF_ACCOUNT_LOCK_WINDOW_MINUTES']} minutes",
        )
        emails.append(tell_owner_account_locked(user, locked_until))
    db.session.commit()
    if emails:
        send_now(emails)


def lift(user):
    """Forget the failures and end any lock; the caller commits."""
    user.sign_in_failures = 0
    user.first_failure_at = None
    user.locked_until = None


def _count(user, now):
    """Count one failure; the end of the lock if this failure started one, else None.

    One conditional UPDATE, worked out by the database on the row as it is now:
    failures arriving in parallel through several workers are each counted, and
    exactly one of them starts the lock (so the owner gets one email). A failure
    that arrives after a parallel one locked the account matches no row and is
    not counted.
    """
    config = current_app.config
    window_start = now - timedelta(minutes=config["STAFF_ACCOUNT_LOCK_WINDOW_MINUTES"])
    lock_end = now + timedelta(minutes=config["STAFF_ACCOUNT_LOCK_MINUTES"])
    new_window = or_(StaffUser.first_failure_at.is_(None), StaffUser.first_failure_at <= window_start)
    failures = case((new_window, 1), else_=StaffUser.sign_in_failures + 1)
    reaches_limit = failures >= config["STAFF_ACCOUNT_LOCK_FAILURES"]
    # The lock uses the failures up: after it, the next ones start a new window.
    locked_until = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id, or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= now))
        .values(
            sign_in_failures=case((reaches_limit, 0), else_=failures),
            first_failure_at=case(
                (reaches_limit, null()),
                (new_window, literal(now, UTCDateTime)),
                else_=StaffUser.first_failure_at,
            ),
            locked_until=case((reaches_limit, literal(lock_end, UTCDateTime)), else_=StaffUser.locked_until),
        )
        .returning(StaffUser.locked_until)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return locked_until if locked_until is not None and locked_until > now else None


def tell_owner_account_locked(user, locked_until):
    config = current_app.config
    return queue_email(
        "account_locked",
        [user.email],
        f"Your staff sign-in is locked for {config['STAFF_ACCOUNT_LOCK_MINUTES']} minutes",
        "account_locked",
        headers=AUTOMATIC_HEADERS,
        user=user,
        locked_until=locked_until,
        failures=config["STAFF_ACCOUNT_LOCK_FAILURES"],
        window_minutes=config["STAFF_ACCOUNT_LOCK_WINDOW_MINUTES"],
    )
