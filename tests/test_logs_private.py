"""No secret, password or health detail reaches the logs.

A whole journey runs with every logger captured at DEBUG: a patient's enquiry
and booking (with notes and photos), reception signing in, searching, reading
and noting both, inviting the patient to book (who opens the link), a failed
sign-in, an admin creating an account, and emails that go out or, with the mail
server down, fail and are retried. Then nothing the patient typed, no password,
no SECRET_KEY and no manage or invitation token may appear in any log record's
message or arguments, the one-line-per-request log included.
"""

import io
import logging
import re

import pytest
from PIL import Image
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Booking, Enquiry
from tests.conftest import STAFF_PASSWORD, sign_in
from tests.support.smtp_sink import free_port

NAME = "Quillon Vantreese"
EMAIL = "quillon.vantreese@example.org"
PHONE = "07856 204317"
PHONE_E164 = "+447856204317"
MESSAGE = "Keloid scarring along the occipital ridge since 2019"
BOOKING_NOTES = "Finasteride intolerance documented by my dermatologist"
STAFF_NOTE = "Patient disclosed anxiety about needles on the call"
WRONG_PASSWORD = "mauve-otter-lattice-9371"
# The test's own SMTP sink (aiosmtpd) logs each message it receives at DEBUG; a deployment
# talks to a real mail server instead, so that logger is kept out of the capture.
SMTP_SINK_LOGGER = "mail.log"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (181, 140, 118)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(params=["mail up", "mail down"])
def app_settings(app_settings, request):
    if request.param == "mail down":
        app_settings.update(MAIL_PORT=free_port(), OUTBOX_RETRY_BASE_SECONDS=0)
    return app_settings


def journey(app, client, schedule, staff, mail_sink):
    """Everything a patient and the staff do; returns the secrets that came up on the way."""
    secrets = {"SECRET_KEY": app.config["SECRET_KEY"], "password": STAFF_PASSWORD}

    enquiry = {
        "full_name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "preferred_contact": "phone",
        "concern": "scar",
        "hoped_result": "scar",
        "message": MESSAGE,
        "health_consent": "y",
        "photo_front": (io.BytesIO(png()), "scar.png"),
        "photo_consent": "y",
    }
    assert client.post("/enquire", data=enquiry, content_type="multipart/form-data").status_code == 303

    slots = client.get(
        "/book/slots", query_string={"type": schedule.in_clinic, "practitioner": "any", "date": schedule.day}
    ).get_json()["slots"]
    booking = {
        "type": schedule.in_clinic,
        "practitioner": "any",
        "start": slots[0]["start"],
        "full_name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "concern": "scar",
        "pattern_stage": "not_sure",
        "notes": BOOKING_NOTES,
        "adult_confirmed": "y",
        "health_consent": "y",
        "photo_top": (io.BytesIO(png()), "top.png"),
        "photo_consent": "y",
    }
    assert client.post("/book/details", data=booking, content_type="multipart/form-data").status_code == 303
    confirmed = client.get("/book/confirmed").get_data(as_text=True)
    [manage] = {link.removesuffix(".ics") for link in re.findall(r'href="/booking/([^"/]+)"', confirmed)}
    secrets["manage token"] = manage
    assert client.get(f"/booking/{manage}").status_code == 200
    assert client.get(f"/booking/{manage}.ics").status_code == 200
    for received in mail_sink.messages:
        for token in re.findall(r"/booking/([A-Za-z0-9_.-]+)", received.text or ""):
            secrets[f"emailed token {token[:6]}"] = token

    with app.app_context():
        enquiry_id = db.session.scalar(select(Enquiry.id))
        booking_id, manage_key = db.session.execute(select(Booking.id, Booking.manage_key)).one()
    secrets["manage key"] = manage_key

    assert sign_in(client, staff.reception.email, WRONG_PASSWORD).status_code == 401
    assert sign_in(client, EMAIL, STAFF_PASSWORD).status_code == 401
    assert sign_in(client, staff.reception.email).status_code == 303
    for query in (NAME, EMAIL, PHONE):
        assert client.get("/staff/enquiries", query_string={"q": query}).status_code == 200
    assert client.get("/staff/enquiries.csv", query_string={"q": NAME}).status_code == 200
    assert client.get(f"/staff/enquiries/{enquiry_id}").status_code == 200
    assert client.post(f"/staff/enquiries/{enquiry_id}/notes", data={"body": STAFF_NOTE}).status_code == 303
    assert client.post(f"/staff/enquiries/{enquiry_id}/invite").status_code == 303
    invite_tokens = {
        token
        for received in mail_sink.messages
        for token in re.findall(r"/book/invite/([A-Za-z0-9_.-]+)", received.text or "")
    }
    assert invite_tokens or app.config["MAIL_PORT"] != mail_sink.port
    for token in invite_tokens:
        secrets[f"invite token {token[:6]}"] = token
        # The patient follows the invitation in another browser; opening it logs a request.
        assert app.test_client().get(f"/book/invite/{token}").status_code == 302
    assert client.get(f"/staff/bookings/{booking_id}").status_code == 200
    assert client.post(f"/staff/bookings/{booking_id}/notes", data={"body": STAFF_NOTE}).status_code == 303

    admin = app.test_client()
    assert sign_in(admin, staff.admin.email).status_code == 303
    created = admin.post(
        "/staff/admin/users/new",
        data={"name": "Orla Pemberton", "email": "orla.pemberton@hairline-clinic.co.uk", "role": "reception"},
    )
    assert created.status_code == 200
    secrets["new password"] = re.search(r"<code>([^<]+)</code>", created.get_data(as_text=True)).group(1)

    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return secrets


def test_no_personal_data_or_secret_reaches_the_logs(
    app, client, schedule, staff, mail_sink, caplog, monkeypatch
):
    monkeypatch.setattr(logging.getLogger(SMTP_SINK_LOGGER), "propagate", False)
    caplog.set_level(logging.DEBUG)

    secrets = journey(app, client, schedule, staff, mail_sink)

    forbidden = {
        "name": NAME,
        "email": EMAIL,
        "phone as typed": PHONE,
        "phone E.164": PHONE_E164,
        "phone digits": PHONE_E164.removeprefix("+44"),
        "message": MESSAGE,
        "booking notes": BOOKING_NOTES,
        "staff note": STAFF_NOTE,
        "wrong password": WRONG_PASSWORD,
        **secrets,
    }
    records = caplog.records
    logged = [f"{record.getMessage()}\n{record.args!r}" for record in records]
    logged.append(caplog.text)  # formatted, with any traceback
    for label, value in forbidden.items():
        for text in logged:
            assert value.lower() not in text.lower(), f"{label} logged: {text[:500]}"
    if app.config["MAIL_PORT"] != mail_sink.port:
        # The outage was noticed and logged: the check above read real records.
        assert any(record.name == "clinic.outbox" and record.levelno == logging.WARNING for record in records)
