"""No secret, password or health detail reaches the logs.

A whole journey runs with every logger captured at DEBUG: a patient's enquiry
and booking (with notes and photos), reception signing in, searching, reading
and noting both, inviting the patient to book (who opens the link), a failed
sign-in, an admin creating an account, and emails that go out or, with the mail
server down, fail and are retried. Then nothing the patient typed, no password,
no SECRET_KEY and no manage or invitation token may appear in any log record's
message or arguments, the one-line-per-request log included.
"""

import base64
import io
import logging
import os
import re
import subprocess
import sys
import time
import zlib
from urllib.parse import quote_plus

import pytest
import requests
from PIL import Image
from sqlalchemy import select

from clinic.booking import invitations
from clinic.clinic_time import parse_start
from clinic.extensions import db
from clinic.models import Booking, Enquiry
from tests.support.patients import booking_details, enquiry_form
from tests.support.server import REPO, csrf_token, hidden_fields
from tests.support.smtp_sink import free_port
from tests.support.staff import STAFF_PASSWORD, sign_in

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


def the_patients_enquiry():
    return enquiry_form(
        full_name=NAME,
        email=EMAIL,
        phone=PHONE,
        preferred_contact="phone",
        concern="scar",
        hoped_result="scar",
        message=MESSAGE,
        heard_from=None,
    )


def the_patients_booking(schedule, start):
    return booking_details(
        schedule.in_clinic,
        parse_start(start),
        full_name=NAME,
        email=EMAIL,
        phone=PHONE,
        concern="scar",
        pattern_stage="not_sure",
        notes=BOOKING_NOTES,
    )


def journey(app, client, schedule, staff, mail_sink):
    """Everything a patient and the staff do; returns the secrets that came up on the way."""
    secrets = {"SECRET_KEY": app.config["SECRET_KEY"], "password": STAFF_PASSWORD}

    enquiry = {
        **the_patients_enquiry(),
        "photo_front": (io.BytesIO(png()), "scar.png"),
        "photo_consent": "y",
    }
    assert client.post("/enquire", data=enquiry, content_type="multipart/form-data").status_code == 303

    slots = client.get(
        "/book/slots", query_string={"type": schedule.in_clinic, "practitioner": "any", "date": schedule.day}
    ).get_json()["slots"]
    booking = {
        **the_patients_booking(schedule, slots[0]["start"]),
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
        assert any(
            record.name == "clinic.outbox.delivery" and record.levelno == logging.WARNING
            for record in records
        )


# ---------- The development server's whole output, and every cookie ----------


def session_payload(cookie_value):
    """The data inside a Flask session cookie (itsdangerous: base64 JSON, zlib-compressed
    when it starts with "."), or the value itself for any other cookie."""
    compressed = cookie_value.startswith(".")
    payload = cookie_value.removeprefix(".").split(".")[0]
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return (zlib.decompress(data) if compressed else data).decode()
    except (ValueError, zlib.error, UnicodeDecodeError):
        return cookie_value


class CookieJournal(requests.Session):
    """A browser that notes every cookie it is sent, decoded."""

    def __init__(self, journal):
        super().__init__()
        self.hooks["response"].append(
            lambda response, **_: journal.extend(
                session_payload(header.split(";")[0].partition("=")[2])
                for header in response.raw.headers.getlist("Set-Cookie")
            )
        )


def dev_journey(app, base, schedule, staff, cookies):
    """A patient's enquiry and booking, reception searching for them and inviting them to
    book, and the patient booking from the invitation, as browsers do it: forms with their
    tokens, over HTTP. Returns the invitation's token."""
    patient = CookieJournal(cookies)
    page = patient.get(f"{base}/enquire", timeout=30).text
    enquiry = {
        **hidden_fields(page),
        **the_patients_enquiry(),
        "photo_consent": "y",
    }
    sent = patient.post(
        f"{base}/enquire", data=enquiry, files={"photo_front": ("scar.png", png())}, allow_redirects=False
    )
    assert sent.status_code == 303, sent.text
    book(patient, base, schedule, slot=0)

    reception = CookieJournal(cookies)
    token = csrf_token(reception.get(f"{base}/staff/login", timeout=30).text)
    signed_in = reception.post(
        f"{base}/staff/login",
        data={"csrf_token": token, "email": staff.reception.email, "password": STAFF_PASSWORD, "code": ""},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 303
    for query in (NAME, EMAIL, PHONE):
        assert reception.get(f"{base}/staff/enquiries", params={"q": query}, timeout=30).ok
    with app.app_context():
        enquiry = db.session.scalar(select(Enquiry))
        # Made here too, as the email with the link may not be delivered (mail down).
        invitation = invitations.invitation_token(enquiry)
    record = reception.get(f"{base}/staff/enquiries/{enquiry.id}", timeout=30).text
    invited = reception.post(
        f"{base}/staff/enquiries/{enquiry.id}/invite",
        data={"csrf_token": csrf_token(record)},
        allow_redirects=False,
        timeout=30,
    )
    assert invited.status_code == 303, invited.text

    invitee = CookieJournal(cookies)
    assert invitee.get(f"{base}/book/invite/{invitation}", timeout=30).ok
    # The form is filled in from the enquiry, on the server.
    assert NAME in book(invitee, base, schedule, slot=1)
    return invitation


def book(browser, base, schedule, slot):
    """Book the `slot`th free time of the day; the details page as it was shown."""
    slots = browser.get(
        f"{base}/book/slots",
        params={"type": schedule.in_clinic, "practitioner": "any", "date": schedule.day},
        timeout=30,
    ).json()["slots"]
    choice = {"type": schedule.in_clinic, "practitioner": "any", "start": slots[slot]["start"]}
    page = browser.get(f"{base}/book/details", params=choice, timeout=30).text
    form = {**the_patients_booking(schedule, choice["start"]), **hidden_fields(page)}
    booked = browser.post(f"{base}/book/details", data=form, allow_redirects=False, timeout=30)
    assert booked.status_code == 303, booked.text
    return page


@pytest.mark.slow
def test_the_development_server_prints_and_cookies_carry_no_personal_data(
    app, schedule, staff, database_url, tmp_path
):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CLINIC_ENV": "development",
        # This checkout's own .env (make run) stays out of it.
        "FLASK_SKIP_DOTENV": "1",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
    }
    # As `make run` serves it, but without the reloader: an edit elsewhere in the
    # checkout would restart the server in the middle of the journey.
    command = ["flask", "--app", "wsgi", "run", "--debug", "--no-reload", "--port", str(port)]
    output = tmp_path / "flask-run.log"
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", *command], cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    cookies = []
    try:
        wait_for(base, process)
        invitation = dev_journey(app, base, schedule, staff, cookies)
    finally:
        process.terminate()
        process.wait(timeout=30)

    printed = output.read_text().lower()
    assert "get /book/invite/" in printed  # the capture holds the server's request lines
    assert invitation.lower() not in printed
    personal = {
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "phone E.164": PHONE_E164,
        "phone digits": PHONE_E164.removeprefix("+44"),
    }
    for label, value in personal.items():
        for form in (value, quote_plus(value)):
            assert form.lower() not in printed, f"{label} printed by the development server"
        for cookie in cookies:
            assert value.lower() not in cookie.lower(), f"{label} in a cookie: {cookie[:300]}"
    assert any("_user_id" in cookie for cookie in cookies)  # the session cookies were read decoded


def wait_for(base, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the development server stopped"
        try:
            if requests.get(f"{base}/healthz", timeout=5).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError("the development server did not start")
