"""Staff passwords, hashed with argon2id (argon2-cffi's defaults)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

hasher = PasswordHasher()
# Verified when the email matches no one, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = hasher.hash("no such user: constant-time padding")

MIN_LENGTH = 12


def hash_password(password):
    return hasher.hash(password)


def verify(user, password):
    """True if the password is the user's; upgrades the stored hash when the
    hasher's parameters have changed since it was made."""
    if user is None:
        _safe_verify(_DUMMY_HASH, password)
        return False
    if not _safe_verify(user.password_hash, password):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def weakness(password):
    """Why a new password is too weak, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters; a few unrelated words work well."
    return None


def _safe_verify(password_hash, password):
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
