"""The waiting list: joining it, being offered a freed time, and claiming it first."""

import re
import threading
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from clinic.booking import waitlist
from clinic.booking.service import SlotTaken
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Booking, ConsentRecord, WaitlistEntry
from clinic.models.references import ALPHABET
from clinic.models.types import utcnow
from tests.support.bookings import cancel, place
from tests.support.clinic_days import local_start
from tests.support.server import csrf_token
from tests.support.waitlist import (
    claim_link,
    entry_by_email,
    entry_form,
    join,
    offers,
)

WAITLIST_REFERENCE = re.compile(rf"WL-[{ALPHABET}]{{6}}")


def entries(app):
    with app.app_context():
        return db.session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()


def live_bookings(app):
    with app.app_context():
        return db.session.scalars(select(Booking).where(Booking.status == "booked")).all()


def long_date(day):
    return f"{day:%A} {day.day} {day:%B %Y}"


@pytest.fixture
def slot(schedule):
    """The time Jordan's booking holds, until Jordan cancels: 10am on schedule.day, the first practitioner."""
    return local_start(schedule.day, 10)


@pytest.fixture
def jordan(app, schedule, slot):
    return place(app, slot, schedule.in_clinic, schedule.first).token


# Joining


@pytest.mark.parametrize(
    "marketing, purposes", [(None, ["health_data"]), ("y", ["health_data", "marketing"])]
)
def test_joining_saves_the_entry_with_consent_and_acknowledges_it(
    app, client, schedule, mail_sink, marketing, purposes
):
    response = client.post(
        "/book/waitlist",
        data=entry_form(
            schedule,
            practitioner=str(schedule.second),
            weekdays=["4", "0", "2"],
            part_of_day="morning",
            marketing_opt_in=marketing,
        ),
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/book/waitlist/thanks"
    page = client.get("/book/waitlist/thanks").get_data(as_text=True)
    [entry] = entries(app)
    assert WAITLIST_REFERENCE.fullmatch(entry.reference)
    assert entry.reference in page
    assert (entry.type_id, entry.practitioner_id) == (schedule.in_clinic, schedule.second)
    assert (entry.weekdays, entry.part_of_day, entry.status) == ("024", "morning", "waiting")
    assert (entry.full_name, entry.email, entry.phone) == (
        "Priya Shah",
        "priya.shah@gmail.com",
        "+447911123456",
    )
    assert (entry.concern, entry.pattern_stage) == ("hairline", "ludwig_2")
    assert entry.marketing_opt_in is bool(marketing)
    with app.app_context():
        records = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.waitlist_entry_id == entry.id)
        ).all()
        assert sorted(record.purpose for record in records) == purposes
        assert all(record.wording and record.version for record in records)

    [acknowledgement] = mail_sink.to("priya.shah@gmail.com")
    assert entry.reference in acknowledgement.subject
    assert "Monday, Wednesday and Friday" in acknowledgement.text
    assert "Rachel Moore" in acknowledgement.text and "Mornings" in acknowledgement.text
    assert mail_sink.to("reception@hairline-clinic.co.uk") == []


def test_joining_with_any_practitioner_stores_none(app, client, schedule):
    join(client, schedule)

    [entry] = entries(app)
    assert entry.practitioner_id is None
    assert entry.weekdays == str(schedule.day.weekday())


def test_a_day_sent_twice_is_stored_once(app, client, schedule):
    # Eight copies of one day once overflowed the seven-character column on PostgreSQL.
    join(client, schedule, weekdays=["3", "1"] + ["1"] * 7)

    [entry] = entries(app)
    assert entry.weekdays == "13"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"weekdays": None}, "Choose at least one day"),
        ({"weekdays": ["7"]}, "Choose days from the list"),
        ({"part_of_day": "evening"}, "Choose a time of day"),
        ({"health_consent": None}, "with your consent"),
        ({"adult_confirmed": None}, "age of 18"),
    ],
)
def test_an_incomplete_request_is_shown_again_with_what_was_typed(
    app, client, schedule, mail_sink, changes, message
):
    response = client.post("/book/waitlist", data=entry_form(schedule, **changes))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Priya Shah"' in page and 'value="priya.shah@gmail.com"' in page
    assert "Mornings suit me best." in page
    assert entries(app) == []
    assert mail_sink.messages == []


