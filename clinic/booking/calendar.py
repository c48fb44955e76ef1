"""The appointment as an iCalendar file, for the email and the download link."""

from icalendar import Calendar, Event, vText

from clinic import clinic_info
from clinic.models.types import utcnow

UID_DOMAIN = "hairline-clinic.co.uk"


def booking_ics(booking, manage_url, *, cancelled=False):
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic_info.NAME}//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    # Stable across moves, with SEQUENCE rising, so calendar apps update the
    # one entry instead of adding a second.
    event.add("uid", f"{booking.manage_key}@{UID_DOMAIN}")
    event.add("sequence", booking.token_version)
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", f"{booking.type.name} at {clinic_info.NAME}")
    event.add("location", vText(location(booking)))
    event.add("description", description(booking, manage_url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()


def location(booking):
    if booking.type.is_video:
        return "Video call: we email you the link before your appointment"
    return ", ".join((clinic_info.NAME, *clinic_info.ADDRESS_LINES))


def description(booking, manage_url):
    parts = [f"Reference {booking.reference}."]
    if manage_url:
        parts.append(f"To view, move or cancel: {manage_url} .")
    parts.append(f"Questions: {clinic_info.PHONE}.")
    return " ".join(parts)


def filename(booking):
    return f"{booking.reference}.ics"
