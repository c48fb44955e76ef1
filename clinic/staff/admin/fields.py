"""A field the admin's forms of every concern share."""

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from clinic.forms.validators import NoControlCharacters, strip_whitespace


def name_field(label, missing_message, max_length=120):
    return StringField(
        label,
        filters=[strip_whitespace],
        validators=[
            DataRequired(missing_message),
            Length(max=max_length, message=f"Keep the name to {max_length} characters or fewer."),
            NoControlCharacters(),
        ],
    )
