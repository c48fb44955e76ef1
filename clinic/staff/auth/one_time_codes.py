"""Two-factor codes (TOTP, RFC 6238) that work once.

The account keeps the time step of the last code it accepted; a code from that
step or an earlier one is refused, so a code seen over a shoulder or replayed
from a captured request opens nothing.
"""

from datetime import timedelta

import pyotp
from pyotp.utils import strings_equal
from sqlalchemy import or_, update

from clinic.extensions import db
from clinic.models import StaffUser

# A phone whose clock is a little off shows the code of the step before or after.
DRIFT_STEPS = 1


def matching_step(secret, code, now):
    """The time step whose code `code` is, within DRIFT_STEPS of now, or None."""
    totp = pyotp.TOTP(secret)
    code = (code or "").strip()
    # The latest first: were one code to match two steps, the later one is spent.
    for offset in range(DRIFT_STEPS, -DRIFT_STEPS - 1, -1):
        moment = now + timedelta(seconds=offset * totp.interval)
        if strings_equal(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def spend(user, step):
    """Record `step` as the account's last; False if it, or a later one, was spent
    already, by an earlier sign-in or a parallel one. Joins the caller's transaction."""
    result = db.session.execute(
        update(StaffUser)
        .where(
            StaffUser.id == user.id, or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step)
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