def test_the_form_keeps_the_days_chosen(client, schedule):
    page = client.post(
        "/book/waitlist", data=entry_form(schedule, weekdays=["1", "3"], health_consent=None)
    ).get_data(as_text=True)

    boxes = re.findall(r"<input ([^>]*name=\"weekdays\"[^>]*)>", page)
    checked = [re.search(r'value="(\d)"', box).group(1) for box in boxes if "checked" in box.split()]
    assert len(boxes) == 7
    assert checked == ["1", "3"]


# Offers when a booking is cancelled


def test_a_cancelled_slot_is_offered_to_every_matching_entry(app, client, schedule, jordan, mail_sink):
    weekday = str(schedule.day.weekday())
    matching = {
        "priya.shah@gmail.com": {},
        "tom.hughes@gmail.com": {"practitioner": str(schedule.first), "part_of_day": "morning"},
        "li.wei@gmail.com": {"weekdays": [weekday, str((schedule.day.weekday() + 1) % 7)]},
        "amara.okafor@gmail.com": {"weekdays": [str(day) for day in range(7)]},
    }
    for email, changes in matching.items():
        join(client, schedule, email=email, **changes)

    cancel(client, jordan)

    for email in matching:
        [offer] = offers(mail_sink, email)
        assert long_date(schedule.day) in offer.text and "10am" in offer.text
        assert "Sam Adeyemi" in offer.text
        assert client.get(claim_link(offer)).status_code == 200
    links = {claim_link(offers(mail_sink, email)[0]) for email in matching}
    assert len(links) == len(matching)


def test_moving_a_booking_offers_the_time_it_leaves(app, client, schedule, jordan, mail_sink):
    join(client, schedule, email="priya.shah@gmail.com")
    new_start = local_start(schedule.day, 15)

    response = client.post(
        f"/booking/{jordan}/move/confirm",
        data={"start": format_start(new_start), "practitioner": str(schedule.first)},
    )

    assert response.status_code == 303
    [offer] = offers(mail_sink, "priya.shah@gmail.com")
    assert long_date(schedule.day) in offer.text and "10am" in offer.text
    assert client.get(claim_link(offer)).status_code == 200


@pytest.mark.parametrize(
    "reason",
    ["another type", "another practitioner", "another day", "afternoons only", "already booked"],
)
def test_no_offer_goes_to_an_entry_that_does_not_match(app, client, schedule, jordan, mail_sink, reason):
    other_day = str((schedule.day.weekday() + 1) % 5)
    changes = {
        "another type": {"type": str(schedule.video)},
        "another practitioner": {"practitioner": str(schedule.second)},
        "another day": {"weekdays": [other_day, "5"]},
        "afternoons only": {"part_of_day": "afternoon"},
        "already booked": {},
    }[reason]
    join(client, schedule, email="priya.shah@gmail.com")
    join(client, schedule, email="tom.hughes@gmail.com", **changes)
    if reason == "already booked":
        with app.app_context():
            db.session.execute(
                db.update(WaitlistEntry)
                .where(WaitlistEntry.email == "tom.hughes@gmail.com")
                .values(status="booked")
            )
            db.session.commit()

    cancel(client, jordan)

    assert len(offers(mail_sink, "priya.shah@gmail.com")) == 1
    assert offers(mail_sink, "tom.hughes@gmail.com") == []


@pytest.mark.parametrize(
    "hour, minute, part_of_day, offered",
    [
        (9, 0, "morning", True),
        (11, 30, "morning", True),
        (11, 30, "afternoon", False),
        (12, 0, "morning", False),
        (12, 0, "afternoon", True),
        (16, 0, "afternoon", True),
        (16, 0, "morning", False),
        (16, 0, "any", True),
    ],
)
def test_part_of_day_is_read_in_clinic_time(
    app, client, schedule, mail_sink, hour, minute, part_of_day, offered
):
    token = place(app, local_start(schedule.day, hour, minute), schedule.in_clinic, schedule.first).token
    join(client, schedule, part_of_day=part_of_day)

    cancel(client, token)

    assert len(offers(mail_sink, "priya.shah@gmail.com")) == (1 if offered else 0)


