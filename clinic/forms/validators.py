"""WTForms validators shared by the patient forms; each normalises what it accepts."""

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from wtforms.validators import ValidationError

from clinic.clinic_time import SANE_YEARS

DEFAULT_PHONE_REGION = "GB"


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


class NormalisedEmail:
    """Accepts a well-formed address and stores its normalised form."""

    def __call__(self, form, field):
        try:
            # allow_smtputf8=False: a non-ASCII local part cannot be sent through Flask-Mail/smtplib.
            result = validate_email(field.data or "", check_deliverability=False, allow_smtputf8=False)
        except EmailNotValidError:
            raise ValidationError("Enter an email address in the form name@example.co.uk.") from None
        field.data = result.normalized


class NormalisedPhone:
    """Accepts UK numbers as written locally, or international ones with +, stored as E.164."""

    def __call__(self, form, field):
        if not field.data:
            field.data = None
            return
        try:
            number = phonenumbers.parse(field.data, DEFAULT_PHONE_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise ValidationError("Enter a phone number we can call, like 07911 123456 or +44 20 7946 0321.")
        field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164):
    """A stored E.164 number the way a caller in the UK would dial it."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, None)
    if number.country_code == 44:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class NoControlCharacters:
    """Rejects invisible control characters, which no one types on purpose.

    They could otherwise split an email header, corrupt a CSV export, or be
    refused by PostgreSQL (NUL) after the patient has pressed send.
    """

    def __init__(self, allow_newlines=False):
        allowed = {"\n", "\r", "\t"} if allow_newlines else set()
        self.forbidden = {chr(code) for code in [*range(32), 127]} - allowed

    def __call__(self, form, field):
        if isinstance(field.data, str) and any(char in self.forbidden for char in field.data):
            raise ValidationError("Remove the hidden control characters from this answer.")


class SaneDate:
    """Refuses dates in far-off years, whose day arithmetic would run off the calendar."""

    def __init__(self, message="Enter a date between the years 2000 and 2999."):
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and field.data.year not in SANE_YEARS:
            raise ValidationError(self.message)
