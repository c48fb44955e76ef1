"""UK GDPR duties: the retention purge, subject access, erasure, and withdrawing photo consent."""

import io
import json
import re
import secrets
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import func, select

from clinic import create_app
from clinic.booking import notifications as booking_notifications
from clinic.booking import service
from clinic.booking.tokens import manage_token
from clinic.enquiries import notifications
from clinic.extensions import db
from clinic.models import (
    AuditEntry,
    Booking,
    ConsentRecord,
    ConsultationType,
    Enquiry,
    Note,
    OutboxMessage,
    Photo,
    Practitioner,
    WaitlistEntry,
)
from clinic.models.types import utcnow
from clinic.photos import images, storage
from clinic.privacy import consent
from clinic.privacy.retention import months_before
from config import TestingConfig
from tests.factories import BookingFactory, EnquiryFactory
from tests.support.clinic_days import local_start
from tests.support.staff import STAFF_PASSWORD

DAY = timedelta(days=1)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def png():
    """A small photo of its own colour, so that files can be told apart by their bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), tuple(secrets.randbelow(256) for _ in range(3))).save(buffer, "PNG")
    return buffer.getvalue()


def stored_photo(app, label="front"):
    processed = images.process_upload(io.BytesIO(png()))
    return Photo.from_stored(label, processed, storage.store(processed, app.config["UPLOAD_FOLDER"]))


def files_on_disk(app):
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def with_thumbnails(names):
    """Stored photos' file names and their thumbnails' (stored beside them as <name>-small.<ext>)."""
    return set(names) | {"-small.".join(name.rsplit(".", 1)) for name in names}


def consultation(schedule):
    return {
        "type": db.session.get(ConsultationType, schedule.in_clinic),
        "practitioner": db.session.get(Practitioner, schedule.first),
    }


def past_booking(app, schedule, starts_at, *, photo=True, **fields):
    """An attended consultation with its consent, confirmation emails and (by default) a photo."""
    booking = BookingFactory(**consultation(schedule), starts_at=starts_at, status="attended", **fields)
    booking.consents.append(consent.BOOKING_HEALTH_DATA.record())
    if photo:
        booking.photos.append(stored_photo(app))
    booking_notifications.booking_confirmed(booking)
    db.session.commit()
    return booking


def old_enquiry(app, created_at, *, photo=True, **fields):
    enquiry = EnquiryFactory(created_at=created_at, **fields)
    enquiry.consents.append(consent.ENQUIRY_HEALTH_DATA.record())
    if photo:
        enquiry.photos.append(stored_photo(app))
    notifications.acknowledge_enquiry(enquiry)
    notifications.notify_staff_of_enquiry(enquiry)
    db.session.commit()
    return enquiry


def waitlist_entry(schedule, created_at, **fields):
    details = {
        "full_name": "Wendy Waite",
        "email": "wendy.waite@example.com",
        "phone": "+447700900456",
        "concern": "crown",
        "pattern_stage": "norwood_3",
        **fields,
    }
    entry = WaitlistEntry(
        reference=f"WL-T{secrets.token_hex(3)}",
        manage_key=secrets.token_hex(16),
        type_id=schedule.in_clinic,
        weekdays="024",
        created_at=created_at,
        **details,
    )
    entry.consents.append(consent.BOOKING_HEALTH_DATA.record())
    db.session.add(entry)
    db.session.flush()
    # Waiting-list emails are tied to no record: only their age lets the purge find them.
    message = booking_notifications.waitlist_joined(entry)
    message.created_at = created_at
    db.session.commit()
    return entry


def snapshot(app):
    """Every id of every personal-data table, and the photo files on disk."""
    with app.app_context():
        models = (Enquiry, Booking, WaitlistEntry, Photo, OutboxMessage, ConsentRecord, Note)
        state = {model.__name__: set(db.session.scalars(select(model.id))) for model in models}
    return {**state, "files": files_on_disk(app)}


def audit_entries(app, action_prefix=""):
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.startswith(action_prefix)).order_by(AuditEntry.id)
        ).all()
        db.session.expunge_all()
        return entries


# ---------- Retention ----------

PEOPLE = {
    "old_enquiry": ("Olive Oldfield", "olive.oldfield@example.com"),
    "booked_enquiry": ("Bea Booked", "bea.booked@example.com"),
    "recent_enquiry": ("Rory Recent", "rory.recent@example.com"),
    "ancient_booking": ("Angus Ancient", "angus.ancient@example.com"),
    "old_booking": ("Orla Older", "orla.older@example.com"),
}


@pytest.fixture
def aged(app, schedule, staff):
    """Records either side of both retention periods, each belonging to a different person."""
    now = utcnow()
    with app.app_context():

        def person(key):
            name, email = PEOPLE[key]
            return {"full_name": name, "email": email}

        expired_enquiry = old_enquiry(app, now - 400 * DAY, **person("old_enquiry"))
        expired_enquiry.staff_notes.append(Note(author_id=staff.reception.id, body="Left a voicemail."))
        booked_enquiry = old_enquiry(app, now - 400 * DAY, **person("booked_enquiry"))
        recent_booking = past_booking(
            app, schedule, now - 30 * DAY, enquiry_id=booked_enquiry.id, **person("booked_enquiry")
        )
        recent_enquiry = old_enquiry(app, now - 330 * DAY, **person("recent_enquiry"))
        ancient = past_booking(app, schedule, now - (9 * 365 + 3) * DAY, **person("ancient_booking"))
        ancient.staff_notes.append(Note(author_id=staff.practitioner.id, body="Good candidate."))
        older = past_booking(app, schedule, now - 7 * 365 * DAY, **person("old_booking"))
        expired_entry = waitlist_entry(schedule, now - 400 * DAY)
        waiting_entry = waitlist_entry(schedule, now - 330 * DAY, full_name="Will Waiting")
        db.session.commit()
        return SimpleNamespace(
            expired_enquiry=expired_enquiry.id,
            expired_enquiry_file=expired_enquiry.photos[0].stored_name,
            booked_enquiry=booked_enquiry.id,
            recent_booking=recent_booking.id,
            recent_enquiry=recent_enquiry.id,
            ancient_booking=ancient.id,
            ancient_file=ancient.photos[0].stored_name,
            older_booking=older.id,
            older_file=older.photos[0].stored_name,
            expired_entry=expired_entry.id,
            expired_entry_email=db.session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.recipients == expired_entry.email)
            ),
            waiting_entry=waiting_entry.id,
        )


def test_purge_deletes_exactly_what_has_expired(app, runner, aged):
    before = snapshot(app)

    result = runner.invoke(args=["purge-expired"])

    assert result.exit_code == 0, result.output
    # Emails: the expired enquiry's acknowledgement and staff notice, the booking's two
    # confirmations, the expired waiting-list entry's welcome.
    assert "deleted 1 enquiry, 1 booking, 1 waiting-list entry, 5 emails, 2 photos" in result.output
    after = snapshot(app)
    assert after["Enquiry"] == before["Enquiry"] - {aged.expired_enquiry}
    assert after["Enquiry"] == {aged.booked_enquiry, aged.recent_enquiry}
    assert after["Booking"] == {aged.recent_booking, aged.older_booking}
    assert after["WaitlistEntry"] == {aged.waiting_entry}
    assert after["files"] == before["files"] - with_thumbnails({aged.expired_enquiry_file, aged.ancient_file})
    assert aged.older_file in after["files"]
    assert len(after["OutboxMessage"]) == len(before["OutboxMessage"]) - 5
    assert len(after["ConsentRecord"]) == len(before["ConsentRecord"]) - 3
    assert after["Note"] == set()
    with app.app_context():
        # No email is left behind without its record: their bodies name the person.
        assert not db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.enquiry_id.is_(None), OutboxMessage.booking_id.is_(None))
            .where(OutboxMessage.kind != "waitlist_joined")
        )


def test_purge_writes_an_audit_entry_per_deletion_without_personal_data(app, runner, aged):
    runner.invoke(args=["purge-expired"])

    entries = audit_entries(app, "purged")

    # The waiting-list email was tied to no record, so it has an entry of its own.
    assert sorted((entry.action, entry.record_type, entry.record_id) for entry in entries) == [
        ("purged booking", "booking", aged.ancient_booking),
        ("purged email", "outboxmessage", aged.expired_entry_email),
        ("purged enquiry", "enquiry", aged.expired_enquiry),
        ("purged waiting-list entry", "waitlistentry", aged.expired_entry),
    ]
    assert all(entry.actor_id is None for entry in entries)
    assert {entry.summary.split(";")[0] for entry in entries} == {
        "retention 12 months",
        "retention 96 months",
    }
    written = " ".join(entry.summary for entry in entries).lower()
    for name, email in PEOPLE.values():
        assert email not in written
        assert all(part.lower() not in written for part in name.split())
    assert "wendy" not in written and "crown" not in written and "voicemail" not in written


def test_dry_run_counts_and_changes_nothing(app, runner, aged):
    before = snapshot(app)
    audit_before = len(audit_entries(app))

    result = runner.invoke(args=["purge-expired", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "would delete 1 enquiry, 1 booking, 1 waiting-list entry, 5 emails, 2 photos" in result.output
    assert snapshot(app) == before
    assert len(audit_entries(app)) == audit_before


def test_a_second_run_deletes_nothing(app, runner, aged):
    runner.invoke(args=["purge-expired"])
    after_first = snapshot(app)

    result = runner.invoke(args=["purge-expired"])

    assert result.exit_code == 0
    assert "deleted 0 enquiries, 0 bookings, 0 waiting-list entries, 0 emails, 0 photos" in result.output
    assert snapshot(app) == after_first
    assert len(audit_entries(app, "purged")) == 4


def test_a_patients_records_stay_until_their_last_appointment_is_past_retention(app, runner, schedule):
    now = utcnow()
    with app.app_context():
        # The notice promises 8 years after the last treatment (here: appointment), not after each one.
        kept = past_booking(app, schedule, now - 9 * 365 * DAY, email="kit.kept@example.com")
        past_booking(app, schedule, now - 7 * 365 * DAY, email="Kit.Kept@example.com")
        enquiry = old_enquiry(app, now - (9 * 365 + 30) * DAY, email="gone@example.com")
        gone = past_booking(
            app, schedule, now - 9 * 365 * DAY + DAY, enquiry_id=enquiry.id, email=enquiry.email
        )
        kept_id, gone_id, enquiry_id = kept.id, gone.id, enquiry.id

    result = runner.invoke(args=["purge-expired"])

    # The enquiry that led only to a purged booking goes with it, in the same run.
    assert "deleted 1 enquiry, 1 booking," in result.output
    state = snapshot(app)
    assert kept_id in state["Booking"] and gone_id not in state["Booking"]
    assert enquiry_id not in state["Enquiry"]


@pytest.mark.parametrize(("months", "purged"), [(12, 1), (14, 0)])
def test_the_enquiry_retention_comes_from_the_configuration(app_settings, months, purged):
    app = create_app(TestingConfig, {**app_settings, "ENQUIRY_RETENTION_MONTHS": months})
    with app.app_context():
        EnquiryFactory(created_at=utcnow() - 400 * DAY)

    result = app.test_cli_runner().invoke(args=["purge-expired"])

    assert f"deleted {purged} {'enquiry' if purged == 1 else 'enquiries'}," in result.output
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 26, 8, 30, tzinfo=UTC), 12, datetime(2025, 11, 26, 8, 30, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 96, datetime(2020, 2, 29, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


def test_the_privacy_notice_states_the_configured_periods(app, client):
    page = client.get("/privacy").get_data(as_text=True)

    assert app.config["ENQUIRY_RETENTION_MONTHS"] == 12
    assert app.config["BOOKING_RETENTION_MONTHS"] == 8 * 12
    assert "deleted 12 months after we receive them" in page
    assert "8 years after your last treatment" in page
    assert "lawful basis" in page.lower()
    assert "access</strong> the personal information" in page and "erasure</strong>" in page


# ---------- Subject access ----------

AMARA = "amara.okafor@gmail.com"
OTHER = "someone.else@example.com"


@pytest.fixture
def amara(app, schedule, staff):
    """Amara's enquiry (with a photo), her booking from it (with another), a note and a waiting-list
    entry; and another patient's enquiry with a photo that must never show up in Amara's data."""
    with app.app_context():
        enquiry = old_enquiry(app, utcnow() - 20 * DAY, full_name="Amara Okafor", email=AMARA)
        processed = images.process_upload(io.BytesIO(png()))
        booking, _emails = service.book(
            db.session.get(ConsultationType, schedule.in_clinic),
            local_start(schedule.day, 10),
            schedule.first,
            {
                "full_name": "Amara Okafor",
                "email": "Amara.Okafor@gmail.com",
                "phone": "+447911123456",
                "concern": "crown",
                "pattern_stage": "norwood_3",
                "notes": "Mornings suit me best.",
                "adult_confirmed": True,
                "marketing_opt_in": False,
            },
            consents=[consent.BOOKING_HEALTH_DATA, consent.PHOTOS],
            uploads=[("top", processed)],
            enquiry_id=enquiry.id,
        )
        booking.staff_notes.append(Note(author_id=staff.reception.id, body="Prefers a female practitioner."))
        waitlist_entry(schedule, utcnow() - 5 * DAY, full_name="Amara Okafor", email=AMARA)
        other = old_enquiry(app, utcnow() - 3 * DAY, full_name="Sol Other", email=OTHER)
        db.session.commit()
        return SimpleNamespace(
            enquiry=enquiry.reference,
            booking=booking.reference,
            booking_id=booking.id,
            files={photo.stored_name for photo in enquiry.photos + booking.photos},
            other=other.reference,
            other_file=other.photos[0].stored_name,
            token=manage_token(booking),
        )


def test_subject_access_export_is_one_zip_with_the_persons_data_and_photos(app, as_role, amara):
    response = as_role("admin").post(
        "/staff/admin/privacy/export", data={"email": "  AMARA.okafor@Gmail.com "}
    )

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    assert [enquiry["reference"] for enquiry in data["enquiries"]] == [amara.enquiry]
    [booking] = data["bookings"]
    assert booking["reference"] == amara.booking and booking["email"] == "Amara.Okafor@gmail.com"
    assert booking["staff_notes"][0]["body"] == "Prefers a female practitioner."
    assert {consent["purpose"] for consent in booking["consents"]} == {"health_data", "photos"}
    assert data["enquiries"][0]["message"].startswith("I would like to know")
    assert [entry["full_name"] for entry in data["waiting_list"]] == ["Amara Okafor"]
    subjects = [email["subject"] for email in data["emails"]]
    assert any(amara.enquiry in subject for subject in subjects)
    assert any(amara.booking in subject for subject in subjects)
    assert all(email["body_text"] for email in data["emails"])
    # Keys that would let the holder of the file change the booking stay out.
    assert "manage_key" not in booking and amara.token not in archive.read("data.json").decode()
    assert any("/booking/[private link removed]" in email["body_text"] for email in data["emails"])
    photo_names = [name for name in archive.namelist() if name.startswith("photos/")]
    assert len(photo_names) == 2
    stored = {name: (Path(app.config["UPLOAD_FOLDER"]) / name).read_bytes() for name in amara.files}
    assert {archive.read(name) for name in photo_names} == set(stored.values())
    listed = {photo["file"] for record in data["enquiries"] + data["bookings"] for photo in record["photos"]}
    assert listed == set(photo_names)
    everything = archive.read("data.json").decode().lower()
    assert OTHER not in everything and "sol other" not in everything and amara.other.lower() not in everything


def test_the_export_is_audited_with_a_count_and_no_address(app, as_role, amara):
    as_role("admin").post("/staff/admin/privacy/export", data={"email": AMARA})

    [entry] = audit_entries(app, "subject access")
    assert entry.action == "subject access export"
    assert re.fullmatch(r"exported \d+ records and 2 photos", entry.summary)
    assert "amara" not in entry.summary.lower()


def test_an_address_with_nothing_held_gets_a_message_not_a_file(app, as_role, amara):
    client = as_role("admin")

    response = client.post("/staff/admin/privacy/export", data={"email": "nobody@example.com"})

    assert response.status_code == 303
    assert "Nothing is held" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert [entry.summary for entry in audit_entries(app, "subject access")] == ["nothing held"]


@pytest.mark.parametrize("address", ["", "not an address", "a@b\x00.com"])
def test_the_address_is_checked_next_to_the_field(as_role, address):
    response = as_role("admin").post("/staff/admin/privacy/export", data={"email": address})

    assert response.status_code == 422
    assert 'class="field__error" id="export-email-error"' in response.get_data(as_text=True)


# ---------- Erasure ----------


def erase(client, address, confirm=True):
    return client.post(
        "/staff/admin/privacy/erase", data={"email": address, **({"confirm": "y"} if confirm else {})}
    )


@pytest.mark.parametrize(
    ("status", "refused"),
    [("booked", True), ("cancelled", False)],
)
def test_erasure_is_refused_while_a_booking_is_still_to_come(app, as_role, amara, status, refused):
    with app.app_context():
        db.session.get(Booking, amara.booking_id).status = status
        db.session.commit()
    before = snapshot(app)
    client = as_role("admin")

    check = client.post("/staff/admin/privacy/erase/check", data={"email": AMARA})
    response = erase(client, AMARA)

    if refused:
        assert check.status_code == response.status_code == 409
        page = response.get_data(as_text=True)
        assert "cancel or hold the booking first" in page and amara.booking in page
        assert snapshot(app) == before
        assert audit_entries(app, "erased") == []
    else:
        assert check.status_code == 200
        assert response.status_code == 303


def test_erasure_deletes_everything_about_the_person_and_nothing_else(app, as_role, amara):
    with app.app_context():
        booking = db.session.get(Booking, amara.booking_id)
        booking.starts_at -= 30 * DAY
        booking.ends_at -= 30 * DAY
        booking.blocked_until -= 30 * DAY
        db.session.commit()
    before = snapshot(app)
    client = as_role("admin")

    check = client.post("/staff/admin/privacy/erase/check", data={"email": AMARA})
    unconfirmed = erase(client, AMARA, confirm=False)
    assert snapshot(app) == before
    response = erase(client, AMARA)

    assert check.status_code == 200 and amara.booking in check.get_data(as_text=True)
    assert unconfirmed.status_code == 422
    assert response.status_code == 303
    assert "Erased 1 enquiry, 1 booking, 1 waiting-list entry," in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    after = snapshot(app)
    assert after["files"] == with_thumbnails({amara.other_file})
    assert len(after["Enquiry"]) == 1 and after["Booking"] == set() and after["WaitlistEntry"] == set()
    assert after["Note"] == set()
    with app.app_context():
        assert db.session.scalar(select(Enquiry.reference)) == amara.other
        left = db.session.scalars(select(OutboxMessage)).all()
        assert left and all("amara" not in (m.recipients + m.body_text).lower() for m in left)
        assert all(record.enquiry_id is not None for record in db.session.scalars(select(ConsentRecord)))
    entries = audit_entries(app, "erased")
    assert {(entry.action, entry.record_type) for entry in entries} >= {
        ("erased booking", "booking"),
        ("erased enquiry", "enquiry"),
        ("erased waiting-list entry", "waitlistentry"),
    }
    assert all("amara" not in entry.summary.lower() for entry in audit_entries(app))


def test_erasing_an_address_with_nothing_held_says_so(as_role, amara):
    client = as_role("admin")

    check = client.post("/staff/admin/privacy/erase/check", data={"email": "nobody@example.com"})
    response = erase(client, "nobody@example.com")

    assert "nothing to erase" in check.get_data(as_text=True)
    assert "nothing to erase" in client.get(response.headers["Location"]).get_data(as_text=True)


# ---------- Withdrawing photo consent by the manage link ----------


def test_the_manage_page_offers_to_delete_the_photos(client, amara):
    page = client.get(f"/booking/{amara.token}").get_data(as_text=True)

    assert f'href="/booking/{amara.token}/photos/withdraw"' in page
    assert "Withdraw consent for my photos" in page


def test_opening_the_withdraw_page_changes_nothing(app, client, amara):
    before = snapshot(app)

    for _ in range(2):
        page = client.get(f"/booking/{amara.token}/photos/withdraw")
        assert page.status_code == 200
        assert "Delete your photos?" in page.get_data(as_text=True)

    assert snapshot(app) == before


def test_withdrawing_photo_consent_deletes_the_photos_and_their_files(app, client, amara):
    before = snapshot(app)

    response = client.post(f"/booking/{amara.token}/photos/withdraw")

    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We have deleted your photos" in page and "Withdraw consent for my photos" not in page
    after = snapshot(app)
    assert after["files"] == with_thumbnails({amara.other_file})
    assert before["files"] >= with_thumbnails(amara.files)
    assert len(after["Photo"]) == 1
    assert after["Booking"] == before["Booking"]
    [entry] = audit_entries(app, "withdrew")
    assert (entry.action, entry.record_type, entry.record_id) == (
        "withdrew photo consent",
        "booking",
        amara.booking_id,
    )
    assert entry.actor_id is None


def test_a_booking_without_photos_offers_no_withdrawal(app, client, schedule):
    with app.app_context():
        booking = BookingFactory(**consultation(schedule), starts_at=local_start(schedule.day, 11))
        token = manage_token(booking)

    assert "Withdraw consent for my photos" not in client.get(f"/booking/{token}").get_data(as_text=True)
    assert client.get(f"/booking/{token}/photos/withdraw").status_code == 303


# ---------- Access and CSRF ----------

ADMIN_ROUTES = [
    ("get", "/staff/admin/privacy/"),
    ("post", "/staff/admin/privacy/export"),
    ("post", "/staff/admin/privacy/erase/check"),
    ("post", "/staff/admin/privacy/erase"),
]


@pytest.mark.parametrize("role", ["reception", "practitioner"])
@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_only_the_admin_may_use_the_privacy_pages(app, as_role, amara, role, method, path):
    before = snapshot(app)

    response = getattr(as_role(role), method)(path, data={"email": AMARA, "confirm": "y"})

    assert response.status_code == 403
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_signed_out_visitors_are_sent_to_sign_in(client, staff, method, path):
    response = getattr(client, method)(path, data={"email": AMARA})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_the_real_forms_work_with_csrf_protection_on(csrf_app, app, amara):
    with app.app_context():
        db.session.get(Booking, amara.booking_id).status = "cancelled"
        db.session.commit()
    client = csrf_app.test_client()
    token = CSRF.search(client.get("/staff/login").get_data(as_text=True)).group(1)
    client.post(
        "/staff/login",
        data={"email": "admin@hairline-clinic.co.uk", "password": STAFF_PASSWORD, "csrf_token": token},
    )
    assert client.post("/staff/admin/privacy/export", data={"email": AMARA}).status_code == 400
    assert client.post(f"/booking/{amara.token}/photos/withdraw").status_code == 400

    token = CSRF.search(client.get("/staff/admin/privacy/").get_data(as_text=True)).group(1)
    export = client.post("/staff/admin/privacy/export", data={"email": AMARA, "csrf_token": token})
    check = client.post("/staff/admin/privacy/erase/check", data={"email": AMARA, "csrf_token": token})
    confirm_page = check.get_data(as_text=True)
    hidden_email = re.search(r'name="email" type="hidden" value="([^"]+)"', confirm_page).group(1)
    erased = client.post(
        "/staff/admin/privacy/erase",
        data={"email": hidden_email, "confirm": "y", "csrf_token": CSRF.search(confirm_page).group(1)},
    )

    assert export.mimetype == "application/zip"
    assert erased.status_code == 303
    assert snapshot(app)["Booking"] == set()