def test_a_booking_too_close_to_cancel_online_offers_nothing(app, client, schedule, mail_sink):
    join(client, schedule, weekdays=[str(day) for day in range(7)])
    soon = (utcnow() + timedelta(hours=3)).replace(second=0, microsecond=0)
    token = place(app, soon, schedule.in_clinic, schedule.first).token

    assert client.post(f"/booking/{token}/cancel").status_code == 200
    assert offers(mail_sink, "priya.shah@gmail.com") == []


# Claiming an offer


@pytest.fixture
def two_offers(app, client, schedule, jordan, mail_sink):
    """Priya and Tom both wait for schedule.day; Jordan cancels; each gets an offer link."""
    join(client, schedule, email="priya.shah@gmail.com")
    join(client, schedule, email="tom.hughes@gmail.com", full_name="Tom Hughes")
    cancel(client, jordan)
    links = {
        email: claim_link(message)
        for email in ("priya.shah@gmail.com", "tom.hughes@gmail.com")
        for message in offers(mail_sink, email)
    }
    assert len(links) == 2
    mail_sink.reset()
    return links


def test_opening_an_offer_shows_the_time_and_books_nothing(app, client, schedule, two_offers, mail_sink):
    for _ in range(2):
        response = client.get(two_offers["priya.shah@gmail.com"])
        assert response.status_code == 200

    page = response.get_data(as_text=True)
    assert long_date(schedule.day) in page and "10am" in page
    assert "In-clinic consultation" in page and "Book this time for me" in page
    assert live_bookings(app) == []
    assert {entry.status for entry in entries(app)} == {"waiting"}
    assert mail_sink.messages == []


def test_claiming_an_offer_books_it(app, client, schedule, slot, two_offers, mail_sink):
    response = client.post(two_offers["priya.shah@gmail.com"])

    assert response.status_code == 303
    assert response.headers["Location"] == "/book/confirmed"
    [booking] = live_bookings(app)
    assert (booking.starts_at, booking.practitioner_id, booking.type_id) == (
        slot,
        schedule.first,
        schedule.in_clinic,
    )
    assert (booking.source, booking.full_name, booking.email) == (
        "waitlist",
        "Priya Shah",
        "priya.shah@gmail.com",
    )
    assert (booking.concern, booking.pattern_stage, booking.phone) == (
        "hairline",
        "ludwig_2",
        "+447911123456",
    )
    page = client.get("/book/confirmed").get_data(as_text=True)
    assert booking.reference in page and "10am" in page
    assert entry_by_email(app, "priya.shah@gmail.com").status == "booked"
    assert entry_by_email(app, "tom.hughes@gmail.com").status == "waiting"
    with app.app_context():
        purposes = db.session.scalars(
            select(ConsentRecord.purpose).where(ConsentRecord.booking_id == booking.id)
        ).all()
        assert purposes == ["health_data"]
    [confirmation] = mail_sink.to("priya.shah@gmail.com")
    assert booking.reference in confirmation.subject
    assert len(list(confirmation.message.iter_attachments())) == 1
    [staff] = mail_sink.to("reception@hairline-clinic.co.uk")
    assert booking.reference in staff.subject


def test_the_second_claim_finds_the_time_gone(app, client, two_offers, mail_sink):
    client.post(two_offers["priya.shah@gmail.com"])
    mail_sink.reset()

    response = client.post(two_offers["tom.hughes@gmail.com"])

    assert response.status_code == 409
    assert "that time has gone" in response.get_data(as_text=True)
    assert len(live_bookings(app)) == 1
    assert entry_by_email(app, "tom.hughes@gmail.com").status == "waiting"
    assert mail_sink.messages == []


def test_an_offer_claimed_twice_books_once_and_both_clicks_see_the_booking(
    app, client, two_offers, mail_sink
):
    link = two_offers["priya.shah@gmail.com"]
    first = client.post(link)
    mail_sink.reset()

    again = client.post(link)

    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"] == "/book/confirmed"
    [booking] = live_bookings(app)
    assert booking.reference in client.get("/book/confirmed").get_data(as_text=True)
    assert mail_sink.messages == []
    opened = client.get(link)
    assert opened.status_code == 404
    assert "no longer open" in opened.get_data(as_text=True)


