"""The forms for staff accounts. The practitioners an account may link to are passed in by the
view, so each form checks answers against what the page offered."""

from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField
from wtforms.validators import DataRequired, Length

from clinic.forms import choices
from clinic.forms.validators import NoControlCharacters, NormalisedEmail, strip_whitespace
from clinic.models.staff import Role
from clinic.staff.admin.fields import name_field

ROLE_CHOICES = [
    (Role.RECEPTION, "Reception: enquiries, bookings and every day list"),
    (Role.PRACTITIONER, "Practitioner: their own day list"),
    (Role.ADMIN, "Admin: everything, including this admin area"),
]
NEW_PRACTITIONER = "new"


def _role_field():
    return RadioField(
        "Role", choices=choices.select_choices(ROLE_CHOICES), invalid_choice_message="Choose a role."
    )


def _practitioner_field():
    return SelectField(
        "Practitioner record",
        default=NEW_PRACTITIONER,
        invalid_choice_message="Choose a practitioner from the list.",
    )


class PractitionerLink:
    """For forms with `role` and `practitioner` fields: a practitioner account is linked
    to an existing practitioner, or to a new one in the account's name."""

    def offer_practitioners(self, practitioners):
        self.practitioner.choices = choices.select_choices(
            [
                (NEW_PRACTITIONER, "A new practitioner with this account's name"),
                *((str(p.id), p.name) for p in practitioners),
            ]
        )
        self._practitioners = {str(p.id): p for p in practitioners}

    def linked_practitioner(self):
        """The chosen practitioner, or None for a new one (and for roles other than practitioner)."""
        if self.role.data != Role.PRACTITIONER:
            return None
        return self._practitioners.get(self.practitioner.data)


class NewAccountForm(PractitionerLink, FlaskForm):
    name = name_field("Full name", "Enter the person's name.")
    email = EmailField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Enter their email address."),
            Length(max=254, message="That email address is too long."),
            NoControlCharacters(),
            NormalisedEmail(),
        ],
    )
    role = _role_field()
    practitioner = _practitioner_field()

    def __init__(self, practitioners, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_practitioners(practitioners)


class RoleForm(PractitionerLink, FlaskForm):
    role = _role_field()
    practitioner = _practitioner_field()

    def __init__(self, user, practitioners, **kwargs):
        linked = str(user.practitioner_id) if user.practitioner_id else NEW_PRACTITIONER
        super().__init__(data={"role": user.role, "practitioner": linked}, **kwargs)
        self.offer_practitioners(practitioners)
