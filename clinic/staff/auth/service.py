"""Staff accounts: creating them, signing in and out, two-factor codes."""

import pyotp
from sqlalchemy import func, select

from clinic import audit
from clinic.extensions import db
from clinic.models import Practitioner, StaffUser
from clinic.models.staff import Role
from clinic.models.types import utcnow
from clinic.staff.auth import lockout, one_time_codes, passwords
from clinic.web import ratelimits

ISSUER = "Hairline SMP Clinic"


class AccountError(ValueError):
    """str() is a message for the person creating the account."""


def find_by_email(email):
    return db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def create(email, name, role, password, *, practitioner=None):
    """A new active account; a practitioner account gets a practitioner record if none is given."""
    if role not in list(Role):
        raise AccountError(f"Role must be one of {', '.join(Role)}.")
    if find_by_email(email) is not None:
        raise AccountError("There is already an account with that email address.")
    problem = passwords.weakness(password)
    if problem:
        raise AccountError(problem)
    if role == Role.PRACTITIONER and practitioner is None:
        practitioner = Practitioner(name=name, bio="", active=True)
    user = StaffUser(
        email=email.strip().lower(),
        name=name,
        role=role,
        practitioner=practitioner if role == Role.PRACTITIONER else None,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("created staff account", user, f"role {role}")
    return user


def authenticate(email, password, code):
    """The account these credentials open, or None. Every failure looks the same to
    the caller, a locked account's included, whichever part was wrong."""
    now = utcnow()
    user = find_by_email(email)
    # Checked even for a locked or unknown account, so that answers take as long.
    password_ok = passwords.verify(user, password)
    if user is None or not user.is_active:
        audit.record_now("sign-in failed", user)
        return None
    if lockout.is_locked(user, now):
        audit.record_now("sign-in failed", user, "account locked")
        return None
    if not password_ok:
        lockout.record_failure(user, now, "wrong password")
        return None
    if user.uses_two_factor:
        refusal = _two_factor_refusal(user, code, now)
        if refusal:
            lockout.record_failure(user, now, refusal)
            return None
    user.last_sign_in_at = now
    audit.record("signed in", user, actor=user)
    db.session.commit()
    return user


def _two_factor_refusal(user, code, now):
    """Why this code does not complete the sign-in, or None, its step then spent
    in the sign-in's transaction."""
    if not ratelimits.two_factor_attempts_left(user):
        return "too many wrong two-factor codes"
    step = one_time_codes.matching_step(user.totp_secret, code, now)
    if step is None or not one_time_codes.spend(user, step):
        ratelimits.count_wrong_two_factor_code(user)
        return "wrong two-factor code" if step is None else "two-factor code already used"
    return None


def sign_out(user):
    user.rotate_session_token()
    audit.record("signed out", user, actor=user)
    db.session.commit()


def set_password(user, password):
    problem = passwords.weakness(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = passwords.hash_password(password)
    user.rotate_session_token()
    # Guesses made against the old password say nothing about the new one.
    lockout.lift(user)
    audit.record("changed password", user)


def new_totp_secret():
    return pyotp.random_base32()


def totp_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def enable_two_factor(user, secret, code):
    step = one_time_codes.matching_step(secret, code, utcnow())
    if step is None:
        raise AccountError("That code did not match. Check the time on your phone and try the newest code.")
    user.totp_secret = secret
    # The code that confirmed the setup is spent: it cannot sign in too.
    user.totp_last_step = step
    audit.record("turned on two-factor sign-in", user)
    db.session.commit()


def turn_off_two_factor(user):
    """For a lost phone: the next sign-in needs only the password (and, where
    admins must use two-factor sign-in, a fresh setup straight after)."""
    user.totp_secret = None
    user.rotate_session_token()
    audit.record("turned off two-factor sign-in", user)
    db.session.commit()


def change_own_password(user, current_password, new_password):
    if not passwords.verify(user, current_password):
        raise AccountError("That is not your current password.")
    set_password(user, new_password)
    db.session.commit()
