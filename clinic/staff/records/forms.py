"""Forms on the enquiry and booking detail pages."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField
from wtforms.validators import DataRequired

from clinic.booking.video_fields import meeting_link_field
from clinic.forms import choices, patient_fields
from clinic.forms.submission_keys import SubmissionKeyField
from clinic.models.booking import OUTCOME_LABELS
from clinic.models.enquiry import EnquiryStatus

NOBODY = ""


class StatusForm(FlaskForm):
    status = SelectField(
        "Set the status to",
        choices=choices.select_choices(EnquiryStatus.choices()),
        invalid_choice_message="Choose a status.",
    )


class NoteForm(FlaskForm):
    body = patient_fields.free_text_field(
        "Add a note", max_length=5000, required_message="Write the note before adding it."
    )


class AssignForm(FlaskForm):
    practitioner = SelectField("Practitioner", invalid_choice_message="Choose a practitioner.")

    def __init__(self, practitioners, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.practitioner.choices = choices.select_choices(
            [(NOBODY, "Not assigned"), *((str(p.id), p.name) for p in practitioners)]
        )

    @property
    def practitioner_id(self):
        return int(self.practitioner.data) if self.practitioner.data != NOBODY else None


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        choices=choices.select_choices(OUTCOME_LABELS.items()), invalid_choice_message="Choose an outcome."
    )


class VideoLinkForm(FlaskForm):
    link = meeting_link_field(
        "Link to join the video call", required_message="Paste the link to the video meeting."
    )


class StaffBookingForm(SubmissionKeyField, FlaskForm):
    """Reception books an enquirer in while on the phone with them: what the
    enquiry lacks for a booking, and what the patient confirmed by phone."""

    type = HiddenField()
    practitioner = HiddenField()
    start = HiddenField()
    phone = patient_fields.phone_field(
        required_message="Ask the patient for a phone number: bookings need one."
    )
    adult_confirmed = BooleanField(
        "The patient has confirmed they are 18 or over",
        validators=[DataRequired("Ask the patient to confirm they are 18 or over: SMP is a tattoo.")],
    )
    consent_by_phone = BooleanField(
        "The patient agreed to this by phone",
        validators=[
            DataRequired(
                "Read the consent to the patient and tick this once they agree; without it we cannot book."
            )
        ],
    )
