"""Bank holidays are closed for booking, by the clinic's nation, unless the admin opens one.

The days are the coming bank holidays, found from today: in December 2026 the England and
Wales ones are 25 and 28 December 2026 and 1 January 2027, the days patients could book
before, and the Scotland-only one is Saturday 2 January 2027. The booking horizon is
stretched to a year so that each is bookable but for the rule.
"""

import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import select

from clinic import create_app
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import AuditEntry, Booking, HolidayOpening, OutboxMessage
from config import TestingConfig
from tests.support.bookings import move_to, place
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details
from tests.support.staff import STAFF_PASSWORD
from tests.support.waitlist import join, offers

ENGLAND = "england-and-wales"
SUBDIVISIONS = {ENGLAND: "ENG", "scotland": "SCT", "northern-ireland": "NIR"}
HORIZON_WEEKS = 56


@pytest.fixture
def nation():
    return ENGLAND


@pytest.fixture
def app_settings(app_settings, nation):
    return {**app_settings, "CLINIC_BANK_HOLIDAYS": nation, "BOOKING_HORIZON_WEEKS": HORIZON_WEEKS}


def coming_bank_holidays(nation, *, not_kept_in=None, weekdays=range(6)):
    """The nation's bank holidays from two days ahead (past the booking notice) for most of a
    year, on the given weekdays (the schedule works Monday to Saturday), soonest first."""
    first = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=2)
    last = first + timedelta(weeks=HORIZON_WEEKS - 2)
    years = range(first.year, last.year + 1)
    kept = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation], years=years)
    other = (
        holidays.country_holidays("GB", subdiv=SUBDIVISIONS[not_kept_in], years=years) if not_kept_in else {}
    )
    return [
        day for day in sorted(kept) if first <= day <= last and day.weekday() in weekdays and day not in other
    ]


# The first three from Monday to Friday; from December 2026: 25 and 28 December, 1 January.
WEEKDAY_HOLIDAYS = coming_bank_holidays(ENGLAND, weekdays=range(5))[:3]


def times_offered(client, schedule, day):
    """The starts /book/slots offers on that day for any practitioner."""
    answer = client.get(f"/book/slots?type={schedule.in_clinic}&practitioner=any&date={day.isoformat()}")
    assert answer.status_code == 200
    return [slot["start"] for slot in answer.get_json()["slots"]]


def times_page(client, schedule, day):
    return client.get(
        f"/book/times?type={schedule.in_clinic}&practitioner=any&week={day.isoformat()}&date={day.isoformat()}"
    ).get_data(as_text=True)


def radio_starts(page):
    return re.findall(r'name="start"[^>]*value="([^"]+)"', page)


def bookings(app):
    with app.app_context():
        return db.session.scalars(select(Booking)).all()


def audit_actions(app):
    with app.app_context():
        return db.session.scalars(select(AuditEntry.action)).all()


@pytest.mark.parametrize("day", WEEKDAY_HOLIDAYS, ids=str)
def test_a_bank_holiday_offers_no_times_and_refuses_a_booking(app, client, schedule, day):
    next_day = day + timedelta(days=1)
    while next_day in coming_bank_holidays(ENGLAND) or next_day.weekday() == 6:
        next_day += timedelta(days=1)

    assert times_offered(client, schedule, day) == []
    page = times_page(client, schedule, day)
    assert radio_starts(page) == []
    assert "There are no free times on that date." in page
    assert f'data-date="{day.isoformat()}"' not in page  # the calendar's chip: "No times"
    assert f'data-date="{next_day.isoformat()}"' in page

    ten = local_start(day, 10)
    details_link = f"/book/details?type={schedule.in_clinic}&practitioner=any&start={format_start(ten)}"
    assert client.get(details_link).status_code == 302
    response = client.post("/book/details", data=booking_details(schedule.in_clinic, ten))
    assert response.status_code == 409
    assert bookings(app) == []
    # The working day after it is open as usual.
    assert format_start(local_start(next_day, 10)) in times_offered(client, schedule, next_day)


@pytest.mark.parametrize("nation", ["scotland", "northern-ireland"])
def test_a_nation_closes_its_own_bank_holidays(client, schedule, nation):
    day = coming_bank_holidays(nation, not_kept_in=ENGLAND)[0]

    assert times_offered(client, schedule, day) == []


@pytest.mark.parametrize("other_nation", ["scotland", "northern-ireland"])
def test_england_and_wales_keeps_other_nations_bank_holidays_open(client, schedule, other_nation):
    day = coming_bank_holidays(other_nation, not_kept_in=ENGLAND)[0]

    assert format_start(local_start(day, 10)) in times_offered(client, schedule, day)


@pytest.mark.parametrize("nation", ["none"])
def test_none_keeps_every_bank_holiday_open(app, client, schedule, nation):
    for day in WEEKDAY_HOLIDAYS:
        assert format_start(local_start(day, 10)) in times_offered(client, schedule, day)

    ten = local_start(WEEKDAY_HOLIDAYS[0], 10)
    response = client.post("/book/details", data=booking_details(schedule.in_clinic, ten))
    assert response.status_code == 303
    assert len(bookings(app)) == 1


def test_an_unknown_nation_is_refused_at_start_up(app_settings):
    with pytest.raises(RuntimeError, match="CLINIC_BANK_HOLIDAYS must be one of england-and-wales, scotland"):
        create_app(TestingConfig, {**app_settings, "CLINIC_BANK_HOLIDAYS": "wales"})


