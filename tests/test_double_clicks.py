"""The same request sent several times at once (a double click, an impatient patient)
makes one change, one set of emails and one audit entry, and every click gets a calm
answer saying what happened. Through a real server, so the requests truly overlap."""

from datetime import timedelta

import requests
from sqlalchemy import func, select

from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import AuditEntry, Booking, Enquiry, OutboxMessage
from clinic.models.types import utcnow
from tests.factories import EnquiryFactory
from tests.support.bookings import place
from tests.support.clinic_days import local_start
from tests.support.server import (
    at_once,
    csrf_token,
    filled_booking_form,
    hidden_fields,
    signed_in_staff,
)
from tests.support.staff import STAFF_PASSWORD

CLICKS = 4
PATIENT = "jordan.ellis@gmail.com"


def clicked(session, url, form, clicks=CLICKS):
    """POST the same form `clicks` times at the same instant; the responses, unfollowed."""
    return at_once([(session, url, form)] * clicks)


def answers(responses):
    return sorted((response.status_code, response.headers.get("Location")) for response in responses)


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_count(app, action):
    return count(app, AuditEntry, AuditEntry.action == action)


def form_on(session, url):
    return hidden_fields(session.get(url, timeout=30).text)


def test_a_double_clicked_booking_books_once_and_both_clicks_see_it(app, schedule, server, mail_sink):
    session = requests.Session()
    choice = {"type": schedule.in_clinic, "practitioner": schedule.first}
    form = filled_booking_form(
        session, server.url, {**choice, "start": format_start(local_start(schedule.day, 10))}, 1
    )
    assert form.get("submission_key"), form

    responses = clicked(session, f"{server.url}/book/details", form)

    assert answers(responses) == [(303, "/book/confirmed")] * CLICKS
    assert count(app, Booking) == 1
    assert "BKG-" in session.get(f"{server.url}/book/confirmed", timeout=30).text
    assert len(mail_sink.to(form["email"])) == 1


def test_a_double_clicked_enquiry_is_saved_once(app, server, mail_sink):
    session = requests.Session()
    form = {
        **form_on(session, f"{server.url}/enquire"),
        "full_name": "Amara Okafor",
        "email": "amara.okafor@gmail.com",
        "phone": "",
        "preferred_contact": "email",
        "concern": "crown",
        "hoped_result": "density",
        "message": "Is SMP right for a thinning crown?",
        "heard_from": "",
        "health_consent": "y",
    }

    responses = clicked(session, f"{server.url}/enquire", form)

    assert answers(responses) == [(303, "/enquire/thanks")] * CLICKS
    assert count(app, Enquiry) == 1
    assert len(mail_sink.to("amara.okafor@gmail.com")) == 1


def test_a_double_clicked_cancel_cancels_once(app, schedule, server, mail_sink):
    placed = place(
        app, local_start(schedule.day, 11), schedule.in_clinic, schedule.first, confirmed_at=utcnow()
    )
    session = requests.Session()
    url = f"{server.url}/booking/{placed.token}/cancel"

    responses = clicked(session, url, form_on(session, url))

    assert answers(responses) == [(303, "/booking/cancelled")] * CLICKS
    assert "is cancelled" in session.get(f"{server.url}/booking/cancelled", timeout=30).text
    with app.app_context():
        booking = db.session.get(Booking, placed.id)
        assert (booking.status, booking.token_version, booking.calendar_sequence) == ("cancelled", 2, 1)
    assert [m.subject.split(" (")[0] for m in mail_sink.to(PATIENT)] == ["Your consultation is cancelled"]
    assert count(app, OutboxMessage, OutboxMessage.kind == "booking_staff_cancelled") == 1


