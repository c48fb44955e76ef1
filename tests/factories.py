"""factory_boy factories; use them inside `with app.app_context():`."""

import secrets
from datetime import date, time, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from clinic.extensions import db
from clinic.models import (
    Booking,
    ConsultationType,
    Enquiry,
    MediaItem,
    Practitioner,
    Testimonial,
    WaitlistEntry,
    WorkingHours,
)
from clinic.models.scheduling import IN_CLINIC
from tests.support.clinic_days import bookable_day, local_start

STANDARD_DAY = [(time(9), time(13)), (time(14), time(18))]


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - resolved per app context
        sqlalchemy_session_persistence = "commit"


class TestimonialFactory(BaseFactory):
    class Meta:
        model = Testimonial

    headline = factory.Sequence(lambda n: f"Testimonial headline {n}")
    body = "The consultation was clear about what SMP could and could not do."
    attribution = factory.Sequence(lambda n: f"Patient {n}")
    treatment = "SMP, crown"
    given_on = date(2026, 5, 1)
    is_sample = False
    published = True


class MediaItemFactory(BaseFactory):
    class Meta:
        model = MediaItem

    outlet = factory.Sequence(lambda n: f"Outlet {n}")
    title = factory.Sequence(lambda n: f"Feature {n}")
    summary = "A feature about scalp micropigmentation."
    url = None
    published_on = date(2026, 4, 1)
    is_sample = False
    published = True


class ConsultationTypeFactory(BaseFactory):
    class Meta:
        model = ConsultationType

    name = factory.Sequence(lambda n: f"Consultation type {n}")
    description = ""
    duration_minutes = 30
    mode = IN_CLINIC
    active = True
    position = factory.Sequence(int)


class PractitionerFactory(BaseFactory):
    """A practitioner working 9am-1pm and 2pm-6pm, Monday to Saturday, unless `week` says otherwise."""

    class Meta:
        model = Practitioner

    name = factory.Sequence(lambda n: f"Practitioner {n}")
    bio = "Sample practitioner."
    active = True

    @factory.post_generation
    def week(self, create, extracted, **kwargs):
        week = extracted if extracted is not None else {day: STANDARD_DAY for day in range(6)}
        self.hours = [
            WorkingHours(weekday=day, start_time=start, end_time=end)
            for day, intervals in week.items()
            for start, end in intervals
        ]
        if create:
            db.session.commit()


def existing_or_new(model, id_param, new_factory):
    """The `model` row whose id the caller gave as `id_param`, else a new one from `new_factory`."""
    return factory.Maybe(
        id_param,
        yes_declaration=factory.LazyAttribute(lambda o: db.session.get(model, getattr(o, id_param))),
        no_declaration=factory.SubFactory(new_factory),
    )


class BookingFactory(BaseFactory):
    """A live booking placed directly, without the availability check (for arranging tests).

    Give `type_id` and `practitioner_id` (or `type` and `practitioner`) to book existing ones;
    otherwise a consultation type and a practitioner are made for it. It starts at 10am on
    the next bookable day unless `starts_at` says otherwise.
    """

    class Meta:
        model = Booking

    class Params:
        type_id = None
        practitioner_id = None

    type = existing_or_new(ConsultationType, "type_id", ConsultationTypeFactory)
    practitioner = existing_or_new(Practitioner, "practitioner_id", PractitionerFactory)
    starts_at = factory.LazyFunction(lambda: local_start(bookable_day(), 10))
    reference = factory.Sequence(lambda n: f"BKG-T{n:05d}")
    manage_key = factory.LazyFunction(lambda: secrets.token_hex(16))
    full_name = "Jordan Ellis"
    email = "jordan.ellis@gmail.com"
    phone = "+447911123456"
    concern = "crown"
    pattern_stage = "norwood_3"
    notes = ""
    adult_confirmed = True
    status = "booked"
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=o.type.duration_minutes))
    blocked_until = factory.LazyAttribute(lambda o: o.ends_at + timedelta(minutes=10))


class EnquiryFactory(BaseFactory):
    """An enquiry saved directly, without its consents, photos or emails (for arranging tests)."""

    class Meta:
        model = Enquiry

    reference = factory.Sequence(lambda n: f"ENQ-T{n:05d}")
    full_name = "Alex Morgan"
    email = "alex.morgan@gmail.com"
    phone = "+447700900123"
    preferred_contact = "email"
    concern = "hairline"
    hoped_result = "buzz_cut"
    message = "I would like to know whether SMP would suit my receding hairline."
    status = "new"


class WaitlistEntryFactory(BaseFactory):
    """A patient waiting for any day's time, saved directly, for the consultation type
    `type_id` (or a new one)."""

    class Meta:
        model = WaitlistEntry

    class Params:
        type_id = None

    type = existing_or_new(ConsultationType, "type_id", ConsultationTypeFactory)
    reference = factory.Sequence(lambda n: f"WL-T{n:05d}")
    manage_key = factory.LazyFunction(lambda: secrets.token_hex(16))
    weekdays = "0123456"
    full_name = "Sam Okoro"
    email = "sam.okoro@gmail.com"
    phone = "+447911123456"
    concern = "crown"
    pattern_stage = "not_sure"
