"""Staff passwords, hashed with argon2id.

The parameters are argon2-cffi's defaults unless PASSWORD_HASHER in config
says otherwise (the test suite uses cheap ones); a stored hash made with other
parameters is upgraded at the next successful sign-in.
"""

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12


def hasher():
    return _hasher_for(tuple(sorted(current_app.config["PASSWORD_HASHER"].items())))


@cache
def _hasher_for(parameters):
    return PasswordHasher(**dict(parameters))


@cache
def _dummy_hash(parameters):
    # Verified when the email matches no one, so a wrong email costs as long as a wrong password.
    return _hasher_for(parameters).hash("no such user: constant-time padding")


def hash_password(password):
    return hasher().hash(password)


def verify(user, password):
    """True if the password is the user's; upgrades the stored hash when the
    hasher's parameters have changed since it was made."""
    if user is None:
        _safe_verify(_dummy_hash(tuple(sorted(current_app.config["PASSWORD_HASHER"].items()))), password)
        return False
    if not _safe_verify(user.password_hash, password):
        return False
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    return True


def weakness(password):
    """Why a new password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters; a few unrelated words work well."
    return None


def _safe_verify(password_hash, password):
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
