"""The clinic's own details, shown in the footer, on /visit and in emails."""

from dataclasses import dataclass


@dataclass(frozen=True)
class OpeningTimes:
    days: str
    hours: str


NAME = "Hairline SMP Clinic"
ADDRESS_LINES = ("14 Harley Mews", "London", "W1G 8PT")
PHONE = "020 7946 0321"
PHONE_E164 = "+442079460321"
EMAIL = "hello@hairline-clinic.co.uk"

OPENING_TIMES = (
    OpeningTimes("Monday to Friday", "9am to 6pm"),
    OpeningTimes("Saturday", "10am to 2pm"),
    OpeningTimes("Sunday and bank holidays", "Closed"),
)


def as_template_context():
    return {
        "clinic": {
            "name": NAME,
            "address_lines": ADDRESS_LINES,
            "phone": PHONE,
            "phone_e164": PHONE_E164,
            "email": EMAIL,
            "opening_times": OPENING_TIMES,
        }
    }
