"""Who may open which staff page, and whose patients they may see there.

Every route in the staff area (the staff blueprint and the blueprints nested in
it, which share its guard) must name the roles it allows with @allow;
a route that names none answers 403 to everyone, so a new page cannot be
left open by accident. Anonymous visitors are sent to sign in.

Past the role, one rule: reception and admin see every patient, a practitioner
only their own (the bookings made with them, those bookings' photos, their own
day list). Routes ask can_view_booking or can_view_photo, the day list asks
sees_every_patient, and queries of bookings narrow with visible_bookings.
"""

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import false

from clinic.models import Booking
from clinic.models.staff import Role
from clinic.staff.auth import sessions

PUBLIC_ENDPOINTS = {"staff.auth.login"}
EVERYONE = tuple(Role)
FRONT_DESK = (Role.RECEPTION, Role.ADMIN)


def allow(*roles):
    def decorate(view):
        view.allowed_roles = frozenset(roles)
        return view

    return decorate


def may_open(user, endpoint):
    """Whether user's role is one of those the endpoint's @allow names; the staff
    navigation offers only these, by the same rule the guard enforces."""
    view = current_app.view_functions.get(endpoint)
    return user.is_authenticated and user.role in getattr(view, "allowed_roles", frozenset())


def sees_every_patient(user):
    return user.role in FRONT_DESK


def sees_patients_of(user, practitioner_id):
    """Whether user may see the patients booked with this practitioner (an id, or None for nobody's)."""
    if sees_every_patient(user):
        return True
    return (
        user.role == Role.PRACTITIONER
        and practitioner_id is not None
        and practitioner_id == user.practitioner_id
    )


def can_view_booking(user, booking):
    return sees_patients_of(user, booking.practitioner_id)


def can_view_photo(user, photo):
    # Asked before photo.booking, which the front desk need not load. A photo sent with an
    # enquiry is no practitioner's until a booking holds it.
    if sees_every_patient(user):
        return True
    return photo.booking is not None and can_view_booking(user, photo.booking)


def visible_bookings(user, statement):
    """statement, a select of bookings, narrowed to those user may see: sees_patients_of in SQL."""
    if sees_every_patient(user):
        return statement
    if user.role == Role.PRACTITIONER and user.practitioner_id is not None:
        return statement.where(Booking.practitioner_id == user.practitioner_id)
    return statement.where(false())


def guard_blueprint(blueprint):
    blueprint.before_request(_check_access)
    blueprint.after_request(_no_store)


def _check_access():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.auth.login", next=request.full_path.rstrip("?")))
    sessions.touch()
    if not may_open(current_user, request.endpoint):
        abort(403)
    if _must_set_up_two_factor() and request.endpoint not in {"staff.auth.two_factor", "staff.auth.logout"}:
        return redirect(url_for("staff.auth.two_factor"))
    return None


def _must_set_up_two_factor():
    return (
        current_user.role == Role.ADMIN
        and current_app.config["STAFF_ADMIN_REQUIRE_2FA"]
        and not current_user.uses_two_factor
    )


def _no_store(response):
    # Patient details must not linger in browser or proxy caches.
    response.headers["Cache-Control"] = "no-store"
    return response
