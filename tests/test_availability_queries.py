from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from clinic.extensions import db
from clinic.models import ConsultationType, Practitioner
from clinic.scheduling.service import find_slots
from tests.conftest import local_start
from tests.factories import BookingFactory


@contextmanager
def counted_queries():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


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
        with counted_queries() as statements:
            slots = find_slots(consultation_type, None, schedule.day, schedule.day + timedelta(days=27))

    assert slots
    assert len(statements) == 3, statements
