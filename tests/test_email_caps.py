"""Emails to one address are capped per hour and day: anyone can type anyone's address into
the public forms. Past a cap the request is saved as usual and its email is held, with the
reason on the staff record; staff notifications are never held."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Booking, Enquiry, OutboxMessage, WaitlistEntry
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details, enquiry_form
from tests.support.waitlist import entry_form

PATIENT = "amara.okafor@gmail.com"
STAFF = "reception@hairline-clinic.co.uk"
# The address as the patient might type it on another day: the cap counts it as the same.
SHOUTED = "AMARA.OKAFOR@gmail.com"
HOUR_HELD = "not sent because this address has had 5 emails in the last hour"


@pytest.fixture
def app_settings(app_settings):
    # The per-client form limits are another rule; here the caps alone decide.
    return {
        **app_settings,
        "ENQUIRY_RATE_LIMIT": "1000 per minute",
        "BOOKING_RATE_LIMIT": "1000 per minute",
        "PATIENT_EMAIL_HOURLY_LIMIT": 5,
        "PATIENT_EMAIL_DAILY_LIMIT": 8,
    }


def enquire(client, email=PATIENT):
    """Send an enquiry; returns the reference its thank-you page shows."""
    response = client.post("/enquire", data=enquiry_form(email=email))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"] == "/enquire/thanks"
    thanks = client.get("/enquire/thanks").get_data(as_text=True)
    [reference] = re.findall(r"ENQ-[A-Z0-9]{6}", thanks)
    return reference


def to_patient(mail_sink):
    return [message for message in mail_sink.messages if message.rcpt_tos[0].lower() == PATIENT]


def outbox(app, kind):
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return [(message.status, message.held_reason) for message in rows]


def move_emails_back(app, hours):
    """As if every email so far had been queued (and sent) `hours` earlier."""
    earlier = timedelta(hours=hours)
    with app.app_context():
        for message in db.session.scalars(select(OutboxMessage)):
            message.created_at -= earlier
            message.next_attempt_at -= earlier
            if message.sent_at:
                message.sent_at -= earlier
        db.session.commit()


def enquiry_id(app, reference):
    with app.app_context():
        return db.session.scalar(select(Enquiry.id).where(Enquiry.reference == reference))


def test_past_the_hourly_cap_enquiries_are_saved_and_their_emails_held_with_the_reason(
    app, client, mail_sink, as_role
):
    references = [enquire(client, SHOUTED if number % 2 else PATIENT) for number in range(7)]

    assert len(set(references)) == 7
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Enquiry)) == 7
    assert len(to_patient(mail_sink)) == 5
    assert len(mail_sink.to(STAFF)) == 7
    assert (
        outbox(app, "enquiry_ack")
        == [("sent", None)] * 5 + [("held", "this address has had 5 emails in the last hour")] * 2
    )
    assert {status for status, _reason in outbox(app, "enquiry_staff")} == {"sent"}

    reception = as_role("reception")
    held_page = reception.get(f"/staff/enquiries/{enquiry_id(app, references[-1])}").get_data(as_text=True)
    assert "Held" in held_page and HOUR_HELD in held_page
    sent_page = reception.get(f"/staff/enquiries/{enquiry_id(app, references[0])}").get_data(as_text=True)
    assert "not sent because" not in sent_page


def test_held_emails_are_never_sent_later(app, client, runner, mail_sink):
    for _ in range(6):
        enquire(client)
    move_emails_back(app, 48)

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert len(to_patient(mail_sink)) == 5
    assert outbox(app, "enquiry_ack")[-1][0] == "held"


def test_the_daily_cap_holds_what_the_hourly_one_lets_through_until_a_day_has_passed(app, client, mail_sink):
    for _ in range(5):
        enquire(client)
    move_emails_back(app, 2)
    for _ in range(4):
        enquire(client)

    assert len(to_patient(mail_sink)) == 8
    assert outbox(app, "enquiry_ack")[-1] == ("held", "this address has had 8 emails in the last day")

    move_emails_back(app, 23)  # the first five are now 25 hours old, the next three 23
    enquire(client)

    assert len(to_patient(mail_sink)) == 9
    assert outbox(app, "enquiry_ack")[-1] == ("sent", None)


def test_another_address_is_not_held_by_one_that_has_had_its_share(app, client, mail_sink):
    for _ in range(6):
        enquire(client)

    enquire(client, "tom.hughes@gmail.com")

    assert len(mail_sink.to("tom.hughes@gmail.com")) == 1


def test_bookings_and_waiting_list_entries_past_the_cap_are_saved_with_their_emails_held(
    app, client, mail_sink, schedule, as_role
):
    for _ in range(5):
        enquire(client)

    booked = client.post(
        "/book/details",
        data=booking_details(schedule.in_clinic, local_start(schedule.day, 10), email=PATIENT),
    )
    joined = client.post("/book/waitlist", data=entry_form(schedule, email=PATIENT))

    assert booked.headers["Location"] == "/book/confirmed"
    assert joined.headers["Location"] == "/book/waitlist/thanks"
    with app.app_context():
        [booking_id] = db.session.scalars(select(Booking.id).where(Booking.email == PATIENT)).all()
        assert db.session.scalars(select(WaitlistEntry.email)).all() == [PATIENT]
    assert len(to_patient(mail_sink)) == 5
    assert [status for status, _reason in outbox(app, "booking_confirmed")] == ["held"]
    assert [status for status, _reason in outbox(app, "waitlist_joined")] == ["held"]
    assert [status for status, _reason in outbox(app, "booking_staff_new")] == ["sent"]
    assert len(mail_sink.to(STAFF)) == 6

    page = as_role("reception").get(f"/staff/bookings/{booking_id}").get_data(as_text=True)
    assert HOUR_HELD in page


def test_reception_is_told_an_invitation_is_held_not_that_it_was_sent(app, client, as_role, mail_sink):
    references = [enquire(client) for _ in range(5)]
    reception = as_role("reception")

    invited = reception.post(f"/staff/enquiries/{enquiry_id(app, references[0])}/invite")
    page = reception.get(invited.headers["Location"]).get_data(as_text=True)

    assert "The email to the patient is held and will not be sent: this address has had 5 emails" in page
    assert "The patient has been emailed it" not in page
    assert outbox(app, "booking_invitation")[0][0] == "held"
