"""`flask --app wsgi send-reminders`: one reminder per live booking starting in 24 to 48 hours."""

import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from clinic.clinic_time import format_start, parse_start
from clinic.extensions import db
from clinic.models import Booking
from clinic.models.types import utcnow
from tests.support.bookings import place

LONDON = ZoneInfo("Europe/London")
PATIENT = "jordan.ellis@gmail.com"


def half_past(hours_ahead):
    """Half past the hour, within half an hour of `hours_ahead` hours from now."""
    moment = utcnow() + timedelta(hours=hours_ahead)
    return moment.replace(minute=30, second=0, microsecond=0)


def spoken(moment):
    """How the emails say a half-past time: Tuesday 1 December 2026 at 9:30am."""
    local = moment.astimezone(LONDON)
    clock = f"{local.hour % 12 or 12}:30{'am' if local.hour < 12 else 'pm'}"
    return f"{local:%A} {local.day} {local:%B %Y} at {clock}"


def send_reminders(runner):
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def reminders(mail_sink):
    return [message for message in mail_sink.messages if message.subject.startswith("Reminder")]


def test_only_live_bookings_starting_in_24_to_48_hours_are_reminded(app, runner, schedule, mail_sink):
    start = half_past(30)
    place(app, start, schedule.in_clinic, schedule.first)
    place(app, half_past(10), schedule.in_clinic, schedule.first, email="amara.okafor@gmail.com")
    place(app, half_past(50), schedule.in_clinic, schedule.first, email="tom.hughes@gmail.com")
    place(app, start, schedule.in_clinic, schedule.second, email="li.wei@gmail.com", status="cancelled")

    output = send_reminders(runner)

    assert "reminders: 1 queued, 1 sent, 0 failed" in output
    [reminder] = mail_sink.messages
    assert reminder.rcpt_tos == [PATIENT]
    assert reminder.subject == f"Reminder: your consultation on {spoken(start)}"
    assert spoken(start) in reminder.text and spoken(start) in reminder.html
    assert start.astimezone(LONDON).tzname() in reminder.text
    assert "Sam Adeyemi" in reminder.text and "14 Harley Mews" in reminder.text
    assert re.search(r"http://clinic\.example\.com/booking/\S+", reminder.text)


def test_running_again_sends_nothing_more(app, runner, schedule, mail_sink):
    place(app, half_past(30), schedule.in_clinic, schedule.first)
    place(app, half_past(40), schedule.in_clinic, schedule.second, email="amara.okafor@gmail.com")
    send_reminders(runner)
    assert len(mail_sink.messages) == 2

    for _ in range(2):
        assert "reminders: 0 queued, 0 sent" in send_reminders(runner)

    assert len(mail_sink.messages) == 2


@pytest.mark.parametrize(
    "hours_ahead, reminded",
    [(-2, False), (12, False), (23, False), (25, True), (36, True), (47, True), (49, False), (72, False)],
)
def test_the_reminder_window(app, runner, schedule, mail_sink, hours_ahead, reminded):
    place(app, half_past(hours_ahead), schedule.in_clinic, schedule.first)

    send_reminders(runner)

    assert len(mail_sink.to(PATIENT)) == (1 if reminded else 0)


def test_the_link_in_a_reminder_opens_the_booking(app, runner, client, schedule, mail_sink):
    booking = place(app, half_past(30), schedule.in_clinic, schedule.first)

    send_reminders(runner)

    [reminder] = mail_sink.messages
    assert f"http://clinic.example.com/booking/{booking.token}" in reminder.text
    assert client.get(f"/booking/{booking.token}").status_code == 200


def free_slot_from(client, where, hours_ahead):
    """The first free slot starting at least `hours_ahead` hours from now, as the JSON lists it."""
    earliest = utcnow() + timedelta(hours=hours_ahead)
    first_day = earliest.astimezone(LONDON).date()
    for day in (first_day, first_day + timedelta(days=1)):
        slots = client.get(
            f"/book/slots?type={where.type}&practitioner={where.practitioner}&date={day.isoformat()}"
        ).get_json()["slots"]
        for slot in slots:
            if parse_start(slot["start"]) >= earliest:
                return slot
    raise AssertionError(f"no free slot {hours_ahead} hours ahead")


def confirmed_hours_ago(app, booking_id, hours):
    """As if the patient had been sent the booking's time `hours` ago."""
    with app.app_context():
        db.session.get(Booking, booking_id).confirmed_at = utcnow() - timedelta(hours=hours)
        db.session.commit()


def long_date(day: date):
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.mark.parametrize(
    "moved_to_hours, hours_since_move, reminded_again",
    [(40, 25, True), (60, 25, False), (40, 0, False)],
    ids=["due-again", "not-yet-due", "move-confirmation-is-fresh"],
)
def test_a_moved_booking_is_reminded_for_its_new_time(
    app, runner, client, around_the_clock, mail_sink, moved_to_hours, hours_since_move, reminded_again
):
    first_start = half_past(30)
    placed = place(app, first_start, around_the_clock.type, around_the_clock.practitioner)
    send_reminders(runner)
    assert [spoken(first_start) in message.text for message in reminders(mail_sink)] == [True]
    slot = free_slot_from(client, around_the_clock, moved_to_hours)
    new_start = parse_start(slot["start"])

    moved = client.post(
        f"/booking/{placed.token}/move/confirm",
        data={"start": format_start(new_start), "practitioner": around_the_clock.practitioner},
    )
    confirmed_hours_ago(app, placed.id, hours_since_move)
    output = send_reminders(runner)

    assert moved.status_code == 303
    with app.app_context():
        booking = db.session.get(Booking, placed.id)
        assert booking.starts_at == new_start
        assert (booking.reminder_queued_at is not None) == reminded_again
    if reminded_again:
        assert "reminders: 1 queued, 1 sent" in output
        latest = reminders(mail_sink)[-1]
        assert long_date(new_start.astimezone(LONDON).date()) in latest.text
        assert f" at {slot['time']} " in latest.text
        assert spoken(first_start) not in latest.text
        new_token = moved.headers["Location"].rpartition("/")[2]
        assert new_token in latest.text
    else:
        assert "reminders: 0 queued" in output
    assert len(reminders(mail_sink)) == (2 if reminded_again else 1)
    assert "reminders: 0 queued" in send_reminders(runner)
