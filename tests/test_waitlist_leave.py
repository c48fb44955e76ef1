"""Leaving the waiting list: a link in every waiting-list email, confirmed by a button,
and RFC 8058 one-click unsubscribe from the mail provider's own button."""

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from clinic import create_app
from clinic.booking.tokens import LEAVE_SALT
from clinic.extensions import db
from clinic.models import OutboxMessage
from config import TestingConfig
from tests.support.bookings import cancel, place
from tests.support.clinic_days import local_start
from tests.support.outbox import make_due
from tests.support.server import csrf_token
from tests.support.smtp_sink import free_port
from tests.support.waitlist import OFFER_SUBJECT, claim_link, entry_by_email, entry_form, join, offers

PRIYA = "priya.shah@gmail.com"
LEAVE_LINK = re.compile(r"http://clinic\.example\.com(/waitlist/leave/[^\s\"<>]+)")
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def slot(schedule):
    return local_start(schedule.day, 10)


@pytest.fixture
def jordan(app, schedule, slot):
    """The manage token of Jordan's booking, which holds the slot Priya waits for."""
    return place(app, slot, schedule.in_clinic, schedule.first).token


@pytest.fixture
def leave_link(app, client, schedule):
    """Priya joins the waiting list; the path of the leave link in the email she is
    sent (read from the outbox, as the mail server may be down)."""
    join(client, schedule, email=PRIYA)
    with app.app_context():
        joined = select(OutboxMessage.body_text).where(OutboxMessage.kind == "waitlist_joined")
        text = db.session.scalar(joined)
    return LEAVE_LINK.search(text).group(1)


def status(app):
    return entry_by_email(app, PRIYA).status


def assert_private(response):
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_waiting_list_emails_carry_one_click_unsubscribe_and_a_leave_link(
    app, client, schedule, jordan, mail_sink
):
    join(client, schedule, email=PRIYA)
    cancel(client, jordan)

    [joined] = [m for m in mail_sink.to(PRIYA) if m.subject != OFFER_SUBJECT]
    [offer] = offers(mail_sink, PRIYA)
    for received in (joined, offer):
        link = LEAVE_LINK.search(received.text).group(0)
        assert received.message["List-Unsubscribe"] == f"<{link}>"
        assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f'href="{link}"' in received.html
        assert received.message["Reply-To"] == "hello@hairline-clinic.co.uk"
        assert received.message["Auto-Submitted"] == "auto-generated"
    # The link carries the entry's random key, signed: no id, reference or address.
    token = link.rsplit("/", 1)[1]
    serializer = URLSafeSerializer(app.secret_key, salt=LEAVE_SALT)
    assert serializer.loads(token) == entry_by_email(app, PRIYA).manage_key


def test_opening_the_link_changes_nothing_and_the_button_takes_the_patient_off(
    app, csrf_app, schedule, mail_sink
):
    client = csrf_app.test_client()
    page = client.get(f"/book/waitlist?type={schedule.in_clinic}").get_data(as_text=True)
    client.post("/book/waitlist", data={**entry_form(schedule, email=PRIYA), "csrf_token": csrf_token(page)})
    link = LEAVE_LINK.search(mail_sink.to(PRIYA)[0].text).group(1)

    opened = client.get(link)
    assert opened.status_code == 200
    assert_private(opened)
    assert "Leave the waiting list?" in opened.get_data(as_text=True)
    assert status(app) == "waiting"

    left = client.post(link, data={"csrf_token": csrf_token(opened.get_data(as_text=True))})
    assert left.status_code == 303
    assert left.headers["Location"] == link
    assert_private(left)
    assert status(app) == "left"
    after = client.get(link)
    assert after.status_code == 200
    assert "You are not on our waiting list" in after.get_data(as_text=True)

    # Leaving twice is calm: the same answer, nothing more changes.
    again = client.post(link, data={"csrf_token": csrf_token(opened.get_data(as_text=True))})
    assert again.status_code == 303
    assert status(app) == "left"


def test_a_browser_post_without_the_csrf_token_is_refused(app, csrf_app, leave_link):
    client = csrf_app.test_client()

    for data in ({}, {"confirm": "y"}, {"List-Unsubscribe": "Yes"}):
        response = client.post(leave_link, data=data)
        assert response.status_code == 400
    assert status(app) == "waiting"


def test_a_mail_providers_one_click_post_takes_the_patient_off(app, csrf_app, leave_link):
    # As Gmail or Yahoo send it: no cookie, no CSRF token, just the RFC 8058 body.
    provider = csrf_app.test_client(use_cookies=False)

    response = provider.post(leave_link, data=ONE_CLICK)

    assert response.status_code == 200
    assert_private(response)
    assert "You are not on our waiting list" in response.get_data(as_text=True)
    assert status(app) == "left"
    assert provider.post(leave_link, data=ONE_CLICK).status_code == 200
    assert status(app) == "left"


def test_after_leaving_no_offer_is_made_and_an_old_offer_no_longer_works(
    app, client, schedule, jordan, leave_link, mail_sink
):
    second = place(app, local_start(schedule.day, 11), schedule.in_clinic, schedule.first).token
    cancel(client, jordan)
    [offer] = offers(mail_sink, PRIYA)
    assert client.get(claim_link(offer)).status_code == 200

    assert client.post(leave_link, data=ONE_CLICK).status_code == 200

    assert client.get(claim_link(offer)).status_code == 404
    cancel(client, second)
    assert len(offers(mail_sink, PRIYA)) == 1


@pytest.fixture
def mail_server_down(app_settings):
    app_settings["MAIL_PORT"] = free_port()


def test_an_offer_queued_before_leaving_is_never_sent(
    mail_server_down, app, client, schedule, jordan, leave_link, app_settings, mail_sink
):
    cancel(client, jordan)  # the offer waits in the outbox: the mail server is down

    assert client.post(leave_link, data=ONE_CLICK).status_code == 200
    make_due(app)
    app_settings["MAIL_PORT"] = mail_sink.port
    later = create_app(TestingConfig, app_settings)
    later.test_cli_runner().invoke(args=["outbox", "send"])

    assert offers(mail_sink, PRIYA) == []


@pytest.mark.parametrize("tamper", ["flip", "offer_link"])
def test_a_link_that_is_not_a_leave_link_is_not_valid(
    app, client, schedule, jordan, leave_link, mail_sink, tamper
):
    if tamper == "flip":
        at = leave_link.rindex(".") + 1  # the signature's first character: six whole bits
        link = leave_link[:at] + ("A" if leave_link[at] != "A" else "B") + leave_link[at + 1 :]
    else:
        cancel(client, jordan)
        [offer] = offers(mail_sink, PRIYA)
        link = claim_link(offer).replace("/waitlist/offer/", "/waitlist/leave/")

    for response in (client.get(link), client.post(link, data=ONE_CLICK)):
        assert response.status_code == 404
    assert status(app) == "waiting"
