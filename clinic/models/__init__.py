from clinic.models.booking import Booking, Photo, WaitlistEntry
from clinic.models.content import MediaItem, Testimonial
from clinic.models.enquiry import ConsentRecord, Enquiry
from clinic.models.outbox import OutboxMessage
from clinic.models.scheduling import Closure, ConsultationType, HolidayOpening, Practitioner, WorkingHours
from clinic.models.staff import AuditEntry, Note, StaffUser

__all__ = [
    "AuditEntry",
    "Note",
    "StaffUser",
    "Booking",
    "Closure",
    "ConsentRecord",
    "ConsultationType",
    "Enquiry",
    "HolidayOpening",
    "MediaItem",
    "OutboxMessage",
    "Photo",
    "Practitioner",
    "Testimonial",
    "WaitlistEntry",
    "WorkingHours",
]
