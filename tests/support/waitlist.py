"""Joining the waiting list through its form, and reading the offers it emails."""

import re

from sqlalchemy import select

from clinic.extensions import db
from clinic.models import WaitlistEntry
from tests.support.patients import waitlist_form

OFFER_SUBJECT = "A consultation time has become free"
CLAIM_LINK = re.compile(r"http://clinic\.example\.com(/waitlist/offer/\S+)")


def entry_form(schedule, **changes):
    """The waiting-list form for the schedule's in-clinic type, on the weekday of schedule.day."""
    weekdays = changes.pop("weekdays", [schedule.day.weekday()])
    return waitlist_form(schedule.in_clinic, weekdays, **changes)


def join(client, schedule, **changes):
    response = client.post("/book/waitlist", data=entry_form(schedule, **changes))
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def entry_by_email(app, email):
    with app.app_context():
        return db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.email == email))


def offers(mail_sink, address):
    return [message for message in mail_sink.to(address) if message.subject == OFFER_SUBJECT]


def claim_link(message):
    return CLAIM_LINK.search(message.text).group(1)
