"""The opening hours on the site are made from the working hours that make the booking
times, so what the footer and /visit say is what patients can book."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from clinic.clinic_time import parse_start, wall_clock
from clinic.scheduling.opening_hours import describe_week
from tests.support.patients import enquiry_form

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# The schedule fixture: two practitioners, 9am to 1pm and 2pm to 6pm, Monday to Saturday.
SCHEDULE_ROWS = [("Monday to Saturday", "9am to 6pm"), ("Sunday", "Closed")]


@pytest.fixture
def app_settings(app_settings):
    # A page served from the cache is up to PAGE_CACHE_SECONDS old (tests/test_page_cache.py);
    # here every request renders, so a change shows on the next page.
    return {**app_settings, "PAGE_CACHE_SECONDS": 0}


def footer_rows(client, path="/"):
    page = client.get(path).get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]
    return [tuple(row) for row in re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", footer)]


def visit_rows(client):
    page = client.get("/visit").get_data(as_text=True)
    table = page[page.index('<table class="hours-table">') : page.index("</table>")]
    return [tuple(row) for row in re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', table)]


def england_bank_holidays():
    this_year = datetime.now(LONDON).year
    return holidays.country_holidays("GB", subdiv="ENG", years=[this_year, this_year + 1])


def next_bank_holiday(after=None):
    """The next England bank holiday from today, or after a given day."""
    first = after + timedelta(days=1) if after else datetime.now(LONDON).date()
    return min(day for day in england_bank_holidays() if day >= first)


def long_date(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


def bank_holiday_row(day):
    return ("Bank holidays", f"Closed (next: {long_date(day)})")


def test_the_footer_and_visit_show_the_practitioners_hours(client, schedule):
    expected = [*SCHEDULE_ROWS, bank_holiday_row(next_bank_holiday())]

    assert footer_rows(client) == expected
    assert footer_rows(client, "/book") == expected
    assert visit_rows(client) == expected


def test_changed_hours_show_on_the_next_page(app, client, schedule, as_role):
    admin = as_role("admin")
    for weekday, start, end in [(6, "10:00", "14:00"), (0, "07:30", "09:00")]:
        response = admin.post(
            f"/staff/admin/practitioners/{schedule.first}/hours",
            data={"weekday": str(weekday), "start": start, "end": end},
        )
        assert response.status_code == 303

    expected = [
        ("Monday", "7:30am to 6pm"),
        ("Tuesday to Saturday", "9am to 6pm"),
        ("Sunday", "10am to 2pm"),
        bank_holiday_row(next_bank_holiday()),
    ]
    assert footer_rows(client) == expected
    assert visit_rows(client) == expected


def test_an_inactive_practitioners_hours_are_not_shown(client, schedule, as_role):
    admin = as_role("admin")
    admin.post(
        f"/staff/admin/practitioners/{schedule.first}/hours",
        data={"weekday": "6", "start": "10:00", "end": "14:00"},
    )
    response = admin.post(
        f"/staff/admin/practitioners/{schedule.first}",
        data={"name": "Sam Adeyemi", "bio": "", "meeting_link": ""},  # "active" left unticked
    )
    assert response.status_code == 303

    assert footer_rows(client)[:2] == SCHEDULE_ROWS


def test_the_hours_shown_are_the_times_offered(client, schedule):
    """Each day of the coming week: the first time offered starts when the row for its weekday
    says the clinic opens, and the last one ends when it closes; a closed day offers none."""
    shown = dict(hours_by_weekday(visit_rows(client)))
    bank_holidays = england_bank_holidays()
    for offset in range(7):
        day = schedule.day + timedelta(days=offset)
        answer = client.get(
            f"/book/slots?type={schedule.in_clinic}&practitioner=any&date={day.isoformat()}"
        ).get_json()
        slots = answer["slots"]
        if day in bank_holidays:  # the row "Bank holidays: Closed" covers it
            assert slots == [], day
            continue
        last_end = parse_start(slots[-1]["end"]).astimezone(LONDON) if slots else None
        offered = f"{slots[0]['time']} to {wall_clock(last_end)}" if slots else "Closed"
        assert shown[day.weekday()] == offered, day


def hours_by_weekday(rows):
    """(weekday number, hours) for each weekday a row like "Monday to Friday" covers."""
    for days, hours in rows:
        names = re.split(r" to | and ", days)
        if names[0] not in WEEKDAYS:
            continue
        first, last = WEEKDAYS.index(names[0]), WEEKDAYS.index(names[-1])
        for weekday in range(first, last + 1):
            yield weekday, hours


def test_an_opened_bank_holiday_is_not_the_next_closed_one(client, schedule, as_role):
    first = next_bank_holiday()
    response = as_role("admin").post(f"/staff/admin/closures/bank-holidays/{first.isoformat()}/open")
    assert response.status_code == 303

    assert footer_rows(client)[-1] == bank_holiday_row(next_bank_holiday(after=first))


@pytest.fixture
def without_bank_holidays(app_settings):
    app_settings["CLINIC_BANK_HOLIDAYS"] = "none"


def test_no_bank_holiday_row_when_the_clinic_keeps_none(without_bank_holidays, client, schedule):
    assert footer_rows(client) == SCHEDULE_ROWS
    assert visit_rows(client) == SCHEDULE_ROWS


def test_the_enquiry_acknowledgement_lists_the_same_hours(client, schedule, mail_sink):
    assert client.post("/enquire", data=enquiry_form()).status_code == 303

    [acknowledgement] = mail_sink.to("amara.okafor@gmail.com")
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", acknowledgement.html)
    assert rows == [*SCHEDULE_ROWS, bank_holiday_row(next_bank_holiday())]


def test_neighbouring_days_with_the_same_hours_share_a_row():
    week = {
        0: (time(9), time(17)),
        1: (time(9), time(17)),
        3: (time(9), time(12)),
        4: (time(9), time(12)),
        5: (time(9), time(12)),
    }

    assert [(row.days, row.hours) for row in describe_week(week)] == [
        ("Monday and Tuesday", "9am to 5pm"),
        ("Wednesday", "Closed"),
        ("Thursday to Saturday", "9am to 12 noon"),
        ("Sunday", "Closed"),
    ]
    assert [(row.days, row.hours) for row in describe_week({})] == [("Monday to Sunday", "Closed")]
