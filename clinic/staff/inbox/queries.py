"""Reception's list of enquiries and bookings, filtered, searched, counted and paged in SQL.

Both tables are read through one UNION ALL of two selects with the same
columns, so sorting, paging and counting stay in the database however many
rows there are; nothing here loads the whole list into Python.
"""

import io
import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from sqlalchemy import Boolean, String, false, func, literal, null, or_, select, type_coerce, union_all

from clinic import clinic_time
from clinic.booking import video
from clinic.clinic_time import local_day_bounds
from clinic.extensions import db
from clinic.forms import choices
from clinic.forms.validators import DEFAULT_PHONE_REGION, display_phone
from clinic.models import Booking, Enquiry, OutboxMessage, Practitioner
from clinic.models.booking import BookingStatus
from clinic.models.enquiry import EnquiryStatus
from clinic.models.outbox import OutboxStatus
from clinic.models.types import UTCDateTime
from clinic.web import pagination, spreadsheets

ENQUIRY, BOOKING = "enquiry", "booking"
KINDS = [(ENQUIRY, "Enquiries"), (BOOKING, "Bookings")]
STATUSES = {ENQUIRY: list(EnquiryStatus), BOOKING: list(BookingStatus)}
# Both kinds say "Booked" for "booked", so one mapping labels either kind's status.
STATUS_LABELS = dict(EnquiryStatus.choices()) | dict(BookingStatus.choices())
PAGE_SIZE = 50
CSV_HEADER = [
    "reference",
    "kind",
    "received",
    "name",
    "email",
    "phone",
    "status",
    "concern",
    "practitioner",
    "appointment",
]
PHONE_LIKE = re.compile(r"[\d\s+().-]+")
MIN_PHONE_DIGITS = 4
# The outbox column naming each kind's record, for the "emails failed" filter.
EMAIL_RECORD_COLUMNS = {Enquiry: OutboxMessage.enquiry_id, Booking: OutboxMessage.booking_id}


@dataclass(frozen=True)
class Filters:
    """What reception asked for; empty values mean "any"."""

    kind: str = ""
    status: str = ""
    concern: str = ""
    practitioner_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    emails_failed: bool = False
    video_link_needed: bool = False

    def as_args(self, **changes):
        """URL query arguments for these filters, so links keep them; `changes` override some."""
        args = {
            "kind": self.kind,
            "status": self.status,
            "concern": self.concern,
            "practitioner": self.practitioner_id,
            "date_from": self.date_from and self.date_from.isoformat(),
            "date_to": self.date_to and self.date_to.isoformat(),
            "q": self.q,
            "emails_failed": "y" if self.emails_failed else None,
            "video_link_needed": "y" if self.video_link_needed else None,
        }
        args.update(changes)
        return {name: value for name, value in args.items() if value not in (None, "")}

    @property
    def narrowed(self):
        return bool(self.as_args())


class Counts:
    """Rows per kind and status for the filters without their status."""

    def __init__(self, pairs):
        self.by_kind_status = {(kind, status): n for kind, status, n in pairs}

    def get(self, kind, status):
        return self.by_kind_status.get((kind, status), 0)

    @property
    def total(self):
        return sum(self.by_kind_status.values())

    def matching(self, filters):
        """How many rows the filters select, status included."""
        if not filters.status:
            return self.total
        return sum(n for (_, status), n in self.by_kind_status.items() if status == filters.status)


def practitioners():
    """Everyone who may appear in the list, inactive practitioners too: old bookings name them."""
    statement = select(Practitioner).order_by(Practitioner.active.desc(), Practitioner.name)
    return db.session.scalars(statement).all()


def count(filters):
    # Each table grouped on its own, then the two small results joined: grouping the
    # union of every row's columns took three times as long on 100,000 enquiries,
    # while this reads only the status index when nothing narrows the list.
    counted = [
        select(literal(kind, String).label("kind"), model.status, func.count())
        .where(*_conditions(model, practitioner_column, filters, with_status=False))
        .group_by(model.status)
        for kind, model, practitioner_column, _ in _sources(filters)
    ]
    return Counts(db.session.execute(union_all(*counted)).all())


def page(filters, counts, number):
    """One page of rows, newest first; a number past the end shows the last page."""
    total = counts.matching(filters)
    number = pagination.page_number(number, total, PAGE_SIZE)
    if total == 0:
        return pagination.Page([], number, 0, PAGE_SIZE)
    rows = db.session.execute(pagination.cut(_listing(filters), number, PAGE_SIZE)).all()
    return pagination.Page(rows, number, total, PAGE_SIZE)


