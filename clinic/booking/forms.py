from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from clinic.booking.selection import ANY_PRACTITIONER
from clinic.forms import choices, patient_fields
from clinic.forms.submission_keys import SubmissionKeyField
from clinic.photos.fields import PhotoFields
from clinic.web.altcha_challenge import ChallengeField


def type_choices(types):
    return choices.select_choices([(str(t.id), t.name) for t in types])


def practitioner_choices(practitioners):
    return choices.select_choices(
        [(ANY_PRACTITIONER, "Any practitioner"), *((str(p.id), p.name) for p in practitioners)]
    )


class PatientDetails(ChallengeField):
    """Fields shared by the booking and waiting-list forms, the proof of work among them."""

    full_name = patient_fields.full_name_field()
    email = patient_fields.email_field()
    phone = patient_fields.phone_field(
        required_message="Enter a phone number, in case we need to reach you on the day."
    )
    concern = patient_fields.concern_field()
    pattern_stage = RadioField(
        "Which best describes your hair loss?",
        choices=choices.select_choices(choices.PATTERN_STAGES),
        invalid_choice_message='Choose the description closest to your hair loss, or "Not sure".',
    )
    notes = patient_fields.free_text_field("Anything you would like us to know (optional)", max_length=3000)
    adult_confirmed = BooleanField(
        validators=[DataRequired("SMP is a tattoo, which UK law allows only from the age of 18.")]
    )
    health_consent = BooleanField(
        validators=[
            DataRequired("We can only book your consultation with your consent to use these details.")
        ]
    )
    marketing_opt_in = BooleanField()
    website = patient_fields.honeypot_field()

    def patient_details(self):
        return {
            name: getattr(self, name).data
            for name in ("full_name", "email", "phone", "concern", "pattern_stage", "notes")
        }

    def is_spam(self):
        return bool(self.website.data)


class BookingForm(SubmissionKeyField, PhotoFields, PatientDetails, FlaskForm):
    type = HiddenField()
    practitioner = HiddenField()
    start = HiddenField()


class WaitlistForm(PatientDetails, FlaskForm):
    type = RadioField("Type of consultation", invalid_choice_message="Choose a type of consultation.")
    practitioner = SelectField(
        "Practitioner", default=ANY_PRACTITIONER, invalid_choice_message="Choose a practitioner."
    )
    weekdays = SelectMultipleField(
        "Which days suit you?",
        choices=choices.select_choices(choices.WEEKDAYS),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        invalid_choice_message="Choose days from the list.",
    )
    part_of_day = RadioField(
        "What time of day suits you?",
        choices=choices.select_choices(choices.PARTS_OF_DAY),
        default="any",
        invalid_choice_message="Choose a time of day.",
    )

    def validate_weekdays(self, field):
        if not field.data:
            raise ValidationError("Choose at least one day.")

    def entry_details(self):
        practitioner = self.practitioner.data
        return {
            **self.patient_details(),
            "type_id": int(self.type.data),
            "practitioner_id": None if practitioner in (None, "", ANY_PRACTITIONER) else int(practitioner),
            # A day sent twice is still one day, and the column holds each day once.
            "weekdays": "".join(sorted(set(self.weekdays.data))),
            "part_of_day": self.part_of_day.data,
        }