@pytest.mark.slow
def test_an_unknown_nation_in_the_environment_stops_the_app(tmp_path):
    environment = {**os.environ, "CLINIC_ENV": "testing", "CLINIC_BANK_HOLIDAYS": "Cornwall"}
    environment.pop("DATABASE_URL", None)
    started = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "routes"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert started.returncode != 0
    assert "CLINIC_BANK_HOLIDAYS must be one of england-and-wales, scotland, northern-ireland, none" in (
        started.stderr
    )
    assert "'cornwall'" in started.stderr


# ---------- The admin's exceptions ----------


def closures_page(admin):
    response = admin.get("/staff/admin/closures")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def holiday_row(page, day):
    """The text of the bank holidays table's row for that day."""
    long_day = f"{day:%A} {day.day} {day:%B %Y}"
    row = re.search(rf"<tr>\s*<th scope=\"row\">{long_day}</th>(.*?)</tr>", page, re.S)
    assert row, long_day
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1))).strip()


def test_the_admin_opens_a_bank_holiday_and_closes_it_again(app, client, schedule, as_role):
    admin = as_role("admin")
    day = WEEKDAY_HOLIDAYS[0]
    ten = local_start(day, 10)
    assert "Closed (bank holiday)" in holiday_row(closures_page(admin), day)

    response = admin.post(f"/staff/admin/closures/bank-holidays/{day.isoformat()}/open")

    assert response.status_code == 303
    assert "Open as an exception" in holiday_row(closures_page(admin), day)
    assert format_start(ten) in times_offered(client, schedule, day)
    assert format_start(ten) in radio_starts(times_page(client, schedule, day))
    assert client.post("/book/details", data=booking_details(schedule.in_clinic, ten)).status_code == 303

    response = admin.post(
        f"/staff/admin/closures/bank-holidays/{day.isoformat()}/close", follow_redirects=True
    )

    page = response.get_data(as_text=True)
    assert "Booked consultations on that day: 1." in page
    assert "Closed (bank holiday)" in holiday_row(page, day)
    assert times_offered(client, schedule, day) == []
    assert (
        client.post(
            "/book/details", data=booking_details(schedule.in_clinic, ten + timedelta(hours=1))
        ).status_code
        == 409
    )
    assert audit_actions(app).count("opened bank holiday") == 1
    assert audit_actions(app).count("closed bank holiday") == 1


def test_opening_twice_opens_once(app, as_role, schedule):
    admin = as_role("admin")
    day = WEEKDAY_HOLIDAYS[0]
    for _ in range(2):
        assert admin.post(f"/staff/admin/closures/bank-holidays/{day.isoformat()}/open").status_code == 303

    with app.app_context():
        assert db.session.scalars(select(HolidayOpening.day)).all() == [day]
    assert audit_actions(app).count("opened bank holiday") == 1


def test_only_a_coming_bank_holiday_can_be_opened(app, as_role, schedule):
    admin = as_role("admin")
    ordinary_day = WEEKDAY_HOLIDAYS[0] - timedelta(days=1)
    last_year = date(WEEKDAY_HOLIDAYS[0].year - 1, 12, 25)

    for day in (ordinary_day.isoformat(), last_year.isoformat(), "not-a-date"):
        assert admin.post(f"/staff/admin/closures/bank-holidays/{day}/open").status_code == 404
    assert (
        as_role("reception")
        .post(f"/staff/admin/closures/bank-holidays/{WEEKDAY_HOLIDAYS[0].isoformat()}/open")
        .status_code
        == 403
    )
    with app.app_context():
        assert db.session.scalars(select(HolidayOpening)).all() == []


def test_opening_needs_the_pages_csrf_token(csrf_app, staff, schedule):
    client = csrf_app.test_client()
    login_page = client.get("/staff/login").get_data(as_text=True)
    sign_in(client, staff.admin.email, csrf_token=token_in(login_page))
    url = f"/staff/admin/closures/bank-holidays/{WEEKDAY_HOLIDAYS[0].isoformat()}/open"

    assert client.post(url).status_code == 400
    page = client.get("/staff/admin/closures").get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token_in(page)}).status_code == 303
    with csrf_app.app_context():
        assert db.session.scalars(select(HolidayOpening.day)).all() == [WEEKDAY_HOLIDAYS[0]]


def token_in(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in(client, email, csrf_token):
    response = client.post(
        "/staff/login", data={"email": email, "password": STAFF_PASSWORD, "csrf_token": csrf_token}
    )
    assert response.status_code == 303


# ---------- Everything else that offers or accepts times ----------


def test_a_booking_cannot_be_moved_onto_a_bank_holiday(app, client, schedule):
    ten = local_start(schedule.day, 10)
    booking = place(app, ten, schedule.in_clinic, schedule.first)

    response = move_to(client, booking.token, local_start(WEEKDAY_HOLIDAYS[0], 10), schedule.first)

    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/booking/{booking.token}/move?")
    with app.app_context():
        assert db.session.get(Booking, booking.id).starts_at == ten


def test_a_time_freed_on_a_bank_holiday_is_offered_to_nobody(app, client, schedule, mail_sink):
    """A booking on a bank holiday (made while the admin had it open, say) is cancelled: the
    waiting list is offered nothing, as nobody could book the time. No offer is even queued
    (the outbox would withdraw it at sending by the same rule)."""
    day = WEEKDAY_HOLIDAYS[0]
    booking = place(app, local_start(day, 10), schedule.in_clinic, schedule.first)
    join(client, schedule, email="li.wei@gmail.com", weekdays=[str(day.weekday())])

    assert client.post(f"/booking/{booking.token}/cancel").status_code == 303
    assert offers(mail_sink, "li.wei@gmail.com") == []
    with app.app_context():
        assert (
            db.session.scalars(select(OutboxMessage).where(OutboxMessage.offer_start.is_not(None))).all()
            == []
        )
