"""The appointment as an iCalendar invitation, for the emails and the download link.

A booking is one event for its whole life, sent as an iTIP message (RFC 5546)
from the clinic (ORGANIZER) to the patient (ATTENDEE): METHOD:REQUEST while it
stands, so that a calendar app adds the entry or updates the one it has, and
METHOD:CANCEL once cancelled, so that it removes it. Apps tell the versions
apart by the same UID and a SEQUENCE one higher on every change.
"""

from icalendar import Calendar, Event, vCalAddress

from clinic import clinic_info
from clinic.booking import video
from clinic.models.booking import BookingStatus
from clinic.web.urls import site_url

UID_DOMAIN = "hairline-clinic.co.uk"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def booking_ics(booking, manage_url):
    """The booking's calendar file as it stands now. manage_url: the patient's
    manage page, or None once the booking is cancelled and the page is gone."""
    cancelled = method(booking) == CANCEL
    event = Event.new(
        # Random and stable across moves, like the manage key it comes from.
        uid=f"{booking.manage_key}@{UID_DOMAIN}",
        sequence=booking.calendar_sequence,
        stamp=last_changed(booking),
        start=booking.starts_at,
        end=booking.ends_at,
        summary=f"{booking.type.name} at {clinic_info.NAME}",
        location=location(booking),
        url=_video_link(booking) or manage_url or site_url("booking.start"),
        description=description(booking, manage_url),
        organizer=vCalAddress.new(clinic_info.EMAIL, cn=clinic_info.NAME),
        attendees=[
            # Booked by the patient themselves: nothing left for their app to ask.
            vCalAddress.new(
                booking.email,
                cn=booking.full_name,
                role="REQ-PARTICIPANT",
                partstat="ACCEPTED",
                rsvp=False,
            )
        ],
        status="CANCELLED" if cancelled else "CONFIRMED",
        # An app that keeps a cancelled entry at least shows the time as free.
        transparency="TRANSPARENT" if cancelled else "OPAQUE",
    )
    # Calendar() rather than Calendar.new(), which would add a random calendar UID.
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic_info.NAME}//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method(booking))
    calendar.add_component(event)
    return calendar.to_ical()


def method(booking):
    return CANCEL if booking.status == BookingStatus.CANCELLED else REQUEST


def content_type(booking):
    """The MIME type of the file, whose method parameter must match its METHOD (RFC 6047)."""
    return f"text/calendar; charset=utf-8; method={method(booking)}"


def last_changed(booking):
    """DTSTAMP: when the clinic last sent this version, the same in every copy of it."""
    return booking.cancelled_at or booking.confirmed_at or booking.created_at


def location(booking):
    if not booking.type.is_video:
        return ", ".join((clinic_info.NAME, *clinic_info.ADDRESS_LINES))
    return _video_link(booking) or video.LINK_TO_FOLLOW


def description(booking, manage_url):
    parts = [f"Reference {booking.reference}."]
    if manage_url:
        parts.append(f"To view, move or cancel: {manage_url} .")
    parts.append(f"Questions: {clinic_info.PHONE}.")
    return " ".join(parts)


def filename(booking):
    return f"{booking.reference}.ics"


def _video_link(booking):
    return booking.video_link if booking.type.is_video else None
