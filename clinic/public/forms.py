from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from clinic import choices
from clinic.photo_fields import PhotoFields
from clinic.validators import NoControlCharacters, NormalisedEmail, NormalisedPhone, strip_whitespace

ENQUIRY_FIELDS = (
    "full_name",
    "email",
    "phone",
    "preferred_contact",
    "concern",
    "hoped_result",
    "message",
    "heard_from",
)


class EnquiryForm(PhotoFields, FlaskForm):
    full_name = StringField(
        "Full name",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your name so we know who to reply to."),
            Length(max=120, message="Keep your name to 120 characters or fewer."),
            NoControlCharacters(),
        ],
    )
    email = EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=254, message="That email address is too long."),
            NoControlCharacters(),
            NormalisedEmail(),
        ],
    )
    phone = TelField(
        "Phone number (optional)",
        filters=[strip_whitespace],
        validators=[
            Length(max=30, message="That phone number is too long."),
            NoControlCharacters(),
            NormalisedPhone(),
        ],
    )
    preferred_contact = RadioField(
        "How should we contact you?",
        choices=choices.select_choices(choices.PREFERRED_CONTACT),
        invalid_choice_message="Choose how you would like us to contact you.",
    )
    concern = RadioField(
        "What is your main area of concern?",
        choices=choices.select_choices(choices.CONCERNS),
        invalid_choice_message="Choose the area that concerns you most.",
    )
    hoped_result = RadioField(
        "What result are you hoping for?",
        choices=choices.select_choices(choices.HOPED_RESULTS),
        invalid_choice_message='Choose the result you hope for, or "Not sure yet".',
    )
    message = TextAreaField(
        "Your question or message",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Tell us a little about what you would like to know."),
            Length(max=5000, message="Keep your message to 5,000 characters or fewer."),
            NoControlCharacters(allow_newlines=True),
        ],
    )
    heard_from = SelectField(
        "How did you hear about us? (optional)",
        choices=choices.select_choices([("", "Prefer not to say"), *choices.HEARD_FROM]),
        default="",
        invalid_choice_message="Choose one of the listed options.",
    )
    health_consent = BooleanField(
        validators=[DataRequired("We can only answer your enquiry with your consent to use these details.")],
    )
    marketing_opt_in = BooleanField()
    # Honeypot: hidden from people, filled in by form-filling bots.
    website = StringField("Leave this field empty")

    def validate_phone(self, field):
        if self.preferred_contact.data in {"phone", "either"} and not field.data:
            raise ValidationError("Add a phone number so we can call you, or choose email.")

    def is_spam(self):
        return bool(self.website.data)

    def enquiry_details(self):
        details = {name: getattr(self, name).data for name in ENQUIRY_FIELDS}
        details["heard_from"] = details["heard_from"] or None
        return details
