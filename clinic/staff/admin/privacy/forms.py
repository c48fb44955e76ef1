"""The privacy page's forms: an address to export, an address to check for erasure, and the
erasure itself, confirmed."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField
from wtforms.validators import DataRequired, Length

from clinic.forms.validators import NoControlCharacters, NormalisedEmail, strip_whitespace

_EMAIL_CHECKS = [
    DataRequired("Enter the person's email address."),
    Length(max=254, message="That email address is too long."),
    NoControlCharacters(),
    NormalisedEmail(),
]


# Both forms of the index page have an "email" field; their ids must differ.
class ExportForm(FlaskForm):
    email = EmailField(
        "Email address", id="export-email", filters=[strip_whitespace], validators=_EMAIL_CHECKS
    )


class EraseRequestForm(FlaskForm):
    email = EmailField(
        "Email address", id="erase-email", filters=[strip_whitespace], validators=_EMAIL_CHECKS
    )


class EraseForm(FlaskForm):
    email = HiddenField(filters=[strip_whitespace], validators=_EMAIL_CHECKS)
    confirm = BooleanField(
        "I have checked that this request comes from this person, and that the clinic need not keep these "
        "records.",
        validators=[DataRequired("Confirm that you have checked the request.")],
    )
