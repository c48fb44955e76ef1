"""The meeting-link field of the admin's practitioner form and reception's booking record."""

from wtforms import URLField
from wtforms.validators import DataRequired, Optional, ValidationError

from clinic.booking import video
from clinic.forms.validators import strip_whitespace


def meeting_link_field(label, *, required_message=None):
    """Optional (an empty answer is None) unless required_message is given."""
    first = DataRequired(required_message) if required_message else Optional()
    return URLField(label, filters=[strip_whitespace, _none_if_empty], validators=[first, _meeting_link])


def _none_if_empty(value):
    return value or None


def _meeting_link(form, field):
    problem = video.link_problem(field.data)
    if problem:
        raise ValidationError(problem)
