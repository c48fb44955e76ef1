from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.validators import DataRequired, ValidationError

from clinic.forms import choices, patient_fields
from clinic.forms.submission_keys import SubmissionKeyField
from clinic.photos.fields import PhotoFields
from clinic.web.altcha_challenge import ChallengeField

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


class EnquiryForm(SubmissionKeyField, PhotoFields, ChallengeField, FlaskForm):
    full_name = patient_fields.full_name_field("Enter your name so we know who to reply to.")
    email = patient_fields.email_field()
    phone = patient_fields.phone_field()
    preferred_contact = RadioField(
        "How should we contact you?",
        choices=choices.select_choices(choices.PREFERRED_CONTACT),
        invalid_choice_message="Choose how you would like us to contact you.",
    )
    concern = patient_fields.concern_field()
    hoped_result = RadioField(
        "What result are you hoping for?",
        choices=choices.select_choices(choices.HOPED_RESULTS),
        invalid_choice_message='Choose the result you hope for, or "Not sure yet".',
    )
    message = patient_fields.free_text_field(
        "Your question or message",
        max_length=5000,
        required_message="Tell us a little about what you would like to know.",
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
    website = patient_fields.honeypot_field()

    def validate_phone(self, field):
        if self.preferred_contact.data in {"phone", "either"} and not field.data:
            raise ValidationError("Add a phone number so we can call you, or choose email.")

    def is_spam(self):
        return bool(self.website.data)

    def enquiry_details(self):
        details = {name: getattr(self, name).data for name in ENQUIRY_FIELDS}
        details["heard_from"] = details["heard_from"] or None
        return details
