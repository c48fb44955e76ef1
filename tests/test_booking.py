import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from PIL import Image
from sqlalchemy import select

from clinic.clinic_time import format_start, parse_start
from clinic.extensions import db
from clinic.models import Booking, ConsentRecord, Photo
from clinic.models.references import ALPHABET
from clinic.models.types import utcnow
from tests.support.bookings import place
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details

REFERENCE = re.compile(rf"BKG-[{ALPHABET}]{{6}}")


def details(schedule, start, practitioner="any", **changes):
    return booking_details(schedule.in_clinic, start, practitioner, **changes)


def bookings(app):
    with app.app_context():
        return db.session.scalars(select(Booking).order_by(Booking.id)).all()


def test_start_offers_each_type_and_practitioner(client, schedule):
    page = client.get("/book").get_data(as_text=True)

    assert "In-clinic consultation" in page and "Video consultation" in page
    assert "Sam Adeyemi" in page and "Rachel Moore" in page
    assert 'action="/book/times"' in page


def test_times_page_lists_dates_then_the_chosen_days_times_without_javascript(client, schedule):
    day = schedule.day
    page = client.get(f"/book/times?type={schedule.in_clinic}&practitioner=any").get_data(as_text=True)
    assert f'data-date="{day.isoformat()}"' in page

    page = client.get(
        f"/book/times?type={schedule.in_clinic}&practitioner=any&date={day.isoformat()}"
    ).get_data(as_text=True)

    assert 'action="/book/details"' in page
    starts = re.findall(r'name="start"[^>]*value="([^"]+)"', page)
    assert starts[0] == format_start(local_start(day, 9))
    assert format_start(local_start(day, 12, 30)) in starts
    assert format_start(local_start(day, 12, 45)) not in starts  # would run into lunch
    assert format_start(local_start(day, 14)) in starts
    assert ">9am<" in page and ">5:30pm<" in page


def test_slots_json_merges_practitioners_and_rejects_bad_queries(client, schedule):
    day = schedule.day.isoformat()

    merged = client.get(f"/book/slots?type={schedule.in_clinic}&practitioner=any&date={day}").get_json()
    one = client.get(
        f"/book/slots?type={schedule.video}&practitioner={schedule.second}&date={day}"
    ).get_json()

    assert merged["timezone"] == "Europe/London"
    assert merged["slots"][0]["practitioners"] == [schedule.first, schedule.second]
    assert merged["slots"][0]["time"] == "9am"
    assert {tuple(slot["practitioners"]) for slot in one["slots"]} == {(schedule.second,)}
    for query in ["", f"type={schedule.in_clinic}&date=not-a-date", "type=999&date=" + day]:
        assert client.get(f"/book/slots?{query}").status_code == 400


def test_booking_is_saved_confirmed_and_emailed(app, client, schedule, mail_sink):
    start = local_start(schedule.day, 10)
    form = client.get(
        f"/book/details?type={schedule.in_clinic}&practitioner=any&start={format_start(start)}"
    ).get_data(as_text=True)
    assert "10am" in form and "Priya" not in form

    response = client.post("/book/details", data=details(schedule, start))

    assert response.status_code == 303
    assert response.headers["Location"] == "/book/confirmed"
    [booking] = bookings(app)
    assert REFERENCE.fullmatch(booking.reference)
    assert (booking.starts_at, booking.status, booking.source) == (start, "booked", "web")
    assert booking.ends_at == local_start(schedule.day, 10, 30)
    assert booking.phone == "+447911123456"
    assert booking.practitioner_id in (schedule.first, schedule.second)
    page = client.get("/book/confirmed").get_data(as_text=True)
    assert booking.reference in page
    assert schedule.day.strftime("%A") in page and "10am" in page
    assert "14 Harley Mews" in page
    assert re.search(r'href="/booking/[^"]+\.ics"', page)

    with app.app_context():
        purposes = db.session.scalars(
            select(ConsentRecord.purpose).where(ConsentRecord.booking_id == booking.id)
        )
        assert sorted(purposes) == ["health_data"]

    [patient] = mail_sink.to("priya.shah@gmail.com")
    assert booking.reference in patient.subject
    assert "http://clinic.example.com/booking/" in patient.text
    [attachment] = list(patient.message.iter_attachments())
    assert attachment.get_filename() == f"{booking.reference}.ics"
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == start
    assert str(event["uid"]) == f"{booking.manage_key}@hairline-clinic.co.uk"
    assert "14 Harley Mews" in str(event["location"])

    [staff] = mail_sink.to("reception@hairline-clinic.co.uk")
    assert booking.reference in staff.text and "10am" in staff.text
    for private in ["minoxidil", "Ludwig", "crown", "ludwig_2"]:
        assert private not in staff.text and private not in staff.html