def test_a_double_clicked_move_moves_once(app, schedule, server, mail_sink):
    placed = place(
        app, local_start(schedule.day, 11), schedule.in_clinic, schedule.first, confirmed_at=utcnow()
    )
    new_start = local_start(schedule.day, 15)
    session = requests.Session()
    url = f"{server.url}/booking/{placed.token}/move/confirm"
    choice = {"start": format_start(new_start), "practitioner": schedule.first}
    form = {**form_on(session, f"{url}?start={choice['start']}&practitioner={schedule.first}"), **choice}

    responses = clicked(session, url, form)

    with app.app_context():
        booking = db.session.get(Booking, placed.id)
        assert (booking.starts_at, booking.token_version, booking.calendar_sequence) == (new_start, 2, 1)
    assert [m.subject.split(" (")[0] for m in mail_sink.to(PATIENT)] == ["Your consultation has moved"]
    # The first click is sent on to the booking's new link; the others are told it has moved.
    assert sorted(response.status_code for response in responses) == [200] * (CLICKS - 1) + [303]
    for response in responses:
        if response.status_code == 200:
            assert "Your booking has moved" in response.text
            assert placed.token not in response.text


def test_double_clicked_staff_changes_are_made_and_audited_once(app, schedule, staff, server, mail_sink):
    moving = place(
        app, local_start(schedule.day, 9), schedule.in_clinic, schedule.first, confirmed_at=utcnow()
    )
    cancelling = place(
        app,
        local_start(schedule.day, 11),
        schedule.in_clinic,
        schedule.first,
        confirmed_at=utcnow(),
        email="sam.okoro@gmail.com",
    )
    an_hour_ago = utcnow().replace(second=0, microsecond=0) - timedelta(hours=1)
    attended = place(
        app,
        an_hour_ago,
        schedule.in_clinic,
        schedule.first,
        confirmed_at=utcnow(),
        email="lee.martin@gmail.com",
    )
    reception = signed_in_staff(server, staff.reception.email, STAFF_PASSWORD)
    records = f"{server.url}/staff/bookings"
    new_start = format_start(local_start(schedule.day, 16))

    moves = clicked(
        reception,
        f"{records}/{moving.id}/move/confirm",
        {
            **form_on(reception, f"{records}/{moving.id}/move/confirm?start={new_start}"),
            "start": new_start,
            "practitioner": schedule.first,
        },
    )
    cancels = clicked(
        reception,
        f"{records}/{cancelling.id}/cancel",
        form_on(reception, f"{records}/{cancelling.id}/cancel"),
    )
    outcomes = clicked(
        reception,
        f"{records}/{attended.id}/outcome",
        {
            "csrf_token": csrf_token(reception.get(f"{records}/{attended.id}", timeout=30).text),
            "outcome": "attended",
        },
    )

    for responses, record_id in ((moves, moving.id), (cancels, cancelling.id), (outcomes, attended.id)):
        assert answers(responses) == [(303, f"/staff/bookings/{record_id}")] * CLICKS
    assert (audit_count(app, "moved booking"), audit_count(app, "cancelled booking")) == (1, 1)
    assert audit_count(app, "recorded attended") == 1
    assert len(mail_sink.to(PATIENT)) == 1
    assert len(mail_sink.to("sam.okoro@gmail.com")) == 1


def test_a_double_clicked_staff_booking_books_once(app, schedule, staff, server, mail_sink):
    with app.app_context():
        enquiry_id = EnquiryFactory(email="alex.morgan@gmail.com").id
    reception = signed_in_staff(server, staff.reception.email, STAFF_PASSWORD)
    url = f"{server.url}/staff/enquiries/{enquiry_id}/book/details"
    choice = {
        "type": schedule.in_clinic,
        "practitioner": "any",
        "start": format_start(local_start(schedule.day, 10)),
    }
    form = {
        **form_on(reception, f"{url}?type={choice['type']}&practitioner=any&start={choice['start']}"),
        **choice,
        "phone": "07911 123456",
        "adult_confirmed": "y",
        "consent_by_phone": "y",
    }

    responses = clicked(reception, url, form)

    [booking_id] = [record_id for (record_id,) in booking_ids(app)]
    assert answers(responses) == [(303, f"/staff/bookings/{booking_id}")] * CLICKS
    assert audit_count(app, "booked consultation") == 1
    assert len(mail_sink.to("alex.morgan@gmail.com")) == 1


def booking_ids(app):
    with app.app_context():
        return db.session.execute(select(Booking.id)).all()
