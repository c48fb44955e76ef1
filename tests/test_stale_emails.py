"""No stale email is ever sent: what waited out a mail outage is checked against what is true now."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from clinic.booking.tokens import leave_token, manage_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Booking, OutboxMessage, WaitlistEntry
from clinic.models.types import utcnow
from tests.support.outbox import mail_server_back
from tests.support.patients import booking_details, waitlist_form

PATIENT = "priya.shah@gmail.com"


def half_past(hours_ahead):
    return (utcnow() + timedelta(hours=hours_ahead)).replace(minute=30, second=0, microsecond=0)


def book(client, where, start, **changes):
    response = client.post(
        "/book/details", data=booking_details(where.type, start, where.practitioner, **changes)
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def the_booking(app):
    with app.app_context():
        return db.session.scalars(select(Booking).order_by(Booking.id.desc())).first()


def manage_token_of(app):
    with app.app_context():
        return manage_token(the_booking(app))


def booked_last_week(app):
    with app.app_context():
        db.session.execute(update(Booking).values(confirmed_at=utcnow() - timedelta(days=7)))
        db.session.commit()


def outbox(app):
    with app.app_context():
        return [
            (message.kind, message.status, message.withdrawn_reason)
            for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        ]


def subjects_to(mail_sink, address):
    return [message.subject for message in mail_sink.to(address)]


def send_reminders(runner):
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_reminder_queued_in_an_outage_is_not_sent_after_the_booking_is_cancelled(
    mail_server_down, app, client, runner, around_the_clock, app_settings, mail_sink
):
    book(client, around_the_clock, half_past(36))
    booked_last_week(app)
    assert "1 queued" in send_reminders(runner)
    reference = the_booking(app).reference

    cancelled = client.post(f"/booking/{manage_token_of(app)}/cancel")
    assert cancelled.status_code == 303
    output = mail_server_back(app_settings, mail_sink)

    assert subjects_to(mail_sink, PATIENT) == [f"Your consultation is cancelled ({reference})"]
    assert outbox(app) == [
        ("booking_confirmed", "withdrawn", "the booking was cancelled"),
        ("booking_staff_new", "sent", None),
        ("booking_reminder", "withdrawn", "the booking was cancelled"),
        ("booking_cancelled", "sent", None),
        ("booking_staff_cancelled", "sent", None),
    ]
    assert "3 sent" in output


def test_a_reminder_and_confirmation_for_a_moved_time_are_not_sent(
    mail_server_down, app, client, runner, around_the_clock, app_settings, mail_sink
):
    book(client, around_the_clock, half_past(36))
    booked_last_week(app)
    send_reminders(runner)
    reference = the_booking(app).reference
    new_start = half_past(60)

    moved = client.post(
        f"/booking/{manage_token_of(app)}/move/confirm",
        data={"start": format_start(new_start), "practitioner": around_the_clock.practitioner},
    )
    assert moved.status_code == 303
    mail_server_back(app_settings, mail_sink)

    assert subjects_to(mail_sink, PATIENT) == [f"Your consultation has moved ({reference})"]
    changed = "the booking changed after this email was written"
    assert [row for row in outbox(app) if row[1] == "withdrawn"] == [
        ("booking_confirmed", "withdrawn", changed),
        ("booking_reminder", "withdrawn", changed),
    ]


def test_the_staff_record_shows_a_withdrawn_email_with_its_reason(
    mail_server_down, app, client, around_the_clock, as_role
):
    book(client, around_the_clock, half_past(36))
    client.post(f"/booking/{manage_token_of(app)}/cancel")

    page = as_role("reception").get(f"/staff/bookings/{the_booking(app).id}").get_data(as_text=True)

    assert "Withdrawn" in page
    assert "not sent because the booking was cancelled" in page


def test_an_offer_for_a_time_taken_meanwhile_is_not_sent(
    mail_server_down, app, client, around_the_clock, app_settings, mail_sink
):
    start = half_past(40)
    book(client, around_the_clock, start)
    joined = client.post(
        "/book/waitlist",
        data=waitlist_form(
            around_the_clock.type, range(7), email="sam.okoro@gmail.com", full_name="Sam Okoro"
        ),
    )
    assert joined.status_code == 303
    client.post(f"/booking/{manage_token_of(app)}/cancel")
    assert [row[0] for row in outbox(app)].count("waitlist_offer") == 1
    book(client, around_the_clock, start, email="lee.martin@gmail.com", full_name="Lee Martin")

    mail_server_back(app_settings, mail_sink)

    assert not any("become free" in subject for subject in subjects_to(mail_sink, "sam.okoro@gmail.com"))
    assert ("waitlist_offer", "withdrawn", "the time offered is no longer free") in outbox(app)


@pytest.mark.parametrize("booked_hours_ago, reminded", [(0, False), (23, False), (25, True)])
def test_no_reminder_within_a_day_of_the_confirmation(
    app, client, runner, around_the_clock, mail_sink, booked_hours_ago, reminded
):
    book(client, around_the_clock, half_past(36))
    with app.app_context():
        db.session.execute(
            update(Booking).values(confirmed_at=utcnow() - timedelta(hours=booked_hours_ago, minutes=1))
        )
        db.session.commit()

    output = send_reminders(runner)

    assert ("1 queued" in output) == reminded
    assert any(s.startswith("Reminder") for s in subjects_to(mail_sink, PATIENT)) == reminded


def test_a_waiting_list_welcome_queued_in_an_outage_is_not_sent_after_the_patient_left(
    mail_server_down, app, client, around_the_clock, app_settings, mail_sink
):
    joined = client.post(
        "/book/waitlist",
        data=waitlist_form(around_the_clock.type, [0, 1]),
    )
    assert joined.status_code == 303
    with app.app_context():
        entry = db.session.scalar(select(WaitlistEntry))
        leave_url = f"/waitlist/leave/{leave_token(entry)}"
    left = client.post(
        leave_url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert left.status_code == 200

    mail_server_back(app_settings, mail_sink)

    assert mail_sink.to(PATIENT) == []
    assert outbox(app) == [("waitlist_joined", "withdrawn", "the patient has left the waiting list")]
