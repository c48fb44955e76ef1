"""Many patients submit the same or overlapping times at the same instant, through a real server.

Racing for one start only tests the partial unique index; racing for starts 15
minutes apart (a 30-minute consultation) tests the lock itself (BEGIN IMMEDIATE
on SQLite, the practitioner's row lock and the exclusion constraint on PostgreSQL).
"""

from functools import partial

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from clinic.booking.tokens import offer_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Booking
from tests.factories import BookingFactory, WaitlistEntryFactory
from tests.support.bookings import place
from tests.support.clinic_days import local_start
from tests.support.server import (
    at_once,
    filled_booking_form,
    hidden_fields,
    signed_in_staff,
)
from tests.support.staff import STAFF_PASSWORD

PATIENTS = 20


def race(server, schedule, start, practitioner, *, patients=PATIENTS, others=()):
    """`patients` patients book `start` (a start, or one start per patient) at the same
    instant, while each of `others` (a (session, url, form) POST) is sent too. Returns
    the patients' (status, "just taken" shown) and the others' responses."""
    starts = start if isinstance(start, list) else [start] * patients
    sessions = [requests.Session() for _ in starts]
    forms = [
        filled_booking_form(
            session,
            server.url,
            {"type": schedule.in_clinic, "practitioner": practitioner, "start": format_start(when)},
            n,
        )
        for n, (session, when) in enumerate(zip(sessions, starts, strict=True))
    ]
    posts = [
        (session, f"{server.url}/book/details", form) for session, form in zip(sessions, forms, strict=True)
    ]
    responses = at_once([*posts, *others])
    statuses = [(response.status_code, "just taken" in response.text) for response in responses[: len(posts)]]
    return statuses, responses[len(posts) :]


def overlapping_live_bookings(app):
    """Pairs of one practitioner's live bookings whose blocked times overlap: never any."""
    with app.app_context():
        first, second = aliased(Booking), aliased(Booking)
        return db.session.execute(
            select(first.reference, second.reference).where(
                first.id < second.id,
                first.practitioner_id == second.practitioner_id,
                first.status == "booked",
                second.status == "booked",
                first.starts_at < second.blocked_until,
                second.starts_at < first.blocked_until,
            )
        ).all()


def live_bookings(app):
    with app.app_context():
        return db.session.scalars(select(Booking).where(Booking.status == "booked")).all()


def test_twenty_patients_racing_for_one_practitioners_slot_make_one_booking(app, schedule, server, mail_sink):
    start = local_start(schedule.day, 10)

    statuses, _ = race(server, schedule, start, schedule.first)

    assert statuses.count((303, False)) == 1
    assert statuses.count((409, True)) == PATIENTS - 1
    [booking] = live_bookings(app)
    assert (booking.starts_at, booking.practitioner_id) == (start, schedule.first)
    assert len(mail_sink.to(booking.email)) == 1


def test_racing_for_any_practitioner_fills_each_diary_once(app, schedule, server):
    start = local_start(schedule.day, 14)

    statuses, _ = race(server, schedule, start, "any")

    assert statuses.count((303, False)) == 2
    assert statuses.count((409, True)) == PATIENTS - 2
    assert sorted(b.practitioner_id for b in live_bookings(app)) == [schedule.first, schedule.second]


def test_patients_racing_for_overlapping_starts_make_one_booking(app, schedule, server):
    # A 30-minute consultation at 10:00 blocks 10:15; the unique start index cannot tell.
    starts = [local_start(schedule.day, 10), local_start(schedule.day, 10, 15)] * (PATIENTS // 2)

    statuses, _ = race(server, schedule, starts, schedule.first)

    assert statuses.count((303, False)) == 1
    assert statuses.count((409, True)) == PATIENTS - 1
    assert len(live_bookings(app)) == 1
    assert overlapping_live_bookings(app) == []


def test_two_patients_asking_for_anyone_at_one_time_get_different_practitioners(app, schedule, server):
    statuses, _ = race(server, schedule, local_start(schedule.day, 11), "any", patients=2)

    assert statuses == [(303, False), (303, False)]
    assert sorted(b.practitioner_id for b in live_bookings(app)) == [schedule.first, schedule.second]


def test_a_staff_move_racing_patients_for_an_overlapping_time_leaves_one_holder(app, schedule, staff, server):
    moving_id = place(app, local_start(schedule.day, 9), schedule.in_clinic, schedule.first).id
    target = local_start(schedule.day, 15)
    reception = signed_in_staff(server, staff.reception.email, STAFF_PASSWORD)
    move_url = f"{server.url}/staff/bookings/{moving_id}/move/confirm"
    page = reception.get(move_url, params={"start": format_start(target)}, timeout=60).text
    move = {**hidden_fields(page), "start": format_start(target), "practitioner": schedule.first}

    statuses, [moved] = race(
        server,
        schedule,
        local_start(schedule.day, 15, 15),
        schedule.first,
        patients=9,
        others=[(reception, move_url, move)],
    )

    assert moved.status_code == 303
    assert overlapping_live_bookings(app) == []
    with app.app_context():
        moved_there = db.session.get(Booking, moving_id).starts_at == target
    assert statuses.count((303, False)) == (0 if moved_there else 1)
    assert len(live_bookings(app)) == (1 if moved_there else 2)


def test_a_waitlist_claim_racing_patients_for_an_overlapping_time_leaves_one_holder(app, schedule, server):
    target = local_start(schedule.day, 15)
    with app.app_context():
        entry = WaitlistEntryFactory(type_id=schedule.in_clinic)
        claim_url = f"{server.url}/waitlist/offer/{offer_token(entry, target, schedule.first)}"
    claimant = requests.Session()
    claim = hidden_fields(claimant.get(claim_url, timeout=60).text)

    statuses, [claimed] = race(
        server,
        schedule,
        local_start(schedule.day, 15, 15),
        schedule.first,
        patients=9,
        others=[(claimant, claim_url, claim)],
    )

    assert overlapping_live_bookings(app) == []
    [holder] = live_bookings(app)
    if claimed.status_code == 303:
        assert (holder.source, holder.starts_at) == ("waitlist", target)
        assert statuses.count((409, True)) == 9
    else:
        assert claimed.status_code == 409
        assert statuses.count((303, False)) == 1


def test_the_database_itself_refuses_a_second_live_booking_at_the_same_start(app, schedule):
    start = local_start(schedule.day, 9)
    with app.app_context():
        book = partial(BookingFactory, type_id=schedule.in_clinic, practitioner_id=schedule.first)
        book(starts_at=start, status="cancelled")
        book(starts_at=start)
        with pytest.raises(IntegrityError):
            book(starts_at=start)
        db.session.rollback()
        book(starts_at=start, status="cancelled")


def test_postgresql_refuses_overlapping_live_bookings(app, schedule, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("exclusion constraints are PostgreSQL's; SQLite relies on BEGIN IMMEDIATE")
    with app.app_context():
        book = partial(BookingFactory, type_id=schedule.in_clinic, practitioner_id=schedule.first)
        book(starts_at=local_start(schedule.day, 9))
        with pytest.raises(IntegrityError, match="ex_bookings_no_overlap"):
            book(starts_at=local_start(schedule.day, 9, 15))
        db.session.rollback()
        book(starts_at=local_start(schedule.day, 9, 40))  # after 9:30 plus the 10-minute buffer
