"""The clinic's own details, shown in the footer, on /visit and in emails."""

from flask import g

from clinic import database_outage
from clinic.models.types import utcnow
from clinic.scheduling import opening_hours
from clinic.timefmt import to_local

NAME = "Hairline SMP Clinic"
ADDRESS_LINES = ("14 Harley Mews", "London", "W1G 8PT")
PHONE = "020 7946 0321"
PHONE_E164 = "+442079460321"
EMAIL = "hello@hairline-clinic.co.uk"


def opening_times():
    """The opening hours, from the data that makes the booking times; read once per
    request, and only by a template that shows them. Empty on the page that says the
    database is unreachable, which must not ask it again."""
    if database_outage.connection_lost():
        return []
    if "opening_times" not in g:
        g.opening_times = opening_hours.opening_times(to_local(utcnow()).date())
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