@pytest.mark.parametrize(
    "link",
    [
        lambda link: link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"),
        lambda link: "/waitlist/offer/not-a-token",
    ],
    ids=["tampered", "garbage"],
)
def test_a_tampered_offer_link_is_not_valid(app, client, two_offers, link):
    bad = link(two_offers["priya.shah@gmail.com"])

    for response in (client.get(bad), client.post(bad)):
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)
    assert live_bookings(app) == []


def test_a_booking_link_is_not_an_offer_link(app, client, schedule):
    token = place(app, local_start(schedule.day, 15), schedule.in_clinic, schedule.first).token

    assert client.get(f"/waitlist/offer/{token}").status_code == 404


@pytest.mark.parametrize("hours_ago, works", [(1, True), (23, True), (25, False), (72, False)])
def test_an_offer_lasts_waitlist_offer_hours(
    app, client, schedule, jordan, mail_sink, monkeypatch, hours_ago, works
):
    join(client, schedule)
    with monkeypatch.context() as then:
        # The offer is made, and its link signed, `hours_ago` hours ago.
        then.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - hours_ago * 3600)
        cancel(client, jordan)
    link = claim_link(offers(mail_sink, "priya.shah@gmail.com")[0])

    response = client.post(link)

    if works:
        assert response.status_code == 303
        assert len(live_bookings(app)) == 1
    else:
        assert response.status_code == 404
        assert "expired" in response.get_data(as_text=True)
        assert client.get(link).status_code == 404
        assert live_bookings(app) == []
        assert entry_by_email(app, "priya.shah@gmail.com").status == "waiting"


# CSRF, on as in production


def test_joining_without_a_csrf_token_is_refused(app, csrf_app, schedule, mail_sink):
    client = csrf_app.test_client()

    refused = client.post("/book/waitlist", data=entry_form(schedule))
    page = client.get(f"/book/waitlist?type={schedule.in_clinic}").get_data(as_text=True)
    accepted = client.post("/book/waitlist", data={**entry_form(schedule), "csrf_token": csrf_token(page)})

    assert refused.status_code == 400
    assert accepted.status_code == 303
    assert len(entries(app)) == 1


def test_claiming_without_a_csrf_token_is_refused(app, csrf_app, two_offers):
    client = csrf_app.test_client()
    link = two_offers["priya.shah@gmail.com"]

    refused = client.post(link)
    page = client.get(link).get_data(as_text=True)
    accepted = client.post(link, data={"csrf_token": csrf_token(page)})

    assert refused.status_code == 400
    assert accepted.status_code == 303
    assert len(live_bookings(app)) == 1


# Two patients claiming at the same instant


def test_two_claims_at_once_make_one_booking(app, schedule, slot, two_offers):
    entry_ids = [entry.id for entry in entries(app)]
    barrier = threading.Barrier(len(entry_ids))
    outcomes = {}

    def claim(entry_id):
        with app.app_context():
            try:
                entry = db.session.get(WaitlistEntry, entry_id)
                barrier.wait(timeout=10)
                booking, _ = waitlist.claim(entry, slot, schedule.first)
                outcomes[entry_id] = booking.id
            except SlotTaken:
                outcomes[entry_id] = "taken"
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                outcomes[entry_id] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=claim, args=(entry_id,)) for entry_id in entry_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values(), key=str).count("taken") == 1, outcomes
    [booking] = live_bookings(app)
    assert outcomes[booking_entry_id(app, booking)] == booking.id
    assert (booking.starts_at, booking.practitioner_id, booking.source) == (slot, schedule.first, "waitlist")
    with app.app_context():
        statuses = db.session.execute(
            select(WaitlistEntry.status, func.count()).group_by(WaitlistEntry.status)
        ).all()
    assert sorted(statuses) == [("booked", 1), ("waiting", 1)]


def booking_entry_id(app, booking):
    with app.app_context():
        return db.session.scalar(select(WaitlistEntry.id).where(WaitlistEntry.email == booking.email))
