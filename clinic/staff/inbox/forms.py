from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SearchField, SelectField
from wtforms.validators import Length, Optional, ValidationError

from clinic.booking import video
from clinic.forms import choices
from clinic.forms.validators import NoControlCharacters, SaneDate, strip_whitespace
from clinic.staff.inbox.queries import KINDS, STATUS_LABELS, Filters

# An empty value means "any"; it is also what a filter left out of the URL reads as.
UNFILTERED = {"default": "", "invalid_choice_message": "Choose one of the options in the list."}


def options(any_label, pairs):
    return choices.select_choices([("", any_label), *pairs])


class InboxFilterForm(FlaskForm):
    """The inbox's filters, read from the query string. A field that does not validate
    shows its message and is left out of the filters."""

    class Meta:
        # A GET that only reads: no token, so a filtered list can be bookmarked.
        csrf = False

    q = SearchField(
        "Search by name, email, phone or reference",
        filters=[strip_whitespace],
        validators=[
            Length(max=100, message="Keep the search to 100 characters or fewer."),
            NoControlCharacters(),
        ],
    )
    kind = SelectField("Show", choices=options("Enquiries and bookings", KINDS), **UNFILTERED)
    status = SelectField("Status", choices=options("Any status", STATUS_LABELS.items()), **UNFILTERED)
    concern = SelectField("Area of concern", choices=options("Any area", choices.CONCERNS), **UNFILTERED)
    practitioner = SelectField("Practitioner", choices=[], **UNFILTERED)
    date_from = DateField("Received from", validators=[Optional(), SaneDate()])
    date_to = DateField("Received to", validators=[Optional(), SaneDate()])
    emails_failed = BooleanField("Emails failed")
    video_link_needed = BooleanField(video.LINK_NEEDED)

    def __init__(self, formdata, practitioners):
        super().__init__(formdata)
        self.practitioner.choices = options(
            "Any practitioner", [(str(practitioner.id), practitioner.name) for practitioner in practitioners]
        )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Choose an end date on or after the start date.")

    def filters(self):
        def valid(field):
            return None if field.errors else field.data or None

        practitioner = valid(self.practitioner)
        return Filters(
            kind=valid(self.kind) or "",
            status=valid(self.status) or "",
            concern=valid(self.concern) or "",
            practitioner_id=int(practitioner) if practitioner else None,
            date_from=valid(self.date_from),
            date_to=valid(self.date_to),
            q=valid(self.q) or "",
            emails_failed=self.emails_failed.data,
            video_link_needed=self.video_link_needed.data,
        )
