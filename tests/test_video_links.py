"""The link to join a video consultation: made when booked, shown wherever the booking is,
kept through a move, and, where the clinic has no meeting server, sent by reception."""

import re
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from clinic.booking import reminders
from clinic.booking.tokens import manage_token
from clinic.booking.video import URL_CHARACTERS
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import AuditEntry, Booking, ConsultationType, Practitioner
from clinic.models.types import utcnow
from clinic.outbox.delivery import send_now
from tests.factories import BookingFactory
from tests.support.clinic_days import local_start
from tests.support.fuzz import assert_safe, check_mail, either, fuzz, typed_up_to, unique_email, unique_number
from tests.support.outbox import mail_server_back

MEETINGS = "https://video.example-clinic.co.uk/"
# 128 random bits and nothing else: no name, reference or id of the patient's.
ROOM = re.compile(r"https://video\.example-clinic\.co\.uk/[0-9a-f]{32}")
OWN_LINK = "https://meet.example.com/sam-adeyemi"
PASTED = "https://us02web.zoom.us/j/81234567890?pwd=Q2xpbmlj"
TO_FOLLOW = "We will email you the link to join the video call before your appointment."
PATIENT = "priya.shah@gmail.com"


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "VIDEO_MEETING_BASE_URL": MEETINGS}


@pytest.fixture
def without_meeting_server(app_settings):
    app_settings["VIDEO_MEETING_BASE_URL"] = ""


