from clinic.models.content import MediaItem, Testimonial
from clinic.models.enquiry import ConsentRecord, Enquiry
from clinic.models.outbox import OutboxMessage

__all__ = ["ConsentRecord", "Enquiry", "MediaItem", "OutboxMessage", "Testimonial"]
