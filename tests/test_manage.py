"""The patient's private manage link: view, .ics, cancel and move, as the patient uses them."""

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from clinic.booking.tokens import MANAGE_SALT, manage_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Booking, ConsultationType, OutboxMessage
from clinic.models.types import utcnow
from tests.support.bookings import move_to, place
from tests.support.clinic_days import local_start
from tests.support.server import csrf_token

PATIENT = "jordan.ellis@gmail.com"
STAFF = "reception@hairline-clinic.co.uk"


def state(app, booking_id):
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        return {
            "status": booking.status,
            "token_version": booking.token_version,
            "starts_at": booking.starts_at,
            "practitioner_id": booking.practitioner_id,
            "manage_key": booking.manage_key,
            "reference": booking.reference,
        }


def queued_emails(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def event_of(received):
    [attachment] = list(received.message.iter_attachments())
    return attachment, Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]


def hours_from_now(hours):
    return (utcnow() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def long_date(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.fixture
def booked(app, schedule):
    """Jordan's in-clinic consultation with the first practitioner at 10am on schedule.day."""
    booking = place(app, local_start(schedule.day, 10), schedule.in_clinic, schedule.first)
    return booking.id, booking.token


# Opening links changes nothing (people re-open them; mail scanners follow them)


def test_manage_page_shows_the_reference_and_local_time(app, client, schedule, booked):
    booking_id, token = booked

    page = client.get(f"/booking/{token}").get_data(as_text=True)

    assert state(app, booking_id)["reference"] in page
    assert long_date(schedule.day) in page and "10am" in page
    assert "Sam Adeyemi" in page and "14 Harley Mews" in page
    assert f'href="/booking/{token}/cancel"' in page and f'href="/booking/{token}/move"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/booking/{token}",
        "/booking/{token}.ics",
        "/booking/{token}/cancel",
        "/booking/{token}/move",
        "/booking/{token}/move/confirm?start={start}&practitioner={practitioner}",
        "/booking/{token}/move/confirm?start={start}&practitioner=any",
    ],
)
def test_opening_a_link_changes_nothing(app, client, schedule, booked, mail_sink, path):
    booking_id, token = booked
    before = state(app, booking_id)
    later = format_start(local_start(schedule.day, 15))

    for _ in range(2):
        response = client.get(path.format(token=token, start=later, practitioner=schedule.first))
        assert response.status_code == 200

    assert state(app, booking_id) == before
    assert queued_emails(app) == 0
    assert mail_sink.messages == []
    assert client.get(f"/booking/{token}").status_code == 200


def test_the_move_confirmation_page_names_both_times(client, schedule, booked):
    _, token = booked
    later = format_start(local_start(schedule.day, 15, 30))

    page = client.get(f"/booking/{token}/move/confirm?start={later}&practitioner={schedule.first}").get_data(
        as_text=True
    )

    assert "10am" in page and "3:30pm" in page
    assert f'name="start" value="{later}"' in page
    assert 'method="post"' in page


# Links that do not work


def flip(token, index):
    """The token with one character changed."""
    return token[:index] + ("B" if token[index] == "A" else "A") + token[index + 1 :]


