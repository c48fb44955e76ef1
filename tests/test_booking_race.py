"""Many patients submit the same slot at the same instant, through a real server."""

import threading
from functools import partial

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clinic.extensions import db
from clinic.models import Booking, ConsultationType, Practitioner
from clinic.timefmt import format_start
from tests.conftest import local_start
from tests.factories import BookingFactory
from tests.support.server import AppServer, filled_booking_form

PATIENTS = 20


@pytest.fixture
def server(app, database_url, mail_sink, tmp_path):
    running = AppServer(
        database_url, mail_sink.port, tmp_path / "uploads", BOOKING_RATE_LIMIT="1000 per minute"
    )
    yield running.wait_until_up()
    running.stop()


def race(server, schedule, start, practitioner):
    choice = {"type": schedule.in_clinic, "practitioner": practitioner, "start": format_start(start)}
    sessions = [requests.Session() for _ in range(PATIENTS)]
    forms = [filled_booking_form(session, server.url, choice, n) for n, session in enumerate(sessions)]
    barrier = threading.Barrier(PATIENTS)
    statuses = [None] * PATIENTS

    def submit(number):
        barrier.wait()
        response = sessions[number].post(
            f"{server.url}/book/details", data=forms[number], allow_redirects=False, timeout=60
        )
        statuses[number] = (response.status_code, "just taken" in response.text)

    threads = [threading.Thread(target=submit, args=(number,)) for number in range(PATIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def live_bookings(app):
    with app.app_context():
        return db.session.scalars(select(Booking).where(Booking.status == "booked")).all()


def test_twenty_patients_racing_for_one_practitioners_slot_make_one_booking(app, schedule, server, mail_sink):
    start = local_start(schedule.day, 10)

    statuses = race(server, schedule, start, schedule.first)

    assert statuses.count((303, False)) == 1
    assert statuses.count((409, True)) == PATIENTS - 1
    [booking] = live_bookings(app)
    assert (booking.starts_at, booking.practitioner_id) == (start, schedule.first)
    assert len(mail_sink.to(booking.email)) == 1


def test_racing_for_any_practitioner_fills_each_diary_once(app, schedule, server):
    start = local_start(schedule.day, 14)

    statuses = race(server, schedule, start, "any")

    assert statuses.count((303, False)) == 2
    assert statuses.count((409, True)) == PATIENTS - 2
    assert sorted(b.practitioner_id for b in live_bookings(app)) == [schedule.first, schedule.second]


def test_the_database_itself_refuses_a_second_live_booking_at_the_same_start(app, schedule):
    start = local_start(schedule.day, 9)
    with app.app_context():
        place = partial(
            BookingFactory,
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=db.session.get(Practitioner, schedule.first),
        )
        place(starts_at=start, status="cancelled")
        place(starts_at=start)
        with pytest.raises(IntegrityError):
            place(starts_at=start)
        db.session.rollback()
        place(starts_at=start, status="cancelled")


def test_postgresql_refuses_overlapping_live_bookings(app, schedule, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("exclusion constraints are PostgreSQL's; SQLite relies on BEGIN IMMEDIATE")
    with app.app_context():
        place = partial(
            BookingFactory,
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=db.session.get(Practitioner, schedule.first),
        )
        place(starts_at=local_start(schedule.day, 9))
        with pytest.raises(IntegrityError, match="ex_bookings_no_overlap"):
            place(starts_at=local_start(schedule.day, 9, 15))
        db.session.rollback()
        place(starts_at=local_start(schedule.day, 9, 40))  # after 9:30 plus the 10-minute buffer
