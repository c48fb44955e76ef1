"""Staff accounts as the clinic admin manages them: create, deactivate, reset a password, change a role.

Every change is audited in the same transaction and committed here. Deactivating
and resetting a password both issue a new session token, so whoever holds the old
session is signed out at their next request.
"""

import secrets

from clinic import audit
from clinic.extensions import db
from clinic.models import Practitioner
from clinic.models.staff import Role
from clinic.staff.auth import service as accounts

# No 0/o or 1/l/i: the admin may read the password out over the phone.
READABLE_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 4, 4  # 16 characters from 31: about 79 bits


def generate_password():
    """Like "k7mp-x3rt-9qaf-hw2e"."""
    groups = (
        "".join(secrets.choice(READABLE_CHARACTERS) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
    return "-".join(groups)


def create_account(email, name, role, practitioner=None):
    """The new account and its initial password, which is shown to the admin once and never stored.

    A practitioner account without a practitioner gets a new one in its name.
    """
    password = generate_password()
    user = accounts.create(email, name, role, password, practitioner=practitioner)
    db.session.commit()
    return user, password


def reset_password(user):
    password = generate_password()
    accounts.set_password(user, password)
    db.session.commit()
    return password


def deactivate(user, *, by):
    if user.id == by.id:
        raise accounts.AccountError("You cannot deactivate your own account. Ask another admin to do it.")
    user.active = False
    user.rotate_session_token()
    audit.record("deactivated staff account", user)
    db.session.commit()


def reactivate(user):
    user.active = True
    audit.record("reactivated staff account", user)
    db.session.commit()


def change_role(user, role, practitioner, *, by):
    """False when nothing changed. A practitioner account needs a practitioner: the one
    given, or a new one in the account's name; other roles are unlinked from theirs."""
    if user.id == by.id:
        # The acting admin could otherwise demote the last admin, themselves.
        raise accounts.AccountError("You cannot change your own role. Ask another admin to do it.")
    if role == Role.PRACTITIONER and practitioner is None:
        practitioner = Practitioner(name=user.name, bio="", active=True)
    elif role != Role.PRACTITIONER:
        practitioner = None
    if role == user.role and practitioner is user.practitioner:
        return False
    summary = f"role {user.role} to {role}" if role != user.role else "linked to another practitioner"
    user.role = role
    user.practitioner = practitioner
    audit.record("changed role", user, summary)
    db.session.commit()
    return True
