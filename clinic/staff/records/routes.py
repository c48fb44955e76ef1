"""One enquiry or booking in full, for reception: status, notes, emails, photos and actions.

Practitioners may open only the bookings of their own patients, and those bookings' photos.
Every view is audited; every change goes through clinic.staff.records.service, which audits it too.
The routes live in one module per concept, all on the one `records` blueprint: importing
them here registers them before the app registers bp.
"""

from clinic.staff.records import book_in_routes as records_book_in
from clinic.staff.records import booking_routes as records_booking
from clinic.staff.records import enquiry_routes as records_enquiry
from clinic.staff.records import photo_routes as records_photos
from clinic.staff.records.blueprint import bp

__all__ = ["bp", "records_book_in", "records_booking", "records_enquiry", "records_photos"]
