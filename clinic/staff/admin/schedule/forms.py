"""The schedule's forms: practitioners, working hours, closures, consultation types. Choices that
come from the database (practitioners) are passed in by the view, so each form checks answers
against what the page offered."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from clinic.booking.video_fields import meeting_link_field
from clinic.forms import choices, patient_fields
from clinic.forms.validators import NoControlCharacters, SaneDate, strip_whitespace
from clinic.models.scheduling import IN_CLINIC, VIDEO
from clinic.models.types import utcnow
from clinic.staff.admin.fields import name_field
from clinic.staff.admin.schedule import queries
from clinic.staff.admin.schedule.periods import closure_span, describe_interval

MODE_CHOICES = [(IN_CLINIC, "In the clinic"), (VIDEO, "By video call")]
WHOLE_CLINIC = "clinic"
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]  # browsers send seconds when a step asks for them


class PractitionerForm(FlaskForm):
    name = name_field("Name", "Enter the practitioner's name.")
    bio = patient_fields.free_text_field("Short introduction for patients (optional)", max_length=2000)
    active = BooleanField("Active: patients can book them", default=True)
    meeting_link = meeting_link_field("Their own video meeting link (optional)")

    def values(self):
        return {
            "name": self.name.data,
            "bio": self.bio.data or "",
            "active": self.active.data,
            "meeting_link": self.meeting_link.data,
        }


class HoursForm(FlaskForm):
    weekday = SelectField(
        "Day",
        choices=choices.select_choices(choices.WEEKDAYS),
        coerce=int,
        invalid_choice_message="Choose a day of the week.",
    )
    start = TimeField(
        "Starts at",
        format=TIME_FORMATS,
        invalid_value_message="Enter the start time, like 09:00.",
        validators=[DataRequired("Enter the start time, like 09:00.")],
    )
    end = TimeField(
        "Ends at",
        format=TIME_FORMATS,
        invalid_value_message="Enter the end time, like 13:00.",
        validators=[DataRequired("Enter the end time, like 13:00.")],
    )

    def __init__(self, practitioner, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._practitioner = practitioner

    def validate_end(self, field):
        if self.start.data is None or field.data is None:
            return
        if field.data <= self.start.data:
            raise ValidationError("The end time must be later than the start time.")
        clash = queries.overlapping_interval(
            self._practitioner, self.weekday.data, self.start.data, field.data
        )
        if clash is not None:
            existing = describe_interval(clash.weekday, clash.start_time, clash.end_time)
            raise ValidationError(
                f"This overlaps {existing}. Choose times outside it, or remove that interval first."
            )


class ClosureForm(FlaskForm):
    scope = SelectField("Who is away", invalid_choice_message="Choose the whole clinic or one practitioner.")
    start_day = DateField(
        "First day",
        invalid_value_message="Enter the first day, like 2027-06-01.",
        validators=[DataRequired("Enter the first day, like 2027-06-01."), SaneDate()],
    )
    start_time = TimeField(
        "From (optional)",
        format=TIME_FORMATS,
        invalid_value_message="Enter a time like 13:00, or leave it empty.",
        validators=[Optional()],
    )
    end_day = DateField(
        "Last day (optional)",
        invalid_value_message="Enter the last day, like 2027-06-03, or leave it empty.",
        validators=[Optional(), SaneDate()],
    )
    end_time = TimeField(
        "Until (optional)",
        format=TIME_FORMATS,
        invalid_value_message="Enter a time like 17:30, or leave it empty.",
        validators=[Optional()],
    )
    reason = StringField(
        "Reason (optional)",
        filters=[strip_whitespace],
        validators=[
            Length(max=120, message="Keep the reason to 120 characters or fewer."),
            NoControlCharacters(),
        ],
    )

    def __init__(self, practitioners, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope.choices = choices.select_choices(
            [(WHOLE_CLINIC, "The whole clinic"), *((str(p.id), p.name) for p in practitioners)]
        )
        self._practitioners = {str(p.id): p for p in practitioners}
        self.span = None

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        starts_at, ends_at = closure_span(
            self.start_day.data, self.start_time.data, self.end_day.data, self.end_time.data
        )
        if ends_at <= starts_at:
            self.end_day.errors.append("The closure must end after it starts.")
            return False
        if ends_at <= utcnow():
            self.end_day.errors.append("This closure would already be over. Check the dates.")
            return False
        self.span = (starts_at, ends_at)
        return True

    def practitioner(self):
        """The practitioner who is away, or None for the whole clinic."""
        return self._practitioners.get(self.scope.data)


class ConsultationTypeForm(FlaskForm):
    # The column holds 80 characters.
    name = name_field("Name", "Enter a name patients will recognise.", max_length=80)
    description = patient_fields.free_text_field("Description for patients (optional)", max_length=1000)
    duration_minutes = IntegerField(
        "Length in minutes",
        invalid_value_message="Enter the length in minutes, like 30.",
        validators=[
            DataRequired("Enter the length in minutes, like 30."),
            NumberRange(min=5, max=480, message="Enter a length from 5 to 480 minutes."),
        ],
    )
    mode = RadioField(
        "Where it happens",
        choices=choices.select_choices(MODE_CHOICES),
        invalid_choice_message="Choose in the clinic or by video call.",
    )
    active = BooleanField("Active: patients can book it", default=True)
    position = IntegerField(
        "Position in the list",
        default=0,
        invalid_value_message="Enter a whole number; lower comes first.",
        validators=[
            Optional(),
            NumberRange(min=0, max=999, message="Enter a number from 0 to 999; lower comes first."),
        ],
    )

    def values(self):
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "duration_minutes": self.duration_minutes.data,
            "mode": self.mode.data,
            "active": self.active.data,
            "position": self.position.data or 0,
        }