FORGERIES = {
    "flipped-payload": lambda token, sign: flip(token, 0),
    "flipped-signature": lambda token, sign: flip(token, token.rindex(".") + 1),
    "truncated": lambda token, sign: token[:-4],
    "unsigned": lambda token, sign: token.rpartition(".")[0],
    "garbage": lambda token, sign: "not-a-token",
    "other-salt": lambda token, sign: sign(salt="waitlist-offer"),
    "other-secret": lambda token, sign: sign(secret="a-different-secret-key-of-enough-length"),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
@pytest.mark.parametrize("suffix", ["", ".ics", "/cancel", "/move"])
def test_a_tampered_link_is_not_valid(app, client, booked, forge, suffix):
    booking_id, token = booked

    def sign(secret=None, salt=MANAGE_SALT):
        with app.app_context():
            booking = db.session.get(Booking, booking_id)
            serializer = URLSafeSerializer(secret or app.secret_key, salt=salt)
            return serializer.dumps([booking.manage_key, booking.token_version])

    bad = forge(token, sign)
    assert bad != token

    response = client.get(f"/booking/{bad}{suffix}")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "This link does not work" in page and "not valid" in page
    assert state(app, booking_id)["reference"] not in page


def test_a_tampered_link_cannot_cancel(app, client, booked):
    booking_id, token = booked

    response = client.post(f"/booking/{flip(token, token.rindex('.') + 1)}/cancel")

    assert response.status_code == 404
    assert state(app, booking_id)["status"] == "booked"


def test_the_link_of_a_cancelled_booking_no_longer_works(app, client, booked, mail_sink):
    booking_id, token = booked
    assert client.post(f"/booking/{token}/cancel").status_code == 303

    for suffix in ["", ".ics", "/cancel", "/move"]:
        response = client.get(f"/booking/{token}{suffix}")
        assert response.status_code == 404
        assert "cancelled" in response.get_data(as_text=True)


def test_no_link_opens_a_cancelled_booking(app, client, booked, mail_sink):
    """The cancellation email carries no link, and a freshly signed one does not work either."""
    booking_id, token = booked
    client.post(f"/booking/{token}/cancel")
    [cancellation] = mail_sink.to(PATIENT)
    _, event = event_of(cancellation)
    assert "/booking/" not in str(event["description"])
    assert "/booking/" not in cancellation.text
    with app.app_context():
        fresh = manage_token(db.session.get(Booking, booking_id))

    for link in {token, fresh}:
        assert client.get(f"/booking/{link}").status_code == 404
        assert client.get(f"/booking/{link}.ics").status_code == 404


def test_a_booking_placed_as_cancelled_has_no_working_link(app, client, schedule):
    booking = place(
        app, local_start(schedule.day, 10), schedule.in_clinic, schedule.first, status="cancelled"
    )

    assert client.get(f"/booking/{booking.token}").status_code == 404


def test_after_a_move_only_the_new_link_works(app, client, schedule, booked, mail_sink):
    booking_id, old = booked

    response = move_to(client, old, local_start(schedule.day, 15), schedule.first)

    assert response.status_code == 303
    new = re.fullmatch(r"/booking/([^/]+)", response.headers["Location"]).group(1)
    assert new != old
    page = client.get(f"/booking/{new}").get_data(as_text=True)
    assert "Your booking has moved" in page and "3pm" in page
    assert client.get(f"/booking/{old}").status_code == 404
    assert client.get(f"/booking/{old}/cancel").status_code == 404
    assert move_to(client, old, local_start(schedule.day, 16), schedule.first).status_code == 404
    assert state(app, booking_id)["starts_at"] == local_start(schedule.day, 15)
    assert new in mail_sink.to(PATIENT)[0].text


def test_the_link_stops_working_once_the_appointment_has_passed(app, client, schedule):
    booking = place(app, hours_from_now(-24), schedule.in_clinic, schedule.first)

    response = client.get(f"/booking/{booking.token}")

    assert response.status_code == 404
    assert "has passed" in response.get_data(as_text=True)
    assert client.post(f"/booking/{booking.token}/cancel").status_code == 404


# Cancelling


def test_cancelling_frees_the_slot_and_emails_patient_and_staff(app, client, schedule, booked, mail_sink):
    booking_id, token = booked
    reference = state(app, booking_id)["reference"]

    response = client.post(f"/booking/{token}/cancel")

    assert response.status_code == 303
    assert response.headers["Location"] == "/booking/cancelled"
    page = client.get("/booking/cancelled").get_data(as_text=True)
    assert reference in page and "is cancelled" in page
    assert state(app, booking_id)["status"] == "cancelled"

    [patient] = mail_sink.to(PATIENT)
    assert reference in patient.subject and "cancelled" in patient.subject
    assert long_date(schedule.day) in patient.text and "10am" in patient.text
    attachment, event = event_of(patient)
    assert attachment.get_filename() == f"{reference}.ics"
    assert str(event["status"]) == "CANCELLED"
    assert event.decoded("dtstart") == local_start(schedule.day, 10)
    [staff] = mail_sink.to(STAFF)
    assert reference in staff.subject and "cancelled" in staff.subject

    slots = client.get(
        f"/book/slots?type={schedule.in_clinic}&practitioner={schedule.first}&date={schedule.day}"
    ).get_json()["slots"]
    assert format_start(local_start(schedule.day, 10)) in [slot["start"] for slot in slots]


@pytest.mark.parametrize("hours_ahead, allowed", [(3, False), (23, False), (25, True), (72, True)])
def test_cancelling_online_needs_24_hours_notice(app, client, schedule, mail_sink, hours_ahead, allowed):
    booking = place(app, hours_from_now(hours_ahead), schedule.in_clinic, schedule.first)

    response = client.post(f"/booking/{booking.token}/cancel")

    if allowed:
        assert response.status_code == 303
        assert state(app, booking.id)["status"] == "cancelled"
    else:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "24 hours" in page and "call" in page and "020 7946 0321" in page
        assert "Yes, cancel this booking" not in page
        assert state(app, booking.id)["status"] == "booked"
        assert mail_sink.messages == []
        assert client.get(f"/booking/{booking.token}").status_code == 200


# Moving


def test_moving_to_a_free_time_updates_the_booking_and_the_calendar_entry(
    app, client, schedule, booked, mail_sink
):
    booking_id, token = booked
    before = state(app, booking_id)
    new_start = local_start(schedule.day, 15)

    response = move_to(client, token, new_start, schedule.first)

    assert response.status_code == 303
    after = state(app, booking_id)
    assert after["starts_at"] == new_start
    assert after["practitioner_id"] == schedule.first
    assert after["status"] == "booked"

    [patient] = mail_sink.to(PATIENT)
    assert before["reference"] in patient.subject and "moved" in patient.subject
    assert "3pm" in patient.text and "10am" in patient.text
    attachment, event = event_of(patient)
    assert attachment.get_filename() == f"{before['reference']}.ics"
    assert str(event["uid"]) == f"{before['manage_key']}@hairline-clinic.co.uk"
    assert event.decoded("sequence") == 1  # 0 when booked (RFC 5545)
    assert event.decoded("dtstart") == new_start
    assert event.decoded("dtend") == new_start + timedelta(minutes=30)
    assert str(event["status"]) == "CONFIRMED"
    [staff] = mail_sink.to(STAFF)
    assert before["reference"] in staff.subject and "moved" in staff.subject


def test_moving_onto_a_taken_time_changes_nothing(app, client, schedule, booked, mail_sink):
    booking_id, token = booked
    taken = local_start(schedule.day, 15)
    place(app, taken, schedule.in_clinic, schedule.first, email="amara.okafor@gmail.com")
    before = state(app, booking_id)

    response = move_to(client, token, taken, schedule.first)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/booking/{token}/move?")
    assert f"date={schedule.day.isoformat()}" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "just been taken" in page
    assert state(app, booking_id) == before
    assert mail_sink.messages == []
    assert client.get(f"/booking/{token}").status_code == 200


def test_moving_onto_a_time_taken_for_one_practitioner_goes_to_the_other_when_any_will_do(
    app, client, schedule, booked, mail_sink
):
    booking_id, token = booked
    taken = local_start(schedule.day, 15)
    place(app, taken, schedule.in_clinic, schedule.first, email="amara.okafor@gmail.com")

    response = move_to(client, token, taken, "any")

    assert response.status_code == 303
    assert state(app, booking_id)["starts_at"] == taken
    assert state(app, booking_id)["practitioner_id"] == schedule.second


@pytest.mark.parametrize("minutes_later", [-15, 15, 30])
def test_a_booking_does_not_block_its_own_move(app, client, schedule, booked, mail_sink, minutes_later):
    booking_id, token = booked
    new_start = local_start(schedule.day, 10) + timedelta(minutes=minutes_later)

    page = client.get(
        f"/booking/{token}/move/confirm?start={format_start(new_start)}&practitioner={schedule.first}"
    )
    response = move_to(client, token, new_start, schedule.first)

    assert page.status_code == 200
    assert response.status_code == 303
    assert state(app, booking_id)["starts_at"] == new_start


def test_the_move_page_offers_the_bookings_own_time_and_overlapping_times(app, client, schedule, booked):
    _, token = booked

    page = client.get(
        f"/booking/{token}/move?practitioner={schedule.first}&date={schedule.day.isoformat()}"
    ).get_data(as_text=True)

    starts = re.findall(r'name="start"[^>]*value="([^"]+)"', page)
    assert format_start(local_start(schedule.day, 10, 15)) in starts
    assert format_start(local_start(schedule.day, 9, 45)) in starts


@pytest.mark.parametrize("hours_ahead", [3, 23])
def test_moving_online_needs_the_same_notice_as_cancelling(app, client, schedule, mail_sink, hours_ahead):
    """The emails promise 'move or cancel online up to 24 hours before'; later, patients call."""
    start = hours_from_now(hours_ahead)
    booking = place(app, start, schedule.in_clinic, schedule.first)
    slots = client.get(
        f"/book/slots?type={schedule.in_clinic}&practitioner={schedule.first}&date={schedule.day.isoformat()}"
    ).get_json()["slots"]
    new_start = slots[0]["start"]

    response = client.post(
        f"/booking/{booking.token}/move/confirm", data={"start": new_start, "practitioner": schedule.first}
    )

    assert state(app, booking.id)["starts_at"] == start
    assert mail_sink.messages == []
    assert response.status_code in (302, 303)
    assert "call" in client.get(response.headers["Location"]).get_data(as_text=True)


# The calendar file


@pytest.mark.parametrize(
    "type_name, place_words",
    [("in_clinic", ["14 Harley Mews", "W1G 8PT"]), ("video", ["video call"])],
)
def test_calendar_download_describes_the_appointment(app, client, schedule, type_name, place_words):
    start = local_start(schedule.day, 11, 30)
    placed = place(app, start, getattr(schedule, type_name), schedule.second)
    booking = state(app, placed.id)
    with app.app_context():
        duration = db.session.get(ConsultationType, getattr(schedule, type_name)).duration_minutes

    response = client.get(f"/booking/{placed.token}.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{booking["reference"]}.ics"'
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start
    assert event["dtstart"].to_ical() == start.strftime("%Y%m%dT%H%M%SZ").encode()
    assert event.decoded("dtend") == start + timedelta(minutes=duration)
    assert str(event["uid"]) == f"{booking['manage_key']}@hairline-clinic.co.uk"
    for word in place_words:
        assert word in str(event["location"])
    assert booking["reference"] in str(event["description"])
    assert f"http://clinic.example.com/booking/{placed.token}" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"


# CSRF, on as in production


@pytest.mark.parametrize("action", ["cancel", "move/confirm"])
def test_a_post_without_a_csrf_token_is_refused(app, csrf_app, schedule, booked, mail_sink, action):
    booking_id, token = booked
    before = state(app, booking_id)
    data = {"start": format_start(local_start(schedule.day, 15)), "practitioner": schedule.first}

    response = csrf_app.test_client().post(f"/booking/{token}/{action}", data=data)

    assert response.status_code == 400
    assert state(app, booking_id) == before
    assert mail_sink.messages == []


def test_cancel_with_the_forms_csrf_token_works(app, csrf_app, booked):
    booking_id, token = booked
    client = csrf_app.test_client()
    page = client.get(f"/booking/{token}/cancel").get_data(as_text=True)

    response = client.post(f"/booking/{token}/cancel", data={"csrf_token": csrf_token(page)})

    assert response.status_code == 303
    assert state(app, booking_id)["status"] == "cancelled"


def test_move_with_the_forms_csrf_token_works(app, csrf_app, schedule, booked):
    booking_id, token = booked
    client = csrf_app.test_client()
    new_start = format_start(local_start(schedule.day, 15))
    page = client.get(
        f"/booking/{token}/move/confirm?start={new_start}&practitioner={schedule.first}"
    ).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))

    response = client.post(f"/booking/{token}/move/confirm", data={"csrf_token": csrf_token(page), **hidden})

    assert response.status_code == 303
    assert state(app, booking_id)["starts_at"] == local_start(schedule.day, 15)


def test_inside_the_notice_period_the_page_offers_a_phone_call_not_buttons(app, client, schedule):
    booking = place(app, utcnow() + timedelta(hours=5), schedule.in_clinic, schedule.first)

    page = client.get(f"/booking/{booking.token}").get_data(as_text=True)
    cancel_page = client.get(f"/booking/{booking.token}/cancel").get_data(as_text=True)

    assert "Move to another time" not in page and "Please call us" in page
    assert "Yes, cancel this booking" not in cancel_page and "Please call us" in cancel_page
