"""The practitioner's day list, as each role sees it."""

import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import url_for
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEntry, ConsultationType, Photo, Practitioner, StaffUser
from clinic.models.staff import Role
from clinic.staff.day import queries as day_list
from tests.factories import BookingFactory, EnquiryFactory
from tests.support.clinic_days import local_start
from tests.support.queries import counted_queries


def book(schedule, practitioner_id, day, hour, minute=0, **fields):
    """A booking for a practitioner at a local time; returns its id. Call inside an app context."""
    booking = BookingFactory(
        type=db.session.get(ConsultationType, schedule.in_clinic),
        practitioner=db.session.get(Practitioner, practitioner_id),
        starts_at=local_start(day, hour, minute),
        **fields,
    )
    return booking.id


def add_photo(**owner):
    db.session.add(
        Photo(
            label="crown",
            stored_name=f"{secrets.token_hex(8)}.jpg",
            content_type="image/jpeg",
            width=800,
            height=600,
            size_bytes=1000,
            **owner,
        )
    )
    db.session.commit()


def page(client, **params):
    response = client.get("/staff/day", query_string=params)
    return response, response.get_data(as_text=True)


def table_body(html):
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/day?date=2026-12-01")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_a_practitioner_sees_their_own_bookings_in_time_order(app, schedule, as_role):
    with app.app_context():
        book(schedule, schedule.first, schedule.day, 14, full_name="Zara Afternoon")
        book(schedule, schedule.first, schedule.day, 9, 30, full_name="Amir Morning")
        book(schedule, schedule.second, schedule.day, 10, full_name="Olive Otherlist")
        book(schedule, schedule.first, schedule.day + timedelta(days=1), 10, full_name="Nina Nextday")

    response, html = page(as_role("practitioner"), date=schedule.day.isoformat())

    assert response.status_code == 200
    body = table_body(html)
    assert body.index("Amir Morning") < body.index("Zara Afternoon")
    assert "9:30am" in body and "2pm" in body
    assert "Olive Otherlist" not in html
    assert "Nina Nextday" not in html
    # A practitioner has no one else to choose.
    assert 'name="practitioner"' not in html


def test_a_practitioner_cannot_open_another_practitioners_list(schedule, as_role):
    client = as_role("practitioner")

    assert page(client, practitioner=schedule.second)[0].status_code == 403
    assert page(client, practitioner="nonsense")[0].status_code == 403
    assert page(client, practitioner=schedule.first)[0].status_code == 200


@pytest.mark.parametrize("role", ["reception", "admin"])
def test_front_desk_chooses_any_practitioner_and_starts_with_the_first_by_name(app, schedule, as_role, role):
    with app.app_context():
        book(schedule, schedule.first, schedule.day, 10, full_name="Sam's Patient")
        book(schedule, schedule.second, schedule.day, 10, full_name="Rachel's Patient")
    client = as_role(role)

    _, default = page(client, date=schedule.day.isoformat())
    _, chosen = page(client, date=schedule.day.isoformat(), practitioner=schedule.first)

    # Rachel Moore comes before Sam Adeyemi.
    assert "Rachel&#39;s Patient" in default and "Sam&#39;s Patient" not in default
    assert f'<option value="{schedule.second}" selected>Rachel Moore</option>' in default
    assert "Sam&#39;s Patient" in chosen and "Rachel&#39;s Patient" not in chosen
    assert f'<option value="{schedule.first}" selected>Sam Adeyemi</option>' in chosen
    assert page(client, practitioner="999")[0].status_code == 404


def test_previous_and_next_day_links_keep_the_practitioner(schedule, as_role):
    _, html = page(as_role("reception"), date="2026-12-01", practitioner=schedule.first)

    assert f'href="/staff/day?date=2026-11-30&amp;practitioner={schedule.first}" rel="prev"' in html
    assert f'href="/staff/day?date=2026-12-02&amp;practitioner={schedule.first}" rel="next"' in html
    assert "Tuesday 1 December 2026" in html


def test_without_a_date_the_list_is_todays_in_clinic_time(app, schedule, as_role):
    today = datetime.now(ZoneInfo("Europe/London")).date()

    _, html = page(as_role("practitioner"))

    assert f'name="date" value="{today.isoformat()}"' in html
    assert "could not be read" not in html


@pytest.mark.parametrize(
    "value", ["2026-13-01", "tomorrow", "01/12/2026", "2026-02-30", "9999-12-31", "0001-01-01"]
)
def test_a_date_that_cannot_be_read_shows_today_with_a_message(app, schedule, as_role, value):
    today = datetime.now(ZoneInfo("Europe/London")).date()

    response, html = page(as_role("practitioner"), date=value)

    assert response.status_code == 200
    assert "That date could not be read" in html
    assert f'name="date" value="{today.isoformat()}"' in html


def test_cancelled_bookings_are_listed_apart_and_struck_through(app, schedule, as_role):
    with app.app_context():
        book(schedule, schedule.first, schedule.day, 10, full_name="Coming Patient")
        book(schedule, schedule.first, schedule.day, 11, full_name="Cancelled Patient", status="cancelled")
        book(schedule, schedule.first, schedule.day, 12, full_name="Absent Patient", status="no_show")

    _, html = page(as_role("practitioner"), date=schedule.day.isoformat())

    body = table_body(html)
    assert "Coming Patient" in body and "Absent Patient" in body and "No-show" in body
    assert "Cancelled Patient" not in body
    cancelled = html.split('<h2 id="cancelled-heading">Cancelled</h2>', 1)[1]
    assert re.search(r"<s>11am&ndash;11:30am, Cancelled Patient, In-clinic consultation</s>", cancelled)


