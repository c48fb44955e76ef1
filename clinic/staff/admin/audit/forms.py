"""The audit log's filter form."""

from wtforms import DateField, Form, IntegerField, SelectField, ValidationError
from wtforms.validators import NumberRange, Optional

from clinic.forms.validators import SaneDate
from clinic.models.staff import RecordType
from clinic.models.types import MAX_ID
from clinic.staff.admin.audit import queries


class AuditFilterForm(Form):
    """Read from the query string (a GET form, so no CSRF token); every field may be left empty."""

    actor = SelectField("Who", default="")
    action = SelectField("Action", default="")
    record_type = SelectField("Record type", default="")
    record_id = IntegerField(
        "Record number",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_ID, message=f"Enter a record number from 1 to {MAX_ID}."),
        ],
    )
    date_from = DateField("From", validators=[Optional(), SaneDate()])
    date_to = DateField("To", validators=[Optional(), SaneDate()])

    def set_choices(self):
        self.actor.choices = [("", "Anyone"), (queries.UNKNOWN_ACTOR, "Unknown (not signed in)")] + [
            (str(user.id), f"{user.name} ({user.role}{'' if user.active else ', inactive'})")
            for user in queries.accounts()
        ]
        self.action.choices = [("", "Any action")] + [(action, action) for action in queries.actions()]
        self.record_type.choices = [("", "Any record")] + [
            (value, RecordType.label_of(value)) for value in queries.record_types()
        ]
        return self

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date must be on or after the start date.")

    def criteria(self):
        return {
            "actor": self.actor.data or None,
            "action": self.action.data or None,
            "record_type": self.record_type.data or None,
            "record_id": self.record_id.data,
            "date_from": self.date_from.data,
            "date_to": self.date_to.data,
        }
