"""The waiting list: joining it, and claiming a freed slot through an offer link."""

import secrets

from clinic import consent
from clinic.booking import notifications, service
from clinic.extensions import db
from clinic.models import ConsultationType, WaitlistEntry
from clinic.references import unused_reference

REFERENCE_PREFIX = "WL"
BOOKED = "booked"


def join(details, marketing_opt_in):
    entry = WaitlistEntry(
        reference=unused_reference(WaitlistEntry, REFERENCE_PREFIX),
        manage_key=secrets.token_hex(16),
        marketing_opt_in=marketing_opt_in,
        **details,
    )
    entry.consents.append(consent.BOOKING_HEALTH_DATA.record())
    if marketing_opt_in:
        entry.consents.append(consent.MARKETING.record())
    db.session.add(entry)
    db.session.flush()
    emails = [notifications.waitlist_joined(entry)]
    db.session.commit()
    return entry, emails


def claim(entry, start, practitioner_id):
    """Book the offered slot for the waitlisted patient; raises service.SlotTaken if gone."""
    consultation_type = db.session.get(ConsultationType, entry.type_id)
    details = {
        "full_name": entry.full_name,
        "email": entry.email,
        "phone": entry.phone,
        "concern": entry.concern,
        "pattern_stage": entry.pattern_stage,
        "notes": entry.notes,
        "adult_confirmed": True,
        "marketing_opt_in": entry.marketing_opt_in,
    }
    entry_id = entry.id

    def mark_booked(_booking):
        db.session.get(WaitlistEntry, entry_id).status = BOOKED

    return service.book(
        consultation_type,
        start,
        practitioner_id,
        details,
        consents=[consent.BOOKING_HEALTH_DATA],
        source="waitlist",
        on_booked=mark_booked,
    )
