"""The calendar files a patient gets, as their calendar sees them.

A booking is booked, moved and cancelled through the site as a patient does it;
each email's attachment is taken from the real SMTP sink, parsed with icalendar
and imported into khal, one calendar program, to see what it really does with it.
"""

import os
import shutil
import subprocess
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from clinic.booking.tokens import manage_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Booking
from clinic.models.types import utcnow
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details

PATIENT = "priya.shah@gmail.com"
CLINIC = "mailto:hello@hairline-clinic.co.uk"
CLINIC_NAME = "Hairline SMP Clinic"
BASE_URL = "http://clinic.example.com"
# What khal does with a cancellation (see test_khal_...): the emails may promise no more.
CANCELLED_WORDING = "some apps keep the entry but mark it as cancelled"


def the_booking(app):
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        db.session.expunge(booking)
        return booking


def token_of(app, booking):
    with app.app_context():
        return manage_token(booking)


def calendar_attachment(received):
    [attachment] = list(received.message.iter_attachments())
    return attachment.get_content_type(), attachment.get_param("method"), attachment.get_content()


def path_of(url):
    assert url.startswith(f"{BASE_URL}/booking/")
    return urlsplit(url).path


def stamp(moment):
    """A database time as DTSTAMP writes it: UTC, to the second."""
    return moment.replace(microsecond=0)


class Sent(NamedTuple):
    """One email to the patient with its calendar file, and the booking as it then was."""

    email: object
    file: str
    calendar: Calendar
    mime_method: str
    booking: Booking

    @property
    def event(self):
        return event_of(self.calendar)


