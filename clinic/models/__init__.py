from clinic.models.booking import Booking, Photo, WaitlistEntry
from clinic.models.content import MediaItem, Testimonial
from clinic.models.enquiry import ConsentRecord, Enquiry
from clinic.models.outbox import OutboxMessage
from clinic.models.scheduling import Closure, ConsultationType, Practitioner, WorkingHours

__all__ = [
    "Booking",
    "Closure",
    "ConsentRecord",
    "ConsultationType",
    "Enquiry",
    "MediaItem",
    "OutboxMessage",
    "Photo",
    "Practitioner",
    "Testimonial",
    "WaitlistEntry",
    "WorkingHours",
]
