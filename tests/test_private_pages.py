"""Pages whose address is the patient's key are kept by no cache, listed by no search
engine, and their address is sent to no other site."""

import pytest

from clinic.booking.invitations import invitation_token
from clinic.booking.tokens import manage_token, offer_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import ConsultationType, Practitioner
from tests.factories import BookingFactory, EnquiryFactory, WaitlistEntryFactory
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details
from tests.support.server import hidden_fields

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


@pytest.fixture
def links(app, schedule):
    start = local_start(schedule.day, 11)
    with app.app_context():
        booking = BookingFactory(
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=db.session.get(Practitioner, schedule.first),
            starts_at=start,
        )
        entry = WaitlistEntryFactory(type_id=schedule.in_clinic)
        later = format_start(local_start(schedule.day, 15))
        token = manage_token(booking)
        return {
            "manage page": f"/booking/{token}",
            "calendar file": f"/booking/{token}.ics",
            "cancel page": f"/booking/{token}/cancel",
            "move page": f"/booking/{token}/move",
            "move confirmation": f"/booking/{token}/move/confirm?start={later}&practitioner={schedule.first}",
            "offer": f"/waitlist/offer/{offer_token(entry, local_start(schedule.day, 15), schedule.first)}",
            "invitation": f"/book/invite/{invitation_token(EnquiryFactory())}",
            "broken manage link": "/booking/not-a-token",
            "broken offer link": "/waitlist/offer/not-a-token",
        }


@pytest.mark.parametrize(
    "page",
    [
        "manage page",
        "calendar file",
        "cancel page",
        "move page",
        "move confirmation",
        "offer",
        "invitation",
        "broken manage link",
        "broken offer link",
    ],
)
def test_a_private_link_is_not_cached_indexed_or_referred(client, links, page):
    response = client.get(links[page])

    assert response.status_code in (200, 302, 404)
    for header, value in PRIVATE.items():
        assert response.headers[header] == value


def test_the_confirmation_page_with_its_manage_link_is_private_too(client, schedule):
    booked = client.post(
        "/book/details",
        data=booking_details(schedule.in_clinic, local_start(schedule.day, 10), schedule.first),
    )
    assert booked.status_code == 303

    response = client.get("/book/confirmed")

    assert "/booking/" in response.get_data(as_text=True)
    assert {header: response.headers[header] for header in PRIVATE} == PRIVATE


def test_public_pages_stay_cacheable(client):
    response = client.get("/smp")

    assert response.headers.get("X-Robots-Tag") is None
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_private_page_form_works_over_https_although_no_referer_is_sent(csrf_app, schedule):
    with csrf_app.app_context():
        booking = BookingFactory(
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=db.session.get(Practitioner, schedule.first),
            starts_at=local_start(schedule.day, 11),
        )
        url = f"/booking/{manage_token(booking)}/cancel"
    client = csrf_app.test_client()
    page = client.get(url, base_url="https://clinic.example.com").get_data(as_text=True)

    cancelled = client.post(url, data=hidden_fields(page), base_url="https://clinic.example.com")

    assert cancelled.status_code == 303
    assert cancelled.headers["Location"] == "/booking/cancelled"