def book(client, schedule, hour, practitioner, *, type_id=None, email=PATIENT):
    """Book through the public form; returns the confirmation page."""
    start = local_start(schedule.day, hour)
    response = client.post(
        "/book/details",
        data={
            "type": str(type_id or schedule.video),
            "practitioner": str(practitioner),
            "start": format_start(start),
            "full_name": "Priya Shah",
            "email": email,
            "phone": "07911 123456",
            "concern": "crown",
            "pattern_stage": "ludwig_2",
            "adult_confirmed": "y",
            "health_consent": "y",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return page(client.get(response.headers["Location"]))


def page(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def booking_of(app, email=PATIENT):
    with app.app_context():
        booking = db.session.scalars(select(Booking).where(Booking.email == email)).one()
        db.session.expunge(booking)
        return booking


def token_of(app, booking_id):
    with app.app_context():
        return manage_token(db.session.get(Booking, booking_id))


def to_patient(mail_sink, email=PATIENT):
    return [message for message in mail_sink.messages if message.rcpt_tos == [email]]


def carries(email, link):
    """The link in the text, and as a link to follow in the HTML."""
    return link in email.text and f'href="{link}"' in email.html


def move(client, token, start, practitioner):
    response = client.post(
        f"/booking/{token}/move/confirm", data={"start": format_start(start), "practitioner": practitioner}
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def set_own_link(admin, practitioner_id, name, link):
    return admin.post(
        f"/staff/admin/practitioners/{practitioner_id}",
        data={"name": name, "bio": "", "active": "y", "meeting_link": link},
    )


def remind(app, booking_id):
    """The reminder run a day and a bit before the appointment, of a booking made days before."""
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        booking.confirmed_at = booking.starts_at - timedelta(days=5)
        moment = booking.starts_at - timedelta(hours=30)
        db.session.commit()
        send_now(reminders.queue_reminders(now=moment))


# ---------- A room under VIDEO_MEETING_BASE_URL ----------


def test_a_video_booking_has_its_link_wherever_the_booking_is_shown(
    app, client, schedule, as_role, mail_sink
):
    confirmed = book(client, schedule, 10, schedule.first)

    booking = booking_of(app)
    link = booking.video_link
    assert ROOM.fullmatch(link)
    assert link in confirmed and TO_FOLLOW not in confirmed
    [confirmation] = to_patient(mail_sink)
    assert carries(confirmation, link) and TO_FOLLOW not in confirmation.text
    token = token_of(app, booking.id)
    assert link in page(client.get(f"/booking/{token}"))
    record = page(as_role("reception").get(f"/staff/bookings/{booking.id}"))
    assert link in record and "Video link needed" not in record
    practitioner = as_role("practitioner")
    assert link in page(practitioner.get(f"/staff/bookings/{booking.id}"))
    assert link in page(practitioner.get(f"/staff/day?date={schedule.day.isoformat()}"))

    remind(app, booking.id)
    [reminder] = [message for message in to_patient(mail_sink) if message.subject.startswith("Reminder")]
    assert carries(reminder, link)


def test_the_link_survives_a_move(app, client, schedule, mail_sink):
    book(client, schedule, 10, schedule.first)
    booking = booking_of(app)

    move(client, token_of(app, booking.id), local_start(schedule.day, 15), schedule.first)
    move(client, token_of(app, booking.id), local_start(schedule.day, 16), schedule.second)

    moved = booking_of(app)
    assert (moved.practitioner_id, moved.video_link) == (schedule.second, booking.video_link)
    emails = [message for message in to_patient(mail_sink) if "moved" in message.subject]
    assert len(emails) == 2
    assert all(carries(email, booking.video_link) for email in emails)


def test_each_booking_gets_its_own_random_room(app, client, schedule, mail_sink):
    book(client, schedule, 10, schedule.first)
    book(client, schedule, 10, schedule.second, email="tom.hughes@gmail.com")

    first, second = booking_of(app), booking_of(app, "tom.hughes@gmail.com")
    assert ROOM.fullmatch(first.video_link) and ROOM.fullmatch(second.video_link)
    assert first.video_link != second.video_link


def test_in_clinic_bookings_have_no_link(app, client, schedule, as_role, mail_sink):
    confirmed = book(client, schedule, 10, schedule.first, type_id=schedule.in_clinic)

    booking = booking_of(app)
    assert booking.video_link is None
    assert "video call" not in confirmed.lower()
    reception = as_role("reception")
    record = page(reception.get(f"/staff/bookings/{booking.id}"))
    assert "Video link" not in record
    mail_sink.reset()
    response = reception.post(f"/staff/bookings/{booking.id}/video-link", data={"link": PASTED})
    assert response.status_code == 303
    assert "in the clinic" in page(reception.get(response.headers["Location"]))
    assert booking_of(app).video_link is None and mail_sink.messages == []


# ---------- A practitioner's own meeting link ----------


def test_a_practitioners_own_link_wins_and_stays_with_them(app, client, schedule, as_role, mail_sink):
    assert set_own_link(as_role("admin"), schedule.first, "Sam Adeyemi", OWN_LINK).status_code == 303
    book(client, schedule, 10, schedule.first)
    booking = booking_of(app)
    assert booking.video_link == OWN_LINK

    move(client, token_of(app, booking.id), local_start(schedule.day, 15), schedule.first)
    assert booking_of(app).video_link == OWN_LINK

    # Their room is theirs: a booking moved to a colleague gets a room of its own.
    move(client, token_of(app, booking.id), local_start(schedule.day, 16), schedule.second)
    moved = booking_of(app)
    assert moved.practitioner_id == schedule.second and ROOM.fullmatch(moved.video_link)
    [email] = [
        message for message in to_patient(mail_sink) if "New time: " in message.text and "4pm" in message.text
    ]
    assert moved.video_link in email.text and OWN_LINK not in email.text


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("http://meet.example.com/sam", "starting with https://"),
        ("meet.example.com/sam", "starting with https://"),
        ("https://meet.example.com/sam room", "starting with https://"),
        ("https://sam:secret@meet.example.com/sam", "user name and password"),
        ("https://meet.example.com/" + "a" * 480, "500 characters"),
    ],
)
def test_the_admin_can_only_set_a_whole_https_link(app, as_role, schedule, link, problem):
    response = set_own_link(as_role("admin"), schedule.first, "Sam Adeyemi", link)

    assert response.status_code == 422
    assert problem in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Practitioner, schedule.first).meeting_link is None


def test_the_admin_can_clear_a_practitioners_link(app, as_role, schedule):
    set_own_link(as_role("admin"), schedule.first, "Sam Adeyemi", OWN_LINK)
    form = page(as_role("admin").get(f"/staff/admin/practitioners/{schedule.first}"))
    assert f'value="{OWN_LINK}"' in form

    assert set_own_link(as_role("admin"), schedule.first, "Sam Adeyemi", "").status_code == 303

    with app.app_context():
        assert db.session.get(Practitioner, schedule.first).meeting_link is None


# ---------- No link to give: reception sends one ----------


@pytest.mark.usefixtures("without_meeting_server")
def test_without_a_link_the_patient_is_told_it_will_follow_and_reception_sends_it(
    app, client, schedule, as_role, mail_sink
):
    confirmed = book(client, schedule, 10, schedule.first)
    booking = booking_of(app)
    assert booking.video_link is None
    assert TO_FOLLOW in confirmed
    [confirmation] = to_patient(mail_sink)
    assert TO_FOLLOW in confirmation.text and TO_FOLLOW in confirmation.html
    assert "Join the video call" not in confirmation.text + confirmation.html
    token = token_of(app, booking.id)
    assert TO_FOLLOW in page(client.get(f"/booking/{token}"))

    reception = as_role("reception")
    inbox = page(reception.get("/staff/enquiries"))
    assert "1 video booking has no link to join yet" in inbox
    assert "Video link needed" in page(reception.get("/staff/enquiries?video_link_needed=y"))
    record = page(reception.get(f"/staff/bookings/{booking.id}"))
    assert "Video link needed" in record and "Send the link to the patient" in record

    refused = reception.post(f"/staff/bookings/{booking.id}/video-link", data={"link": "zoom meeting 812"})
    assert refused.status_code == 422
    assert "starting with https://" in refused.get_data(as_text=True)
    mail_sink.reset()
    sent = reception.post(f"/staff/bookings/{booking.id}/video-link", data={"link": PASTED})
    assert sent.status_code == 303
    reception.post(f"/staff/bookings/{booking.id}/video-link", data={"link": PASTED})  # a double click

    [email] = to_patient(mail_sink)
    assert booking.reference in email.subject
    assert PASTED in email.text and PASTED.replace("&", "&amp;") in email.html
    assert TO_FOLLOW not in email.text
    [calendar_file] = list(email.message.iter_attachments())
    assert calendar_file.get_filename() == f"{booking.reference}.ics"
    sent_booking = booking_of(app)
    assert sent_booking.video_link == PASTED
    assert sent_booking.calendar_sequence == booking.calendar_sequence + 1
    assert sent_booking.confirmed_at > booking.confirmed_at
    with app.app_context():
        assert db.session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.record_type == "booking", AuditEntry.action.like("%video%")
            )
        ).all() == ["sent video link"]

    assert "Video link needed" not in page(reception.get(f"/staff/bookings/{booking.id}"))
    inbox = page(reception.get("/staff/enquiries"))
    assert "Video link needed" not in inbox and "no link to join yet" not in inbox
    assert PASTED.replace("&", "&amp;") in page(client.get(f"/booking/{token}"))


