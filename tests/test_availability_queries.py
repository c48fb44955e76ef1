from datetime import timedelta

import pytest

from clinic.extensions import db
from clinic.models import ConsultationType, Practitioner
from clinic.scheduling.queries import find_slots
from tests.factories import BookingFactory
from tests.support.clinic_days import local_start
from tests.support.queries import counted_queries


@pytest.mark.parametrize("booked_days", [0, 1, 20])
def test_four_weeks_of_any_practitioner_slots_take_three_queries(app, schedule, booked_days):
    with app.app_context():
        consultation_type = db.session.get(ConsultationType, schedule.in_clinic)
        for offset in range(booked_days):
            BookingFactory(
                type=consultation_type,
                practitioner=db.session.get(Practitioner, schedule.first),
                starts_at=local_start(schedule.day + timedelta(days=offset), 10),
            )
        db.session.refresh(consultation_type)  # the factories' commits expired it
        with counted_queries(app) as statements:
            slots = find_slots(consultation_type, None, schedule.day, schedule.day + timedelta(days=27))

    assert slots
    assert len(statements) == 3, statements