def book_move_cancel(app, client, schedule, mail_sink):
    """Book 10am, move to 3pm, cancel: (start, new start, [Sent] for each)."""
    start, new_start = local_start(schedule.day, 10), local_start(schedule.day, 15)

    assert client.post("/book/details", data=booking_details(schedule.in_clinic, start)).status_code == 303
    booked = last_sent(app, mail_sink)
    # The patient follows the link in the file itself.
    response = client.post(
        f"{path_of(str(booked.event['url']))}/move/confirm",
        data={"start": format_start(new_start), "practitioner": "any"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    moved = last_sent(app, mail_sink)
    backdate_last_change(app, moved.booking)  # so that the cancellation's own time shows
    assert client.post(f"{path_of(str(moved.event['url']))}/cancel").status_code == 303
    return start, new_start, [booked, moved, last_sent(app, mail_sink)]


def backdate_last_change(app, booking):
    """As if the booking had been made or moved an hour ago; returns that time."""
    an_hour_ago = stamp(utcnow() - timedelta(hours=1))
    with app.app_context():
        db.session.get(Booking, booking.id).confirmed_at = an_hour_ago
        db.session.commit()
    return an_hour_ago


def last_sent(app, mail_sink):
    received = mail_sink.to(PATIENT)[-1]
    content_type, method, data = calendar_attachment(received)
    assert content_type == "text/calendar"
    return Sent(received, data, Calendar.from_ical(data), method, the_booking(app))


def event_of(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def test_booking_moving_and_cancelling_send_one_event_that_updates_then_cancels(
    app, client, schedule, mail_sink
):
    start, new_start, sent = book_move_cancel(app, client, schedule, mail_sink)
    at_booking, at_move, at_end = (each.booking for each in sent)

    assert [str(each.calendar["method"]) for each in sent] == ["REQUEST", "REQUEST", "CANCEL"]
    # The MIME type names the same method, as iTIP over email requires (RFC 6047).
    assert [each.mime_method for each in sent] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [each.event for each in sent]
    assert len({str(event["uid"]) for event in events}) == 1
    assert str(events[0]["uid"]) == f"{at_booking.manage_key}@hairline-clinic.co.uk"
    assert [event.decoded("sequence") for event in events] == [0, 1, 2]
    assert [str(event["status"]) for event in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert [str(event["transp"]) for event in events] == ["OPAQUE", "OPAQUE", "TRANSPARENT"]

    for event in events:
        assert str(event.organizer) == CLINIC and event.organizer.params["CN"] == CLINIC_NAME
        [attendee] = event.attendees
        assert str(attendee) == f"mailto:{PATIENT}"
        assert attendee.params["CN"] == "Priya Shah"
        assert (attendee.params["PARTSTAT"], attendee.params["RSVP"]) == ("ACCEPTED", "FALSE")

    # Each version is stamped with the time of its change, the same in every copy of it.
    assert [event.decoded("dtstamp") for event in events] == [
        stamp(at_booking.confirmed_at),
        stamp(at_move.confirmed_at),
        stamp(at_end.cancelled_at),
    ]

    # Times in UTC, written with Z.
    for event, begins in zip(events, [start, new_start, new_start], strict=True):
        assert event.decoded("dtstart") == begins
        assert event.decoded("dtend") == begins + timedelta(minutes=30)
        assert event["dtstart"].to_ical() == f"{begins:%Y%m%dT%H%M%SZ}".encode()
        assert event["dtend"].to_ical().endswith(b"Z")

    # The URL is the manage page while there is one, then where to book again.
    assert str(events[0]["url"]) == f"{BASE_URL}/booking/{token_of(app, at_booking)}"
    assert str(events[1]["url"]) == f"{BASE_URL}/booking/{token_of(app, at_move)}"
    assert str(events[2]["url"]) == f"{BASE_URL}/book"
    assert client.get(path_of(str(events[1]["url"]))).status_code == 404  # cancelled since


def test_the_download_is_the_current_invitation_stamped_with_its_last_change(
    app, client, schedule, mail_sink
):
    start = local_start(schedule.day, 10)
    client.post("/book/details", data=booking_details(schedule.in_clinic, start))
    token = token_of(app, the_booking(app))
    later = format_start(start + timedelta(hours=1))
    client.post(f"/booking/{token}/move/confirm", data={"start": later, "practitioner": "any"})
    emailed = last_sent(app, mail_sink)
    an_hour_ago = backdate_last_change(app, emailed.booking)

    response = client.get(f"/booking/{token_of(app, emailed.booking)}.ics")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=REQUEST"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["method"]) == "REQUEST"
    event = event_of(calendar)
    for name in ["uid", "sequence", "dtstart", "dtend", "url", "status"]:
        assert event.decoded(name) == emailed.event.decoded(name), name
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstamp") == an_hour_ago


def book_video(app, client, schedule, video_link=None):
    start = local_start(schedule.day, 11)
    assert (
        client.post(
            "/book/details", data=booking_details(schedule.in_clinic, start, type=str(schedule.video))
        ).status_code
        == 303
    )
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        booking.video_link = video_link
        db.session.commit()
        token = manage_token(booking)
    return token, event_of(Calendar.from_ical(client.get(f"/booking/{token}.ics").data))


def test_a_video_consultation_with_its_link_puts_the_link_in_location_and_url(
    app, client, schedule, mail_sink
):
    link = "https://video.example-clinic.co.uk/Qm7Xk2pLw9RtZc4V"

    token, event = book_video(app, client, schedule, link)

    assert str(event["location"]) == link
    assert str(event["url"]) == link
    assert f"{BASE_URL}/booking/{token}" in str(event["description"])


def test_a_video_consultation_without_a_link_yet_says_it_will_be_emailed(app, client, schedule, mail_sink):
    token, event = book_video(app, client, schedule)

    assert "video" in str(event["location"]).lower() and "email" in str(event["location"]).lower()
    assert str(event["url"]) == f"{BASE_URL}/booking/{token}"


def test_the_emails_say_what_the_files_do(app, client, schedule, mail_sink):
    _, _, sent = book_move_cancel(app, client, schedule, mail_sink)
    booked, moved, cancelled = (each.email for each in sent)

    for received in (booked, moved, cancelled):
        for body in (received.text, received.html):
            assert "Open the attached file" in " ".join(body.split())
    for body in (moved.text, moved.html):
        assert "it updates the entry you added before rather than adding a second" in " ".join(body.split())
    for body in (cancelled.text, cancelled.html):
        words = " ".join(body.split())
        assert "removes the appointment from calendar apps that handle cancellations" in words
        assert CANCELLED_WORDING in words
        assert "removes it from your calendar" not in words


# khal: what one real calendar program lists after importing each file


def khal_or_skip():
    khal = shutil.which("khal")
    if khal is None:
        message = "khal is not installed (Debian: apt-get install -y khal); .ci/run installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return khal


class Khal:
    """khal with its own configuration file, database and calendar folder (a vdir)."""

    def __init__(self, folder, timezone):
        self.khal = khal_or_skip()
        calendar_folder = folder / "calendar"
        calendar_folder.mkdir(parents=True)
        self.config = folder / "khal.conf"
        self.config.write_text(
            "[calendars]\n"
            "[[clinic]]\n"
            f"path = {calendar_folder}\n"
            "type = calendar\n"
            "[locale]\n"
            f"local_timezone = {timezone}\n"
            f"default_timezone = {timezone}\n"
            "timeformat = %H:%M\n"
            "dateformat = %Y-%m-%d\n"
            "longdateformat = %Y-%m-%d\n"
            "datetimeformat = %Y-%m-%d %H:%M\n"
            "longdatetimeformat = %Y-%m-%d %H:%M\n"
            "[sqlite]\n"
            f"path = {folder / 'khal.db'}\n"
        )
        self.folder = folder

    def run(self, *args):
        result = subprocess.run(
            [self.khal, "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "HOME": str(self.folder)},
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def import_file(self, text):
        path = self.folder / "import.ics"
        path.write_text(text)
        self.run("import", "--batch", str(path))

    def agenda(self, day):
        listing = self.run(
            "list",
            "--day-format",
            "",
            "--format",
            "{start-time}-{end-time} {status}{title}",
            day.isoformat(),
            "1d",
        )
        return [line for line in listing.splitlines() if line.strip()]


@pytest.mark.parametrize("timezone", ["Europe/London", "America/New_York"])
def test_khal_adds_moves_and_marks_the_appointment_cancelled(
    app, client, schedule, mail_sink, tmp_path, timezone
):
    khal = Khal(tmp_path / "khal", timezone)
    start, new_start, sent = book_move_cancel(app, client, schedule, mail_sink)
    booked, moved, cancelled = (each.file for each in sent)
    title = "In-clinic consultation at Hairline SMP Clinic"
    zone = ZoneInfo(timezone)
    day = start.astimezone(zone).date()

    def listed(begins, status="CONFIRMED"):
        local = begins.astimezone(zone)
        return f"{local:%H:%M}-{local + timedelta(minutes=30):%H:%M} {status} {title}"

    khal.import_file(booked)
    assert khal.agenda(day) == [listed(start)]
    if timezone == "America/New_York" and start.month in (12, 1, 2):
        # In winter London is on UTC and New York five hours behind.
        assert khal.agenda(day) == [f"05:00-05:30 CONFIRMED {title}"]

    khal.import_file(moved)
    assert khal.agenda(day) == [listed(new_start)]  # the same entry, moved: not a second one

    khal.import_file(cancelled)
    # khal does not act on METHOD:CANCEL: it keeps the entry, now marked cancelled,
    # which is what the cancellation email says some apps do (CANCELLED_WORDING).
    assert khal.agenda(day) == [listed(new_start, "CANCELLED")]
