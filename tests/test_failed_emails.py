"""An email the outbox gave up on is not only on its record's page: the admin overview
counts them, the inbox lists the enquiries and bookings they were about, and each
one logs a single ERROR line that names no patient."""

import logging
import re

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Booking, Enquiry, OutboxMessage
from tests.factories import EnquiryFactory
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details, enquiry_form
from tests.support.smtp_sink import free_port

ROW_REFERENCE = re.compile(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>')
FAILED_FILTER = "/staff/enquiries?emails_failed=y"


@pytest.fixture
def mail_server_down(app_settings):
    app_settings["MAIL_PORT"] = free_port()
    app_settings["OUTBOX_MAX_ATTEMPTS"] = 1  # the first failure is the last


@pytest.fixture
def records(mail_server_down, app, client, schedule, caplog):
    """Amara's enquiry and Priya's booking, whose emails (two each) failed for good; Tom's
    enquiry, whose emails failed once and will be tried again; Jo's, with no email at all."""
    caplog.set_level(logging.INFO, logger="clinic.outbox")
    assert client.post("/enquire", data=enquiry_form()).status_code == 303
    start = local_start(schedule.day, 10)
    assert client.post("/book/details", data=booking_details(schedule.in_clinic, start)).status_code == 303
    app.config["OUTBOX_MAX_ATTEMPTS"] = 5
    tom = enquiry_form(full_name="Tom Hughes", email="tom.hughes@gmail.com")
    assert client.post("/enquire", data=tom).status_code == 303
    with app.app_context():
        EnquiryFactory(full_name="Jo Bloggs", email="jo.bloggs@gmail.com")
        db.session.commit()
        by_name = {e.full_name: e.reference for e in db.session.scalars(select(Enquiry))}
        by_name["Priya Shah"] = db.session.scalar(select(Booking.reference))
        statuses = db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)).all()
    assert statuses == ["failed"] * 4 + ["queued"] * 2
    return by_name


def listed(response):
    return set(ROW_REFERENCE.findall(response.get_data(as_text=True)))


def test_the_admin_overview_counts_emails_that_failed_for_good(records, as_role):
    page = as_role("admin").get("/staff/admin/").get_data(as_text=True)

    assert "<strong>4</strong> emails could not be sent" in page
    assert f'href="{FAILED_FILTER}"' in page


def test_the_admin_overview_says_when_none_has_failed(app, as_role):
    page = as_role("admin").get("/staff/admin/").get_data(as_text=True)

    assert "none has failed" in page


def test_the_inbox_filter_lists_the_records_whose_email_failed(records, as_role):
    reception = as_role("reception")

    everything = listed(reception.get("/staff/enquiries"))
    failed = reception.get(FAILED_FILTER)

    assert everything == set(records.values())
    assert listed(failed) == {records["Amara Okafor"], records["Priya Shah"]}
    page = failed.get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="emails_failed"|name="emails_failed"[^>]*checked', page)
    assert listed(reception.get(f"{FAILED_FILTER}&kind=booking")) == {records["Priya Shah"]}
    assert listed(reception.get(f"{FAILED_FILTER}&q=Tom")) == set()


def test_each_permanent_failure_logs_one_error_line_without_personal_data(records, caplog):
    logged = [
        r for r in caplog.get_records("setup") if r.name == "clinic.outbox.delivery"
    ]  # sent by `records`
    errors = [r for r in logged if r.levelno >= logging.ERROR]

    assert len(errors) == 4
    kinds = sorted(re.search(r"\((\w+)\)", r.getMessage()).group(1) for r in errors)
    assert kinds == ["booking_confirmed", "booking_staff_new", "enquiry_ack", "enquiry_staff"]
    for record in errors:
        assert re.fullmatch(
            r"outbox message \d+ \(\w+\) failed for good at attempt 1: ConnectionRefusedError",
            record.getMessage(),
        )
    everything_logged = "\n".join(r.getMessage() for r in logged)
    personal = ["Amara", "Okafor", "Priya", "gmail.com", "reception@", "Your consultation"]
    for detail in [*personal, *records.values()]:
        assert detail not in everything_logged