@pytest.mark.usefixtures("without_meeting_server", "mail_server_down")
def test_a_confirmation_still_queued_is_replaced_by_the_link(
    app, app_settings, client, schedule, as_role, mail_sink
):
    book(client, schedule, 10, schedule.first)
    booking = booking_of(app)
    reception = as_role("reception")

    reception.post(f"/staff/bookings/{booking.id}/video-link", data={"link": PASTED})
    record = page(reception.get(f"/staff/bookings/{booking.id}"))
    mail_server_back(app_settings, mail_sink)

    assert "Withdrawn" in record and "the booking changed after this email was written" in record
    [email] = to_patient(mail_sink)
    assert email.subject == f"Your link to join the video consultation ({booking.reference})"
    assert PASTED in email.text and token_of(app, booking.id) in email.text


@pytest.mark.usefixtures("without_meeting_server")
def test_only_live_video_bookings_still_to_come_are_flagged(app, schedule, as_role):
    with app.app_context():
        video, practitioner = (
            db.session.get(ConsultationType, schedule.video),
            db.session.get(Practitioner, schedule.first),
        )
        BookingFactory(type=video, practitioner=practitioner, starts_at=utcnow() - timedelta(hours=2))
        BookingFactory(
            type=video, practitioner=practitioner, starts_at=local_start(schedule.day, 10), status="cancelled"
        )
        BookingFactory(
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=practitioner,
            starts_at=local_start(schedule.day, 11),
        )
        waiting = BookingFactory(
            type=video, practitioner=practitioner, starts_at=local_start(schedule.day, 12)
        )
        waiting_reference = waiting.reference

    inbox = page(as_role("reception").get("/staff/enquiries?video_link_needed=y"))

    assert "1 video booking" not in inbox  # no prompt while the list shows them
    assert inbox.count("Video link needed") == 1  # the one row
    assert waiting_reference in inbox and "Showing 1 to 1 of 1" in inbox


