"""Emails a person can answer: a patient's reply reaches the clinic, a reply to a staff
notice reaches the patient, auto-replies stay quiet, and a mail server that hangs
holds up only its own connection."""

import re
import socket
import threading
import time

import pytest
from sqlalchemy import select

from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import OutboxMessage
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details, enquiry_form

CLINIC = "hello@hairline-clinic.co.uk"
STAFF = "reception@hairline-clinic.co.uk"
NO_REPLY = "no-reply@hairline-clinic.co.uk"
LINKS = re.compile(r"http://clinic\.example\.com(/booking/\S+)")


def assert_automatic(received):
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert received.message["X-Auto-Response-Suppress"] == "All"


def test_an_enquiry_is_acknowledged_from_no_reply_with_replies_to_the_clinic(client, mail_sink):
    assert client.post("/enquire", data=enquiry_form()).status_code == 303

    [patient] = mail_sink.to("amara.okafor@gmail.com")
    assert NO_REPLY in patient.message["From"]
    assert patient.message["Reply-To"] == CLINIC
    assert_automatic(patient)

    [staff] = mail_sink.to(STAFF)
    assert staff.message["Reply-To"] == "amara.okafor@gmail.com"
    assert_automatic(staff)


def test_every_booking_email_answers_the_clinic_and_every_staff_notice_the_patient(
    client, schedule, mail_sink
):
    start = local_start(schedule.day, 10)
    assert client.post("/book/details", data=booking_details(schedule.in_clinic, start)).status_code == 303
    [confirmation] = mail_sink.to("priya.shah@gmail.com")
    [manage] = [link for link in LINKS.findall(confirmation.text) if not link.endswith(".ics")]
    later = format_start(local_start(schedule.day, 11))
    moved = client.post(f"{manage}/move/confirm", data={"start": later, "practitioner": "any"})
    assert moved.status_code == 303
    new_manage = moved.headers["Location"]
    assert client.post(f"{new_manage}/cancel").status_code == 303

    to_patient = mail_sink.to("priya.shah@gmail.com")
    to_staff = mail_sink.to(STAFF)
    assert len(to_patient) == len(to_staff) == 3  # booked, moved, cancelled
    for received in to_patient:
        assert received.message["Reply-To"] == CLINIC, received.subject
        assert_automatic(received)
    for received in to_staff:
        assert received.message["Reply-To"] == "priya.shah@gmail.com", received.subject
        assert_automatic(received)


@pytest.fixture
def front_desk_reply_to(app_settings):
    app_settings["CLINIC_REPLY_TO"] = "Hairline front desk <frontdesk@hairline-clinic.co.uk>"


def test_the_reply_to_address_is_a_setting(front_desk_reply_to, app, client, mail_sink):
    client.post("/enquire", data=enquiry_form())

    [patient] = mail_sink.to("amara.okafor@gmail.com")
    assert patient.message["Reply-To"] == "Hairline front desk <frontdesk@hairline-clinic.co.uk>"
    assert patient.message["Reply-To"].addresses[0].addr_spec == "frontdesk@hairline-clinic.co.uk"


def test_a_hanging_mail_server_times_out_without_touching_other_threads_sockets(app, client, mail_sink):
    """The timeout belongs to the SMTP connection: socket.setdefaulttimeout would change
    the default for every thread of a gunicorn gthread worker while the send runs."""
    app.config["MAIL_TIMEOUT"] = 1
    mail_sink.handler.delay = 3  # accepts the message, then says nothing for 3 seconds
    assert socket.getdefaulttimeout() is None
    seen_defaults = set()
    outcome = {}

    def submit():
        began = time.monotonic()
        outcome["status"] = client.post("/enquire", data=enquiry_form()).status_code
        outcome["seconds"] = time.monotonic() - began

    sender = threading.Thread(target=submit)
    sender.start()
    while sender.is_alive():
        seen_defaults.add(socket.getdefaulttimeout())
        time.sleep(0.005)
    sender.join()

    assert seen_defaults == {None}
    assert outcome["status"] == 303
    assert outcome["seconds"] < 2.5
    with app.app_context():
        messages = db.session.scalars(select(OutboxMessage)).all()
    assert [m.status for m in messages] == ["queued", "queued"]
    assert any("timed out" in m.last_error for m in messages)
    time.sleep(mail_sink.handler.delay)  # let the sink wake before the next test uses it
