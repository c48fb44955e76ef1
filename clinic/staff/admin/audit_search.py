"""Reading the audit log: the filter form, and the query it makes (newest first, a page at a time)."""

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased, joinedload
from wtforms import DateField, Form, IntegerField, SelectField, ValidationError
from wtforms.validators import NumberRange, Optional

from clinic.clinic_time import local_day_bounds, to_local
from clinic.extensions import db
from clinic.forms.validators import SaneDate
from clinic.models import AuditEntry, StaffUser
from clinic.models.types import MAX_ID
from clinic.web import pagination

PER_PAGE = 100
# Entries written when nobody was signed in: failed sign-ins.
UNKNOWN_ACTOR = "unknown"
RECORD_TYPES = {
    "booking": "Booking",
    "enquiry": "Enquiry",
    "photo": "Photo",
    "practitioner": "Practitioner",
    "staff_user": "Staff account",
}


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
        self.actor.choices = [("", "Anyone"), (UNKNOWN_ACTOR, "Unknown (not signed in)")] + [
            (str(user.id), f"{user.name} ({user.role}{'' if user.active else ', inactive'})")
            for user in db.session.scalars(select(StaffUser).order_by(StaffUser.name))
        ]
        self.action.choices = [("", "Any action")] + [
            (action, action)
            for action in db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
        ]
        self.record_type.choices = [("", "Any record")] + [
            (value, record_type_label(value))
            for value in db.session.scalars(
                select(AuditEntry.record_type)
                .where(AuditEntry.record_type.is_not(None))
                .distinct()
                .order_by(AuditEntry.record_type)
            )
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


@dataclass
class AuditRow:
    entry: AuditEntry
    # The account's name when the record is a staff account, e.g. whose sign-in failed.
    record_name: str | None


def find_entries(
    *, actor=None, action=None, record_type=None, record_id=None, date_from=None, date_to=None, page=1
):
    """One page of entries matching every criterion given. actor is a staff user id or UNKNOWN_ACTOR;
    date_from and date_to are clinic-time dates, both included."""
    conditions = []
    if actor == UNKNOWN_ACTOR:
        conditions.append(AuditEntry.actor_id.is_(None))
    elif actor is not None:
        conditions.append(AuditEntry.actor_id == int(actor))
    if action:
        conditions.append(AuditEntry.action == action)
    if record_type:
        conditions.append(AuditEntry.record_type == record_type)
    if record_id is not None:
        conditions.append(AuditEntry.record_id == record_id)
    if date_from:
        conditions.append(AuditEntry.at >= local_day_bounds(date_from, date_from)[0])
    if date_to:
        conditions.append(AuditEntry.at < local_day_bounds(date_to, date_to)[1])

    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    page = pagination.page_number(page, total, PER_PAGE)
    record_account = aliased(StaffUser)
    statement = (
        select(AuditEntry, record_account.name)
        .outerjoin(
            record_account,
            and_(AuditEntry.record_type == "staff_user", AuditEntry.record_id == record_account.id),
        )
        .options(joinedload(AuditEntry.actor))
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    results = db.session.execute(pagination.cut(statement, page, PER_PAGE)).all()
    return pagination.Page([AuditRow(entry, name) for entry, name in results], page, total, PER_PAGE)


def record_type_label(value):
    return RECORD_TYPES.get(value, (value or "").replace("_", " ").capitalize())


def timestamp(moment):
    """Clinic time to the second, with the zone: 1 Dec 2026, 09:30:15 GMT."""
    local = to_local(moment)
    return f"{local.day} {local:%b %Y, %H:%M:%S} {local.tzname()}"
