"""Reading the audit log: the entries matching a filter (newest first, a page at a time), the
choices its filter form offers, and how a row is shown."""

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload

from clinic.clinic_time import local_day_bounds, to_local
from clinic.extensions import db
from clinic.models import AuditEntry, StaffUser
from clinic.web import pagination

PER_PAGE = 100
# Entries written when nobody was signed in: failed sign-ins.
UNKNOWN_ACTOR = "unknown"


@dataclass
class AuditRow:
    entry: AuditEntry
    # The account's name when the record is a staff account, e.g. whose sign-in failed.
    record_name: str | None


def accounts():
    """Every staff account, whoever may have acted."""
    return db.session.scalars(select(StaffUser).order_by(StaffUser.name)).all()


def actions():
    """The actions the log holds."""
    return db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()


def record_types():
    """The record types the log holds."""
    return db.session.scalars(
        select(AuditEntry.record_type)
        .where(AuditEntry.record_type.is_not(None))
        .distinct()
        .order_by(AuditEntry.record_type)
    ).all()


def find_entries(
    *, actor=None, action=None, record_type=None, record_id=None, date_from=None, date_to=None, page=1
):
    """One page of entries matching every criterion given. actor is a staff user id or UNKNOWN_ACTOR;
    date_from and date_to are clinic-time dates, both included."""
    conditions = []
    if actor == UNKNOWN_ACTOR:
        conditions.append(AuditEntry.actor_id.is_(None))
    elif actor is not None:
        conditions.append(AuditEntry.actor_id == int(actor))
    if action:
        conditions.append(AuditEntry.action == action)
    if record_type:
        conditions.append(AuditEntry.record_type == record_type)
    if record_id is not None:
        conditions.append(AuditEntry.record_id == record_id)
    if date_from:
        conditions.append(AuditEntry.at >= local_day_bounds(date_from, date_from)[0])
    if date_to:
        conditions.append(AuditEntry.at < local_day_bounds(date_to, date_to)[1])

    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    page = pagination.page_number(page, total, PER_PAGE)
    record_account = aliased(StaffUser)
    statement = (
        select(AuditEntry, record_account.name)
        .outerjoin(
            record_account,
            and_(AuditEntry.record_type == "staff_user", AuditEntry.record_id == record_account.id),
        )
        .options(joinedload(AuditEntry.actor))
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    results = db.session.execute(pagination.cut(statement, page, PER_PAGE)).all()
    return pagination.Page([AuditRow(entry, name) for entry, name in results], page, total, PER_PAGE)


def timestamp(moment):
    """Clinic time to the second, with the zone: 1 Dec 2026, 09:30:15 GMT."""
    local = to_local(moment)
    return f"{local.day} {local:%b %Y, %H:%M:%S} {local.tzname()}"