def test_first_visits_and_returning_patients(app, schedule):
    earlier = schedule.day - timedelta(days=14)
    with app.app_context():
        # Came before (with another practitioner, email in other case): returning.
        book(schedule, schedule.second, earlier, 10, email="Came.Before@example.com", status="attended")
        book(
            schedule,
            schedule.first,
            schedule.day,
            9,
            full_name="Came Before",
            email="came.before@example.com",
        )
        # Earlier booking not yet marked, so probably came: returning.
        book(schedule, schedule.first, earlier, 11, email="unmarked@example.com")
        book(schedule, schedule.first, schedule.day, 10, full_name="Unmarked", email="unmarked@example.com")
        # Only cancelled or missed before: first visit.
        book(schedule, schedule.first, earlier, 12, email="never.came@example.com", status="cancelled")
        book(schedule, schedule.first, earlier, 14, email="never.came@example.com", status="no_show")
        book(
            schedule, schedule.first, schedule.day, 11, full_name="Never Came", email="never.came@example.com"
        )
        # Only a later booking: first visit.
        book(schedule, schedule.first, schedule.day, 12, full_name="Brand New", email="new@example.com")
        book(schedule, schedule.first, schedule.day + timedelta(days=7), 12, email="new@example.com")

        reception = StaffUser(role=Role.RECEPTION)
        listing = day_list.day_list(reception, db.session.get(Practitioner, schedule.first), schedule.day)

    flags = {row.booking.full_name: row.returning for row in listing.rows}
    assert flags == {"Came Before": True, "Unmarked": True, "Never Came": False, "Brand New": False}


def test_visit_labels_show_on_the_page(app, schedule, as_role):
    with app.app_context():
        book(
            schedule,
            schedule.first,
            schedule.day - timedelta(days=7),
            10,
            email="back@example.com",
            status="attended",
        )
        book(schedule, schedule.first, schedule.day, 10, full_name="Back Again", email="back@example.com")
        book(schedule, schedule.first, schedule.day, 11, full_name="First Timer", email="first@example.com")

    _, html = page(as_role("practitioner"), date=schedule.day.isoformat())

    rows = table_body(html).split("</tr>")
    assert "Back Again" in rows[0] and "Returning" in rows[0]
    assert "First Timer" in rows[1] and "First visit" in rows[1]


def test_each_row_shows_the_patients_details_and_links_to_the_booking(app, schedule, as_role):
    with app.app_context():
        enquiry = EnquiryFactory()
        booking_id = book(
            schedule,
            schedule.first,
            schedule.day,
            10,
            full_name="Detailed Patient",
            concern="scar",
            pattern_stage="ludwig_2",
            notes="Scar from a 2019 transplant <b>not bold</b>",
            enquiry_id=enquiry.id,
        )
        add_photo(booking_id=booking_id)
        # As booking an enquiry in does: its photos travel with the booking.
        add_photo(enquiry_id=enquiry.id, booking_id=booking_id)
        photo_ids = db.session.scalars(select(Photo.id).order_by(Photo.id)).all()
        with app.test_request_context():
            booking_url = url_for("staff.records.booking.show", booking_id=booking_id)
            thumbs = [
                url_for("staff.records.photo.show", photo_id=photo_id, size="thumb") for photo_id in photo_ids
            ]

    _, html = page(as_role("practitioner"), date=schedule.day.isoformat())

    body = table_body(html)
    assert f'<a href="{booking_url}">Detailed Patient</a>' in body
    assert "Scar concealment" in body
    # The stage by name; the description written for patients is left out.
    assert '<td data-label="Pattern">Ludwig II</td>' in body
    assert "Scar from a 2019 transplant &lt;b&gt;not bold&lt;/b&gt;" in body
    assert "In-clinic consultation" in body
    for thumb in thumbs:
        assert f'src="{thumb}"' in body
    assert 'alt="Crown photo"' in body


def test_the_number_of_queries_does_not_grow_with_the_bookings(app, schedule, as_role):
    quiet_day, busy_day = schedule.day, schedule.day + timedelta(days=1)
    with app.app_context():
        for day, count in ((quiet_day, 1), (busy_day, 10)):
            for index in range(count):
                enquiry = EnquiryFactory(email=f"patient{index}@example.com")
                booking_id = book(
                    schedule,
                    schedule.first,
                    day,
                    8 + index,
                    email=f"patient{index}@example.com",
                    enquiry_id=enquiry.id,
                )
                add_photo(booking_id=booking_id)
                add_photo(enquiry_id=enquiry.id)
    client = as_role("practitioner")

    counts = []
    for day in (quiet_day, busy_day):
        with counted_queries(app) as statements:
            response, html = page(client, date=day.isoformat())
        assert response.status_code == 200
        counts.append(len(statements))

    assert html.count("<tr>") == 11  # the header row and ten bookings
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, counts


def test_each_view_is_audited_without_patient_details(app, schedule, staff, as_role):
    with app.app_context():
        book(schedule, schedule.first, schedule.day, 10, full_name="Private Person")

    page(as_role("practitioner"), date=schedule.day.isoformat())

    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "viewed day list")).one()
        assert entry.actor_id == staff.practitioner.id
        assert (entry.record_type, entry.record_id) == ("practitioner", schedule.first)
        assert entry.summary == f"practitioner {schedule.first}, {schedule.day.isoformat()}"
        assert "Private" not in entry.summary
