"""The clinic's own details, shown in the footer, on /visit and in emails."""

import logging

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from clinic.models.types import utcnow
from clinic.scheduling import opening_hours
from clinic.timefmt import to_local

log = logging.getLogger(__name__)

NAME = "Hairline SMP Clinic"
ADDRESS_LINES = ("14 Harley Mews", "London", "W1G 8PT")
PHONE = "020 7946 0321"
PHONE_E164 = "+442079460321"
EMAIL = "hello@hairline-clinic.co.uk"


def opening_times():
    """The opening hours, from the data that makes the booking times; read once per
    request, and only by a template that shows them."""
    if "opening_times" not in g:
        try:
            g.opening_times = opening_hours.opening_times(to_local(utcnow()).date())
        except SQLAlchemyError as error:
            # The page may be the one saying the database failed: it must not fail as well.
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
