"""Form fields every patient form asks the same way, with the same checks and messages."""

from wtforms import EmailField, RadioField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length

from clinic.forms import choices
from clinic.forms.validators import NoControlCharacters, NormalisedEmail, NormalisedPhone, strip_whitespace


def full_name_field(missing_message="Enter your full name."):
    return StringField(
        "Full name",
        filters=[strip_whitespace],
        validators=[
            DataRequired(missing_message),
            Length(max=120, message="Keep your name to 120 characters or fewer."),
            NoControlCharacters(),
        ],
    )


def email_field():
    return EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="That email address is too long."),
            NoControlCharacters(),
            NormalisedEmail(),
        ],
    )


def phone_field(*, required_message=None):
    """Optional unless required_message is given; NormalisedPhone turns an empty answer into None."""
    checks = [
        Length(max=30, message="That phone number is too long."),
        NoControlCharacters(),
        NormalisedPhone(),
    ]
    if required_message:
        checks.insert(0, DataRequired(required_message))
    return TelField(
        "Phone number" if required_message else "Phone number (optional)",
        filters=[strip_whitespace],
        validators=checks,
    )


def concern_field():
    return RadioField(
        "What is your main area of concern?",
        choices=choices.select_choices(choices.CONCERNS),
        invalid_choice_message="Choose the area that concerns you most.",
    )


def free_text_field(label, *, max_length, required_message=None):
    checks = [
        Length(max=max_length, message=f"Keep this to {max_length:,} characters or fewer."),
        NoControlCharacters(allow_newlines=True),
    ]
    if required_message:
        checks.insert(0, DataRequired(required_message))
    return TextAreaField(label, filters=[strip_whitespace], validators=checks)


def honeypot_field():
    # Hidden from people by CSS; form-filling bots fill it in.
    return StringField("Leave this field empty")
