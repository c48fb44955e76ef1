from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from clinic import choices
from clinic.photo_fields import PhotoFields
from clinic.validators import NoControlCharacters, NormalisedEmail, NormalisedPhone, strip_whitespace

ANY = "any"


def type_choices(types):
    return choices.select_choices([(str(t.id), t.name) for t in types])


def practitioner_choices(practitioners):
    return choices.select_choices([(ANY, "Any practitioner"), *((str(p.id), p.name) for p in practitioners)])


class SearchForm(FlaskForm):
    """The no-JavaScript steps: type and practitioner, then a date (GET)."""

    class Meta:
        csrf = False

    type = RadioField("Type of consultation", invalid_choice_message="Choose a type of consultation.")
    practitioner = SelectField("Practitioner", default=ANY, invalid_choice_message="Choose a practitioner.")
    date = DateField("Date", validators=[])

    def practitioner_id(self):
        return None if self.practitioner.data in (None, "", ANY) else int(self.practitioner.data)


class PatientDetails:
    """Fields shared by the booking and waiting-list forms."""

    full_name = StringField(
        "Full name",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter your full name."),
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
        "Phone number",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter a phone number, in case we need to reach you on the day."),
            Length(max=30, message="That phone number is too long."),
            NoControlCharacters(),
            NormalisedPhone(),
        ],
    )
    concern = RadioField(
        "What is your main area of concern?",
        choices=choices.select_choices(choices.CONCERNS),
        invalid_choice_message="Choose the area that concerns you most.",
    )
    pattern_stage = RadioField(
        "Which best describes your hair loss?",
        choices=choices.select_choices(choices.PATTERN_STAGES),
        invalid_choice_message='Choose the description closest to your hair loss, or "Not sure".',
    )
    notes = TextAreaField(
        "Anything you would like us to know (optional)",
        filters=[strip_whitespace],
        validators=[
            Length(max=3000, message="Keep your notes to 3,000 characters or fewer."),
            NoControlCharacters(allow_newlines=True),
        ],
    )
    adult_confirmed = BooleanField(
        validators=[DataRequired("SMP is a tattoo, which UK law allows only from the age of 18.")]
    )
    health_consent = BooleanField(
        validators=[
            DataRequired("We can only book your consultation with your consent to use these details.")
        ]
    )
    marketing_opt_in = BooleanField()
    website = StringField("Leave this field empty")

    def patient_details(self):
        return {
            name: getattr(self, name).data
            for name in ("full_name", "email", "phone", "concern", "pattern_stage", "notes")
        }

    def is_spam(self):
        return bool(self.website.data)


class BookingForm(PhotoFields, PatientDetails, FlaskForm):
    type = HiddenField()
    practitioner = HiddenField()
    start = HiddenField()


class WaitlistForm(PatientDetails, FlaskForm):
    type = RadioField("Type of consultation", invalid_choice_message="Choose a type of consultation.")
    practitioner = SelectField("Practitioner", default=ANY, invalid_choice_message="Choose a practitioner.")
    weekdays = SelectMultipleField(
        "Which days suit you?",
        choices=choices.select_choices(choices.WEEKDAYS),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
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
            "practitioner_id": None if practitioner in (None, "", ANY) else int(practitioner),
            "weekdays": "".join(sorted(self.weekdays.data)),
            "part_of_day": self.part_of_day.data,
        }


class ConfirmForm(FlaskForm):
    """An empty POST with a CSRF token: cancelling or moving needs a deliberate click,
    so mail scanners that follow links change nothing."""