def test_a_video_booking_explains_the_call_instead_of_the_address(app, client, schedule):
    start = local_start(schedule.day, 11)
    client.post("/book/details", data=details(schedule, start, type=str(schedule.video)))

    page = client.get("/book/confirmed").get_data(as_text=True)

    assert "video" in page.lower()
    assert bookings(app)[0].ends_at == local_start(schedule.day, 11, 20)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": ""}, "phone", "Enter a phone number"),
        ({"adult_confirmed": None}, "adult_confirmed", "from the age of 18"),
        ({"health_consent": None}, "health_consent", "consent"),
        ({"pattern_stage": "norwood_99"}, "pattern_stage", "closest to your hair loss"),
        ({"email": "priya"}, "email", "Enter an email address"),
    ],
)
def test_errors_keep_every_answer_and_the_chosen_time(app, client, schedule, changes, field, message):
    start = local_start(schedule.day, 9, 30)

    response = client.post("/book/details", data=details(schedule, start, **changes))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-error">.*?{message}', page, re.S)
    assert f'name="start" type="hidden" value="{format_start(start)}"' in page
    assert "I have tried minoxidil for a year." in page
    if field != "email":
        assert 'value="priya.shah@gmail.com"' in page
    assert bookings(app) == []


def test_a_time_taken_meanwhile_comes_back_with_fresh_times_and_the_details_kept(app, client, schedule):
    start = local_start(schedule.day, 15)
    place(app, start, schedule.in_clinic, schedule.first)
    place(app, start, schedule.in_clinic, schedule.second)

    response = client.post("/book/details", data=details(schedule, start))

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "just taken" in page
    assert 'value="Priya Shah"' in page and "I have tried minoxidil for a year." in page
    alternatives = re.findall(r'type="radio" name="start" id="alt-\d+" value="([^"]+)"', page)
    assert format_start(local_start(schedule.day, 9)) in alternatives
    assert format_start(start) not in alternatives
    assert len(bookings(app)) == 2

    response = client.post("/book/details", data=details(schedule, parse_start(alternatives[0])))
    assert response.status_code == 303


def test_any_practitioner_fills_both_diaries_then_refuses(app, client, schedule):
    start = local_start(schedule.day, 16)

    statuses = [client.post("/book/details", data=details(schedule, start)).status_code for _ in range(3)]

    assert statuses == [303, 303, 409]
    assert sorted(b.practitioner_id for b in bookings(app)) == [schedule.first, schedule.second]


def test_the_buffer_keeps_a_gap_after_each_booking(app, client, schedule):
    place(app, local_start(schedule.day, 10), schedule.in_clinic, schedule.first)
    slots = client.get(
        f"/book/slots?type={schedule.in_clinic}&practitioner={schedule.first}&date={schedule.day.isoformat()}"
    ).get_json()["slots"]
    times = [slot["time"] for slot in slots]

    assert "9:30am" not in times  # would end at 10:00 with no buffer before the next patient
    assert "10:30am" not in times  # inside the 10-minute buffer after 10:30
    assert "9:15am" in times and "10:45am" in times


def test_a_time_before_the_minimum_notice_is_refused(app, client, schedule):
    soon = (utcnow() + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)

    response = client.get(
        f"/book/details?type={schedule.in_clinic}&practitioner=any&start={format_start(soon)}"
    )

    assert response.status_code == 302
    assert bookings(app) == []


def jpeg_with_location():
    image = Image.new("RGB", (64, 48), (180, 150, 120))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (51.0, 31.0, 12.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_photos_are_stored_privately_without_metadata(app, client, schedule):
    start = local_start(schedule.day, 11, 30)
    data = details(schedule, start, photo_consent="y")
    data["photo_top"] = (io.BytesIO(jpeg_with_location()), "IMG_2041.jpg", "image/jpeg")

    response = client.post("/book/details", data=data, content_type="multipart/form-data")

    assert response.status_code == 303
    with app.app_context():
        photo = db.session.scalar(select(Photo))
        purposes = sorted(db.session.scalars(select(ConsentRecord.purpose)))
    assert (photo.label, photo.content_type, photo.width) == ("top", "image/jpeg", 64)
    assert purposes == ["health_data", "photos"]
    stored = Path(app.config["UPLOAD_FOLDER"]) / photo.stored_name
    assert "static" not in str(stored)
    with Image.open(stored) as image:
        assert not image.getexif()
    assert b"PhoneMaker" not in stored.read_bytes()


@pytest.mark.parametrize(
    ("upload", "photo_consent", "message"),
    [
        ((b"just some text", "scalp.jpg", "image/jpeg"), "y", "JPEG, PNG or WebP"),
        (
            (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "scalp.svg", "image/svg+xml"),
            "y",
            "JPEG, PNG or WebP",
        ),
        (("valid", "scalp.jpg", "image/jpeg"), None, "Tick this box to send us photos"),
    ],
)
def test_unacceptable_photos_are_refused_next_to_the_field(
    app, client, schedule, upload, photo_consent, message
):
    content, name, kind = upload
    if content == "valid":
        content = jpeg_with_location()
    data = details(schedule, local_start(schedule.day, 11, 30), photo_consent=photo_consent)
    data["photo_front"] = (io.BytesIO(content), name, kind)

    response = client.post("/book/details", data=data, content_type="multipart/form-data")

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert bookings(app) == []
    with app.app_context():
        assert db.session.scalar(select(Photo)) is None


def test_booking_post_without_csrf_token_is_rejected(csrf_app, schedule):
    response = csrf_app.test_client().post(
        "/book/details", data=details(schedule, local_start(schedule.day, 9))
    )

    assert response.status_code == 400
    assert bookings(csrf_app) == []
