"""The clinic's own details, shown in the footer, on /visit and in emails."""

import logging

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from clinic import clinic_time
from clinic.scheduling import opening_hours
from clinic.web import database_outage

NAME = "Hairline SMP Clinic"
ADDRESS_LINES = ("14 Harley Mews", "London", "W1G 8PT")
PHONE = "020 7946 0321"
PHONE_E164 = "+442079460321"
EMAIL = "hello@hairline-clinic.co.uk"

log = logging.getLogger(__name__)


def opening_times():
    """The opening hours, from the data that makes the booking times; read once per
    request, and only by a template that shows them. Empty on the page that says the
    database is unreachable, which must not ask it again."""
    if database_outage.connection_lost():
        return []
    if "opening_times" not in g:
        try:
            g.opening_times = opening_hours.opening_times(clinic_time.today())
        except SQLAlchemyError as error:
            # The page may be the one saying a query failed (a 500): it must not fail as well.
            log.warning("opening hours left out: %s", type(error).__name__)
            g.opening_times = []
    return g.opening_times


def as_template_context():
    return {
        "clinic": {
            "name": NAME,
            "address_lines": ADDRESS_LINES,
            "phone": PHONE,
            "phone_e164": PHONE_E164,
            "email": EMAIL,
            "opening_times": opening_times,
        }
    }
