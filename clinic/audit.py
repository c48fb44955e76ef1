"""The audit log: who viewed or changed which record, and when.

Entries say what happened in words that carry no health details ("viewed
enquiry", "changed status to contacted"); the records themselves hold those.
"""

from flask import has_request_context, request
from flask_login import current_user

from clinic.extensions import db
from clinic.models import AuditEntry
from clinic.models.staff import RecordType

RECORD_TYPES = {
    "Enquiry": RecordType.ENQUIRY,
    "Booking": RecordType.BOOKING,
    "Photo": RecordType.PHOTO,
    "StaffUser": RecordType.STAFF_USER,
    "Practitioner": RecordType.PRACTITIONER,
    "ConsultationType": RecordType.CONSULTATION_TYPE,
    "Closure": RecordType.CLOSURE,
    "WorkingHours": RecordType.WORKING_HOURS,
    "HolidayOpening": RecordType.HOLIDAY_OPENING,
}


def record(action, target=None, summary="", *, actor=None):
    """Add an entry to the current transaction; the caller commits."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,
            action=action,
            record_type=_record_type(target),
            record_id=getattr(target, "id", None),
            summary=summary[:200],
            ip_address=request.remote_addr if has_request_context() else None,
        )
    )


def record_now(action, target=None, summary="", *, actor=None):
    """For reads and sign-ins, which have no transaction of their own to join.

    The commit leaves the request's loaded objects as they are: the page goes on to
    show the record it has just read and the signed-in user, and expiring them would
    only make it read each of them again."""
    record(action, target, summary, actor=actor)
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit


def _record_type(target):
    if target is None:
        return None
    name = type(target).__name__
    return RECORD_TYPES.get(name, name.lower())
