"""Staff accounts as the admin's pages list them."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clinic.extensions import db
from clinic.models import Practitioner, StaffUser


def all_accounts():
    """Every account with its linked practitioner, whose name the list shows."""
    return db.session.scalars(
        select(StaffUser)
        .options(joinedload(StaffUser.practitioner))
        .order_by(StaffUser.active.desc(), StaffUser.name)
    ).all()


def unlinked_practitioners(keep=None):
    """Practitioners no account is linked to (an account may link to one practitioner only),
    plus `keep`, the one the account being edited already has."""
    linked = select(StaffUser.practitioner_id).where(StaffUser.practitioner_id.is_not(None))
    if keep is not None:
        linked = linked.where(StaffUser.practitioner_id != keep.id)
    return db.session.scalars(
        select(Practitioner).where(Practitioner.id.not_in(linked)).order_by(Practitioner.name)
    ).all()