@pytest.mark.usefixtures("without_meeting_server")
def test_a_move_to_a_practitioner_with_their_own_link_gives_it(app, client, schedule, as_role, mail_sink):
    set_own_link(as_role("admin"), schedule.second, "Rachel Moore", OWN_LINK)
    book(client, schedule, 10, schedule.first)
    assert booking_of(app).video_link is None

    move(client, token_of(app, booking_of(app).id), local_start(schedule.day, 15), schedule.second)

    assert booking_of(app).video_link == OWN_LINK


@pytest.mark.usefixtures("without_meeting_server")
def test_only_reception_and_admin_send_links(app, client, schedule, as_role, mail_sink):
    book(client, schedule, 10, schedule.first)
    booking = booking_of(app)
    practitioner = as_role("practitioner")

    record = page(practitioner.get(f"/staff/bookings/{booking.id}"))
    response = practitioner.post(f"/staff/bookings/{booking.id}/video-link", data={"link": PASTED})

    assert "Video link needed" in record and "Send the link to the patient" not in record
    assert response.status_code == 403
    assert booking_of(app).video_link is None


LONGEST = "https://meet.example.com/?" + "x" * 474
# Each & is written &amp; in the HTML email: as many as its 998-byte lines can carry.
MOST_ESCAPED = "https://meet.example.com/?" + "a=1&" * 103


@pytest.mark.usefixtures("without_meeting_server")
@pytest.mark.parametrize("link", [LONGEST, MOST_ESCAPED])
def test_the_longest_links_accepted_reach_the_patient(app, client, schedule, as_role, mail_sink, link):
    book(client, schedule, 10, schedule.first)
    booking = booking_of(app)
    mail_sink.reset()

    response = as_role("reception").post(f"/staff/bookings/{booking.id}/video-link", data={"link": link})

    assert response.status_code == 303
    [email] = to_patient(mail_sink)
    assert link in email.text


@pytest.mark.usefixtures("without_meeting_server")
@pytest.mark.parametrize(
    "link",
    [
        "https://meet.example.com/" + "\U0001f600" * 10,  # a browser copies it percent-encoded
        "https://meet.example.com/?" + "a=1&" * 104,
        LONGEST + "x",
    ],
)
def test_links_an_email_cannot_carry_are_refused(app, client, schedule, as_role, mail_sink, link):
    book(client, schedule, 10, schedule.first)
    booking = booking_of(app)
    mail_sink.reset()

    response = as_role("reception").post(f"/staff/bookings/{booking.id}/video-link", data={"link": link})

    assert response.status_code == 422
    assert booking_of(app).video_link is None and mail_sink.messages == []


# ---------- Hostile links ----------


@pytest.fixture
def reception(as_role):
    """Signed in once for all of a test's examples: each sign-in counts against the rate limit."""
    return as_role("reception")


@pytest.fixture
def admin(as_role):
    return as_role("admin")


links = either(
    st.one_of(
        st.builds("https://meet.example.com/{}".format, typed_up_to(480)),
        st.builds("https://meet.example.com/{}".format, st.text(sorted(URL_CHARACTERS), max_size=480)),
        st.sampled_from(
            (
                'https://meet.example.com/"><script>alert(1)</script>',
                "https://例え.テスト/部屋",
                "https://[::1",
                "https://meet.example.com:99999/room",
                "https://meet.example.com/room\r\nBcc: victim@gmail.com",
                "javascript:alert(1)//https://meet.example.com",
                "HTTPS://MEET.EXAMPLE.COM/ROOM",
            )
        ),
    )
)


@fuzz
@given(link=links)
def test_any_pasted_link_is_refused_or_sent_safely(app, runner, schedule, reception, mail_sink, link):
    with app.app_context():
        booking = BookingFactory(
            type=db.session.get(ConsultationType, schedule.video),
            practitioner=db.session.get(Practitioner, schedule.first),
            starts_at=local_start(
                schedule.day + timedelta(days=7 + unique_number() // 8), 9 + unique_number() % 8
            ),
            email=unique_email(),
        )
        booking_id = booking.id

    response = reception.post(f"/staff/bookings/{booking_id}/video-link", data={"link": link})

    assert_safe(response)
    assert_safe(reception.get(f"/staff/bookings/{booking_id}"))
    check_mail(runner, mail_sink)


@fuzz
@given(link=st.one_of(links, st.just("")))
def test_any_practitioner_link_is_refused_or_saved_safely(schedule, admin, link):
    response = set_own_link(admin, schedule.second, "Rachel Moore", link)

    assert_safe(response)
    assert_safe(admin.get(f"/staff/admin/practitioners/{schedule.second}"))
