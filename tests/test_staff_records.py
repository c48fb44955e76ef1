"""The enquiry and booking detail pages, their photos and actions, as staff use them through HTTP."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select, update

from clinic.clinic_time import format_start, when
from clinic.extensions import db
from clinic.models import (
    AuditEntry,
    Booking,
    Enquiry,
    Note,
    OutboxMessage,
    Photo,
)
from clinic.models.types import utcnow
from clinic.photos import storage
from clinic.privacy import consent
from tests.factories import EnquiryFactory
from tests.support.bookings import place
from tests.support.clinic_days import local_start
from tests.support.images import png
from tests.support.smtp_sink import free_port
from tests.support.staff import STAFF_PASSWORD

PATIENT = "amara.okafor@gmail.com"
MESSAGE = "My crown has thinned over five years. Would SMP suit longer hair?"
# Words from the patient's answers and notes that must never reach the audit log.
HEALTH_WORDS = ["crown", "thinn", "alopecia", "scar", "norwood", "hairline", "density", "smp", "scalp"]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def submit_enquiry(client, **changes):
    """An enquiry sent by a patient through /enquire, with a front photo; returns its id."""
    data = {
        "full_name": "Amara Okafor",
        "email": PATIENT,
        "phone": "07911 123456",
        "preferred_contact": "either",
        "concern": "crown",
        "hoped_result": "density",
        "message": MESSAGE,
        "heard_from": "search",
        "health_consent": "y",
        "marketing_opt_in": "y",
        "photo_front": (io.BytesIO(png()), "front.png"),
        "photo_consent": "y",
        **changes,
    }
    response = client.post("/enquire", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    with client.application.app_context():
        return db.session.scalars(select(Enquiry.id).order_by(Enquiry.id.desc())).first()


def make_enquiry(app, **fields):
    with app.app_context():
        enquiry = EnquiryFactory(**fields)
        enquiry.consents.append(consent.ENQUIRY_HEALTH_DATA.record())
        db.session.commit()
        return enquiry.id


def hours_from_now(hours):
    return (utcnow() + timedelta(hours=hours)).replace(second=0, microsecond=0)


def audit_entries(app):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def actions(app):
    return [entry.action for entry in audit_entries(app)]


def get(app, model, record_id):
    with app.app_context():
        record = db.session.get(model, record_id)
        db.session.expunge(record)
        return record


def page_text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def follow(client, response):
    assert response.status_code == 303, response.get_data(as_text=True)
    return page_text(client.get(response.headers["Location"]))


# ---------- What the pages show ----------


def test_the_enquiry_page_shows_everything_the_patient_gave(app, client, as_role, mail_sink):
    enquiry_id = submit_enquiry(client)

    page = page_text(as_role("reception").get(f"/staff/enquiries/{enquiry_id}"))

    with app.app_context():
        enquiry = db.session.get(Enquiry, enquiry_id)
        [photo] = enquiry.photos
        given = {record.version: when(record.given_at) for record in enquiry.consents}
        photo_id = photo.id
    for shown in [
        "Amara Okafor",
        PATIENT,
        "07911 123456",
        "Either is fine",
        "Crown",
        "More density behind longer hair",
        MESSAGE,
        "Search engine",
        "Yes, opted in",
        enquiry.reference,
        "New enquiry alert",
        "Enquiry acknowledgement",
        "Sent",
    ]:
        assert shown in page, shown
    for version, moment in given.items():
        assert version in page and moment in page
    assert set(given) == {
        consent.ENQUIRY_HEALTH_DATA.version,
        consent.PHOTOS.version,
        consent.MARKETING.version,
    }
    assert f'href="/staff/photos/{photo_id}"' in page
    assert f'src="/staff/photos/{photo_id}?size=thumb"' in page
    for status in ["new", "contacted", "suitable", "not_suitable", "booked", "closed", "spam"]:
        assert f'value="{status}"' in page
    assert "Sam Adeyemi" in page and "Rachel Moore" in page


def test_the_booking_page_shows_the_booking_its_patient_and_photos(app, as_role, schedule):
    enquiry_id = make_enquiry(app)
    start = local_start(schedule.day, 10)
    booking = place(
        app,
        start,
        schedule.in_clinic,
        schedule.first,
        photo=True,
        notes="Please call after 5pm.",
        enquiry_id=enquiry_id,
    )

    page = page_text(as_role("reception").get(f"/staff/bookings/{booking.id}"))

    with app.app_context():
        shown_time = when(start)
    for shown in [
        "Jordan Ellis",
        "jordan.ellis@gmail.com",
        "07911 123456",
        "Please call after 5pm.",
        "Norwood 3",
        "Crown",
        "In-clinic consultation",
        "Sam Adeyemi",
        shown_time,
        "Booked",
        "Booked online by the patient",
        f'href="/staff/enquiries/{enquiry_id}"',
        f'src="/staff/photos/{booking.photo_id}?size=thumb"',
    ]:
        assert shown in page, shown


def test_the_photo_is_served_privately_with_a_smaller_thumbnail(app, as_role, schedule):
    booking = place(app, local_start(schedule.day, 10), schedule.in_clinic, schedule.first, photo=True)
    client = as_role("reception")

    full = client.get(f"/staff/photos/{booking.photo_id}")
    thumb = client.get(f"/staff/photos/{booking.photo_id}?size=thumb")

    for response in (full, thumb):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("inline")
    assert full.mimetype == "image/png"
    assert Image.open(io.BytesIO(full.data)).size == (1200, 900)
    small = Image.open(io.BytesIO(thumb.data))
    assert thumb.mimetype == "image/png" and small.format == "PNG"
    assert max(small.size) <= 320 and small.size[0] / small.size[1] == pytest.approx(4 / 3, rel=0.02)
    assert len(thumb.data) < len(full.data)
    viewed = [entry for entry in audit_entries(app) if entry.action == "viewed photo"]
    assert [(entry.record_type, entry.record_id) for entry in viewed] == [("photo", booking.photo_id)] * 2


def test_a_jpeg_gets_a_jpeg_thumbnail(app, as_role, client):
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1200), (90, 70, 60)).save(buffer, "JPEG")
    submit_enquiry(client, photo_front=(io.BytesIO(buffer.getvalue()), "front.jpg"))
    with app.app_context():
        photo_id = db.session.scalar(select(Photo.id))

    thumb = as_role("admin").get(f"/staff/photos/{photo_id}?size=thumb")

    assert thumb.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.data)).size == (240, 320)


# ---------- Who may see what ----------


@pytest.mark.parametrize(
    ("role", "booking_page", "photo", "enquiry_page"),
    [
        ("reception", 200, 200, 200),
        ("admin", 200, 200, 200),
        ("practitioner", 200, 200, 403),
        ("other_practitioner", 403, 403, 403),
    ],
)
def test_practitioners_see_only_their_own_patients(
    app, as_role, schedule, role, booking_page, photo, enquiry_page
):
    enquiry_id = make_enquiry(app)
    booking = place(
        app,
        local_start(schedule.day, 10),
        schedule.in_clinic,
        schedule.first,
        photo=True,
        enquiry_id=enquiry_id,
    )
    client = as_role(role)

    assert client.get(f"/staff/bookings/{booking.id}").status_code == booking_page
    assert client.get(f"/staff/photos/{booking.photo_id}").status_code == photo
    assert client.get(f"/staff/photos/{booking.photo_id}?size=thumb").status_code == photo
    assert client.get(f"/staff/enquiries/{enquiry_id}").status_code == enquiry_page


def test_a_practitioner_cannot_open_an_enquirys_photo(app, client, as_role):
    submit_enquiry(client)
    with app.app_context():
        photo_id = db.session.scalar(select(Photo.id))

    assert as_role("practitioner").get(f"/staff/photos/{photo_id}").status_code == 403


def test_a_practitioner_sees_their_patients_booking_without_front_desk_actions(app, as_role, schedule):
    enquiry_id = make_enquiry(app)
    booking = place(
        app,
        local_start(schedule.day, 10),
        schedule.in_clinic,
        schedule.first,
        photo=True,
        enquiry_id=enquiry_id,
    )

    page = page_text(as_role("practitioner").get(f"/staff/bookings/{booking.id}"))

    assert "Jordan Ellis" in page
    assert f"/staff/enquiries/{enquiry_id}" not in page
    assert f"/staff/bookings/{booking.id}/cancel" not in page
    assert f"/staff/bookings/{booking.id}/notes" not in page
    assert (
        as_role("practitioner").post(f"/staff/bookings/{booking.id}/notes", data={"body": "x"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    "path",
    ["/staff/photos/999", "/staff/photos/999?size=thumb", "/staff/enquiries/999", "/staff/bookings/999"],
)
def test_unknown_records_are_not_found(as_role, path):
    assert as_role("reception").get(path).status_code == 404


def test_a_photo_whose_file_is_gone_is_not_found(app, as_role, schedule):
    booking = place(app, local_start(schedule.day, 10), schedule.in_clinic, schedule.first, photo=True)
    with app.app_context():
        storage.delete(db.session.get(Photo, booking.photo_id).stored_name, app.config["UPLOAD_FOLDER"])

    assert as_role("reception").get(f"/staff/photos/{booking.photo_id}").status_code == 404


# ---------- Triage: status, notes, assignment ----------


def test_reception_changes_the_status(app, as_role):
    enquiry_id = make_enquiry(app)
    client = as_role("reception")

    response = client.post(f"/staff/enquiries/{enquiry_id}/status", data={"status": "contacted"})

    assert response.headers["Location"] == f"/staff/enquiries/{enquiry_id}"
    page = follow(client, response)
    assert "Status changed to contacted." in page
    assert get(app, Enquiry, enquiry_id).status == "contacted"
    [entry] = [entry for entry in audit_entries(app) if entry.action == "changed status"]
    assert (entry.record_type, entry.record_id, entry.summary) == (
        "enquiry",
        enquiry_id,
        "changed status to contacted",
    )


def test_an_unknown_status_is_refused_next_to_the_field(app, as_role):
    enquiry_id = make_enquiry(app)

    response = as_role("reception").post(f"/staff/enquiries/{enquiry_id}/status", data={"status": "deleted"})

    assert response.status_code == 422
    assert "Choose a status." in response.get_data(as_text=True)
    assert get(app, Enquiry, enquiry_id).status == "new"


@pytest.mark.parametrize("kind", ["enquiry", "booking"])
def test_a_note_shows_its_author_and_local_time(app, as_role, schedule, staff, kind):
    record_id = (
        make_enquiry(app)
        if kind == "enquiry"
        else place(app, local_start(schedule.day, 10), schedule.in_clinic, schedule.first, photo=True).id
    )
    client = as_role("reception")
    path = f"/staff/{'enquiries' if kind == 'enquiry' else 'bookings'}/{record_id}"

    page = follow(
        client, client.post(f"{path}/notes", data={"body": "Called back.\nWill ring again Friday."})
    )

    with app.app_context():
        note = db.session.scalar(select(Note))
        assert (note.author_id, getattr(note, f"{kind}_id")) == (staff.reception.id, record_id)
        written = when(note.created_at)
    assert "Note added." in page
    assert "Rita Reception" in page and written in page
    assert "Called back.\nWill ring again Friday." in page
    [entry] = [entry for entry in audit_entries(app) if entry.action == "added note"]
    assert (entry.record_type, entry.record_id, entry.summary) == (kind, record_id, "added note")


def test_an_empty_note_is_refused_next_to_the_field(app, as_role):
    enquiry_id = make_enquiry(app)

    response = as_role("reception").post(f"/staff/enquiries/{enquiry_id}/notes", data={"body": "  "})

    assert response.status_code == 422
    assert "Write the note before adding it." in response.get_data(as_text=True)


def test_reception_assigns_a_practitioner_and_can_remove_it(app, as_role, schedule):
    enquiry_id = make_enquiry(app)
    client = as_role("reception")

    page = follow(
        client, client.post(f"/staff/enquiries/{enquiry_id}/assign", data={"practitioner": schedule.second})
    )
    assert "Assigned to Rachel Moore." in page
    assert get(app, Enquiry, enquiry_id).assigned_practitioner_id == schedule.second

    page = follow(client, client.post(f"/staff/enquiries/{enquiry_id}/assign", data={"practitioner": ""}))
    assert "Assignment removed." in page
    assert get(app, Enquiry, enquiry_id).assigned_practitioner_id is None
    summaries = [entry.summary for entry in audit_entries(app) if entry.action == "assigned practitioner"]
    assert summaries == ["assigned practitioner Rachel Moore", "removed assignment"]


def test_views_and_changes_are_audited_without_health_details(
    app, client, as_role, schedule, staff, mail_sink
):
    enquiry_id = submit_enquiry(client)
    booking = place(
        app,
        local_start(schedule.day, 10),
        schedule.in_clinic,
        schedule.first,
        photo=True,
        notes="Alopecia since 2019.",
    )
    reception = as_role("reception")

    reception.get(f"/staff/enquiries/{enquiry_id}")
    reception.post(f"/staff/enquiries/{enquiry_id}/status", data={"status": "suitable"})
    reception.post(f"/staff/enquiries/{enquiry_id}/notes", data={"body": "Scar on the crown, wants density."})
    reception.post(f"/staff/enquiries/{enquiry_id}/assign", data={"practitioner": schedule.first})
    reception.post(f"/staff/enquiries/{enquiry_id}/invite")
    reception.get(f"/staff/bookings/{booking.id}")
    reception.get(f"/staff/photos/{booking.photo_id}")

    entries = [entry for entry in audit_entries(app) if entry.actor_id and entry.action != "signed in"]
    assert [(entry.action, entry.record_type) for entry in entries] == [
        ("viewed enquiry", "enquiry"),
        ("changed status", "enquiry"),
        ("added note", "enquiry"),
        ("assigned practitioner", "enquiry"),
        ("sent booking invitation", "enquiry"),
        ("viewed booking", "booking"),
        ("viewed photo", "photo"),
    ]
    assert {entry.actor_id for entry in entries} == {staff.reception.id}
    for entry in entries:
        for word in HEALTH_WORDS:
            assert word not in entry.summary.lower(), (entry.action, entry.summary)


# ---------- Booking an enquirer in ----------


def free_start(client, enquiry_id, schedule, practitioner):
    """The first free time the staff picker offers on schedule.day."""
    page = page_text(
        client.get(
            f"/staff/enquiries/{enquiry_id}/book",
            query_string={"type": schedule.in_clinic, "practitioner": practitioner, "date": schedule.day},
        )
    )
    assert f'action="/staff/enquiries/{enquiry_id}/book/details"' in page
    return re.search(r'name="start" id="slot-1" value="([^"]+)"', page).group(1)


def book_in(client, enquiry_id, schedule, start, practitioner, **changes):
    data = {
        "type": schedule.in_clinic,
        "practitioner": practitioner,
        "start": start,
        "phone": "07911 123456",
        "adult_confirmed": "y",
        "consent_by_phone": "y",
        **changes,
    }
    return client.post(
        f"/staff/enquiries/{enquiry_id}/book/details", data={k: v for k, v in data.items() if v}
    )


def test_triage_round_trip_from_enquiry_to_attended(app, client, as_role, schedule, mail_sink):
    enquiry_id = submit_enquiry(client)
    reception = as_role("reception")

    assert "Amara Okafor" in page_text(reception.get(f"/staff/enquiries/{enquiry_id}"))
    follow(
        reception, reception.post(f"/staff/enquiries/{enquiry_id}/notes", data={"body": "Wants a Tuesday."})
    )

    start = free_start(reception, enquiry_id, schedule, schedule.first)
    form = page_text(
        reception.get(
            f"/staff/enquiries/{enquiry_id}/book/details",
            query_string={"type": schedule.in_clinic, "practitioner": schedule.first, "start": start},
        )
    )
    assert "The patient has confirmed they are 18 or over" in form
    assert consent.BOOKING_HEALTH_DATA.wording in form
    assert 'value="07911 123456"' in form
    mail_sink.reset()
    response = book_in(reception, enquiry_id, schedule, start, schedule.first)

    with app.app_context():
        booking = db.session.scalar(select(Booking))
        booking_id, reference = booking.id, booking.reference
        assert (booking.source, booking.enquiry_id, booking.practitioner_id) == (
            "reception",
            enquiry_id,
            schedule.first,
        )
        assert format_start(booking.starts_at) == start
        assert (booking.full_name, booking.email, booking.phone) == ("Amara Okafor", PATIENT, "+447911123456")
        assert (booking.concern, booking.pattern_stage, booking.adult_confirmed) == (
            "crown",
            "not_sure",
            True,
        )
        assert [record.version for record in booking.consents] == [consent.BOOKING_HEALTH_DATA.version]
        assert db.session.get(Enquiry, enquiry_id).status == "booked"
    assert response.headers["Location"] == f"/staff/bookings/{booking_id}"
    assert f"Booked {reference}" in follow(reception, response)
    [confirmation] = mail_sink.to(PATIENT)
    assert reference in confirmation.subject
    assert [part.get_filename() for part in confirmation.message.iter_attachments()] == [f"{reference}.ics"]
    enquiry_page = page_text(reception.get(f"/staff/enquiries/{enquiry_id}"))
    assert f'href="/staff/bookings/{booking_id}"' in enquiry_page
    assert "Wants a Tuesday." in enquiry_page

    booking_page = page_text(reception.get(f"/staff/bookings/{booking_id}"))
    assert 'name="outcome"' not in booking_page
    with app.app_context():
        past = utcnow() - timedelta(minutes=10)
        db.session.execute(
            update(Booking)
            .where(Booking.id == booking_id)
            .values(
                starts_at=past,
                ends_at=past + timedelta(minutes=30),
                blocked_until=past + timedelta(minutes=40),
            )
        )
        db.session.commit()
    assert 'name="outcome" value="attended"' in page_text(reception.get(f"/staff/bookings/{booking_id}"))

    page = follow(
        reception, reception.post(f"/staff/bookings/{booking_id}/outcome", data={"outcome": "attended"})
    )

    assert "Recorded as attended." in page
    assert get(app, Booking, booking_id).status == "attended"
    assert actions(app)[-2:] == ["recorded attended", "viewed booking"]
    assert "booked consultation" in actions(app)


def test_an_enquiry_without_a_phone_number_asks_for_one(app, as_role, schedule):
    enquiry_id = make_enquiry(app, phone=None, preferred_contact="email")
    reception = as_role("reception")
    start = free_start(reception, enquiry_id, schedule, "any")

    form = page_text(
        reception.get(
            f"/staff/enquiries/{enquiry_id}/book/details",
            query_string={"type": schedule.in_clinic, "practitioner": "any", "start": start},
        )
    )
    assert "The enquiry did not include one, so ask for it." in form

    response = book_in(reception, enquiry_id, schedule, start, "any", phone="")
    assert response.status_code == 422
    assert "Ask the patient for a phone number" in response.get_data(as_text=True)

    response = book_in(reception, enquiry_id, schedule, start, "any", phone="020 7946 0321")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Booking.phone)) == "+442079460321"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("consent_by_phone", "without it we cannot book"),
        ("adult_confirmed", "confirm they are 18 or over"),
    ],
)
def test_booking_is_refused_without_the_patients_agreement(
    app, as_role, schedule, mail_sink, missing, message
):
    enquiry_id = make_enquiry(app)
    reception = as_role("reception")
    start = free_start(reception, enquiry_id, schedule, "any")

    response = book_in(reception, enquiry_id, schedule, start, "any", **{missing: ""})

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Booking)).all() == []
        assert db.session.get(Enquiry, enquiry_id).status == "new"
    assert mail_sink.messages == []


def test_a_time_taken_meanwhile_shows_fresh_times_and_keeps_what_was_typed(app, as_role, schedule):
    enquiry_id = make_enquiry(app, phone=None, preferred_contact="email")
    reception = as_role("reception")
    start = free_start(reception, enquiry_id, schedule, schedule.first)
    place(
        app,
        local_start(schedule.day, 9),
        schedule.in_clinic,
        schedule.first,
        photo=True,
        full_name="Someone Else",
    )

    response = book_in(reception, enquiry_id, schedule, start, schedule.first, phone="020 7946 0321")

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "That time was just taken" in page
    assert 'value="+442079460321"' in page
    for ticked in ("adult_confirmed", "consent_by_phone"):
        assert "checked" in re.search(rf'<input[^>]*id="{ticked}"[^>]*>', page).group(0)
    fresh = re.findall(r'type="radio" name="start" id="alt-\d+" value="([^"]+)"', page)
    assert fresh and start not in fresh
    with app.app_context():
        assert db.session.scalars(select(Booking.full_name)).all() == ["Someone Else"]


def test_reception_sends_a_booking_invitation(app, as_role, mail_sink):
    enquiry_id = make_enquiry(app)
    reception = as_role("reception")

    page = follow(reception, reception.post(f"/staff/enquiries/{enquiry_id}/invite"))

    assert "Booking invitation queued. The patient has been emailed it." in page
    [invitation] = mail_sink.to("alex.morgan@gmail.com")
    assert "http://clinic.example.com/book/invite/" in invitation.text
    assert "Booking invitation" in page and "Sent" in page


# ---------- Changing a booking ----------


def test_staff_move_a_booking_inside_the_patients_notice_period(app, as_role, schedule, mail_sink):
    booking = place(app, hours_from_now(20), schedule.in_clinic, schedule.first, photo=True)
    reception = as_role("reception")
    new_start = local_start(schedule.day, 10)

    picker = page_text(
        reception.get(f"/staff/bookings/{booking.id}/move", query_string={"date": schedule.day.isoformat()})
    )
    assert format_start(new_start) in picker
    confirm = page_text(
        reception.get(
            f"/staff/bookings/{booking.id}/move/confirm",
            query_string={"start": format_start(new_start), "practitioner": schedule.first},
        )
    )
    assert "Move the booking" in confirm
    response = reception.post(
        f"/staff/bookings/{booking.id}/move/confirm",
        data={"start": format_start(new_start), "practitioner": schedule.first},
    )

    assert "Moved to" in follow(reception, response)
    assert get(app, Booking, booking.id).starts_at == new_start
    assert any("moved" in message.subject for message in mail_sink.to("jordan.ellis@gmail.com"))
    assert "moved booking" in actions(app)


def test_moving_to_a_time_just_taken_sends_staff_back_to_fresh_times(app, as_role, schedule):
    original = hours_from_now(20)
    booking = place(app, original, schedule.in_clinic, schedule.first, photo=True)
    taken = local_start(schedule.day, 10)
    place(app, taken, schedule.in_clinic, schedule.first, photo=True)
    reception = as_role("reception")

    response = reception.post(
        f"/staff/bookings/{booking.id}/move/confirm",
        data={"start": format_start(taken), "practitioner": schedule.first},
    )

    assert response.status_code == 303
    assert f"/staff/bookings/{booking.id}/move?" in response.headers["Location"]
    assert "That time has just been taken" in page_text(reception.get(response.headers["Location"]))
    assert get(app, Booking, booking.id).starts_at == original
    assert "moved booking" not in actions(app)


def test_staff_cancel_a_booking_inside_the_patients_notice_period(app, as_role, schedule, mail_sink):
    booking = place(app, hours_from_now(3), schedule.in_clinic, schedule.first, photo=True)
    reception = as_role("reception")

    confirm = page_text(reception.get(f"/staff/bookings/{booking.id}/cancel"))
    assert "Yes, cancel it" in confirm
    assert get(app, Booking, booking.id).status == "booked"

    page = follow(reception, reception.post(f"/staff/bookings/{booking.id}/cancel"))

    assert "Booking cancelled." in page
    assert get(app, Booking, booking.id).status == "cancelled"
    assert any("cancelled" in message.subject for message in mail_sink.to("jordan.ellis@gmail.com"))
    assert "cancelled booking" in actions(app)
    assert f"/staff/bookings/{booking.id}/cancel" not in page


def test_the_outcome_cannot_be_recorded_before_the_appointment(app, as_role, schedule):
    booking = place(app, hours_from_now(3), schedule.in_clinic, schedule.first, photo=True)
    reception = as_role("reception")

    page = follow(
        reception, reception.post(f"/staff/bookings/{booking.id}/outcome", data={"outcome": "no_show"})
    )

    assert "once the appointment has started" in page
    assert get(app, Booking, booking.id).status == "booked"
    assert not any(action.startswith("recorded") for action in actions(app))


def test_a_no_show_can_be_recorded_and_corrected(app, as_role, schedule):
    booking = place(app, hours_from_now(-1), schedule.in_clinic, schedule.first, photo=True)
    reception = as_role("reception")

    assert "Recorded as did not attend." in follow(
        reception, reception.post(f"/staff/bookings/{booking.id}/outcome", data={"outcome": "no_show"})
    )
    follow(reception, reception.post(f"/staff/bookings/{booking.id}/outcome", data={"outcome": "attended"}))

    assert get(app, Booking, booking.id).status == "attended"
    assert [a for a in actions(app) if a.startswith("recorded")] == ["recorded no-show", "recorded attended"]


# ---------- Email delivery state ----------


@pytest.fixture
def mail_server_down(app_settings):
    app_settings["MAIL_PORT"] = free_port()
    app_settings["OUTBOX_MAX_ATTEMPTS"] = 1


def test_a_failed_email_shows_as_failed_with_its_last_error(mail_server_down, app, as_role):
    enquiry_id = make_enquiry(app)
    reception = as_role("reception")

    page = follow(reception, reception.post(f"/staff/enquiries/{enquiry_id}/invite"))

    with app.app_context():
        message = db.session.scalar(select(OutboxMessage))
        assert (message.status, message.attempts) == ("failed", 1)
        error = message.last_error
    assert "could not be sent yet" in page
    assert re.search(r'delivery--failed">Failed</span><span class="small">, 1 attempt</span>', page)
    assert error and error in page


# ---------- CSRF ----------


def test_staff_posts_need_the_forms_csrf_token(csrf_app, staff):
    client = csrf_app.test_client()
    token = CSRF.search(client.get("/staff/login").get_data(as_text=True)).group(1)
    client.post(
        "/staff/login", data={"email": staff.reception.email, "password": STAFF_PASSWORD, "csrf_token": token}
    )
    enquiry_id = make_enquiry(csrf_app)
    page = page_text(client.get(f"/staff/enquiries/{enquiry_id}"))

    assert client.post(f"/staff/enquiries/{enquiry_id}/notes", data={"body": "No token."}).status_code == 400
    response = client.post(
        f"/staff/enquiries/{enquiry_id}/notes",
        data={"body": "With token.", "csrf_token": CSRF.search(page).group(1)},
    )

    assert response.status_code == 303
    with csrf_app.app_context():
        assert db.session.scalars(select(Note.body)).all() == ["With token."]