def csv_chunks(filters, batch=500):
    """The export as text chunks: a header, then every matching row, fetched in batches."""
    buffer = io.StringIO()
    writer = spreadsheets.writer(buffer)
    # A byte-order mark lets Excel read names with accents as UTF-8.
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADER)
    result = db.session.execute(_listing(filters).execution_options(yield_per=batch))
    for written, row in enumerate(result, start=1):
        writer.writerow([spreadsheets.text_cell(cell) for cell in _csv_cells(row)])
        if written % batch == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def status_label(status):
    return STATUS_LABELS.get(status, status)


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_cells(row):
    return [
        row.reference,
        row.kind,
        _iso_local(row.created_at),
        row.name,
        row.email,
        display_phone(row.phone),
        status_label(row.status),
        choices.label(choices.CONCERNS, row.concern),
        row.practitioner or "",
        _iso_local(row.starts_at),
    ]


def _iso_local(moment):
    return clinic_time.to_local(moment).isoformat(timespec="minutes") if moment else ""


def _listing(filters):
    rows = _union(filters, with_status=True)
    return (
        select(rows, Practitioner.name.label("practitioner"))
        .outerjoin(Practitioner, Practitioner.id == rows.c.practitioner_id)
        .order_by(rows.c.created_at.desc(), rows.c.id.desc(), rows.c.kind)
    )


def _sources(filters):
    """(kind, model, practitioner column, start column) for each kind the filters allow."""
    return [
        source
        for source in (
            (ENQUIRY, Enquiry, Enquiry.assigned_practitioner_id, type_coerce(null(), UTCDateTime)),
            (BOOKING, Booking, Booking.practitioner_id, Booking.starts_at),
        )
        if filters.kind in ("", source[0])
    ]


def _union(filters, *, with_status):
    """Both kinds as one subquery with the columns kind, id, reference, created_at, name,
    email, phone, status, concern, practitioner_id, starts_at and video_link_needed."""
    selects = [
        select(
            literal(kind, String).label("kind"),
            model.id,
            model.reference,
            model.created_at,
            model.full_name.label("name"),
            model.email,
            model.phone,
            model.status,
            model.concern,
            practitioner_column.label("practitioner_id"),
            starts_at.label("starts_at"),
            type_coerce(_video_link_needed(model), Boolean).label("video_link_needed"),
        ).where(*_conditions(model, practitioner_column, filters, with_status))
        for kind, model, practitioner_column, starts_at in _sources(filters)
    ]
    return union_all(*selects).subquery("inbox_rows")


def _conditions(model, practitioner_column, filters, with_status):
    conditions = []
    if with_status and filters.status:
        conditions.append(model.status == filters.status)
    if filters.concern:
        conditions.append(model.concern == filters.concern)
    if filters.practitioner_id:
        conditions.append(practitioner_column == filters.practitioner_id)
    if filters.date_from:
        conditions.append(model.created_at >= local_day_bounds(filters.date_from, filters.date_from)[0])
    if filters.date_to:
        conditions.append(model.created_at < local_day_bounds(filters.date_to, filters.date_to)[1])
    if filters.q:
        conditions.append(_search(model, filters.q))
    if filters.emails_failed:
        # Few emails ever fail, so the status index finds them and the list is small.
        owner = EMAIL_RECORD_COLUMNS[model]
        conditions.append(model.id.in_(select(owner).where(OutboxMessage.status == OutboxStatus.FAILED)))
    if filters.video_link_needed:
        conditions.append(_video_link_needed(model))
    return conditions


def _video_link_needed(model):
    """Only bookings can need a video link."""
    return video.needs_link_clause() if model is Booking else false()


def video_links_needed():
    """How many bookings need a video link: the inbox prompts reception to send them."""
    return db.session.scalar(select(func.count()).select_from(Booking).where(video.needs_link_clause()))


def _search(model, query):
    conditions = [
        model.full_name.icontains(query, autoescape=True),
        model.email.icontains(query, autoescape=True),
        model.reference.icontains(query, autoescape=True),
    ]
    conditions += [model.phone.contains(digits, autoescape=True) for digits in phone_digits(query)]
    return or_(*conditions)


def phone_digits(query):
    """Digit strings to look for in stored E.164 numbers ("+447911123456") when the query
    looks like a phone number as people write it: "07911 123456", "+44 7911", "123456"."""
    if not PHONE_LIKE.fullmatch(query):
        return []
    digits = re.sub(r"\D", "", query)
    if len(digits) < MIN_PHONE_DIGITS:
        return []
    candidates = {digits}
    try:
        number = phonenumbers.parse(query, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        candidates.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])
    elif digits.startswith("00"):
        candidates.add(digits[2:])
    elif digits.startswith("0"):
        # Part of a UK number written with its trunk 0, stored after +44.
        candidates.add("44" + digits[1:])
    return sorted(candidates)
