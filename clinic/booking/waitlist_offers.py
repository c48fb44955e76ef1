"""When a booking is cancelled, the freed time is offered to matching waitlisted patients."""

from sqlalchemy import or_, select

from clinic.booking import notifications
from clinic.clinic_time import to_local
from clinic.extensions import db
from clinic.models import WaitlistEntry
from clinic.models.booking import WaitlistStatus
from clinic.scheduling.queries import free_practitioners_at

NOON = 12


def matches(entry, local_start):
    if str(local_start.weekday()) not in entry.weekdays:
        return False
    if entry.part_of_day == "morning":
        return local_start.hour < NOON
    if entry.part_of_day == "afternoon":
        return local_start.hour >= NOON
    return True


def offer_freed_slot(consultation_type, start, practitioner):
    """Queue an offer of a freed time to every waiting patient whose wishes fit; first to claim wins."""
    local_start = to_local(start)
    entries = db.session.scalars(
        select(WaitlistEntry)
        .where(
            WaitlistEntry.status == WaitlistStatus.WAITING,
            WaitlistEntry.type_id == consultation_type.id,
            or_(
                WaitlistEntry.practitioner_id.is_(None),
                WaitlistEntry.practitioner_id == practitioner.id,
            ),
        )
        .order_by(WaitlistEntry.created_at)
    ).all()
    wanted = [entry for entry in entries if matches(entry, local_start)]
    # Only a time patients can book is offered (not in a closure or on a closed bank holiday,
    # not too soon): a claim is checked by the same rule and would be refused.
    if not wanted or not free_practitioners_at(consultation_type, start, practitioner.id):
        return []
    return [notifications.waitlist_offer(entry, start, practitioner, consultation_type) for entry in wanted]
