"""One enquiry or booking in full, for reception: status, notes, emails, photos and actions.

Practitioners may open only the bookings of their own patients, and those bookings' photos.
Every view is audited; every change goes through clinic.staff.records.service, which audits it too.
Each kind of record has its own child blueprint; they share the /staff prefix of the parent.
"""

from flask import Blueprint

from clinic.staff.records import book_in_routes, booking_routes, enquiry_routes, photo_routes

bp = Blueprint("records", __name__)
for child in (enquiry_routes.bp, book_in_routes.bp, booking_routes.bp, photo_routes.bp):
    bp.register_blueprint(child)
