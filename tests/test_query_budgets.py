"""Query budgets: the SQL statements each main page sends, counted over the whole request.

Every page is fetched twice, with 10 rows behind it and then with 1,000 (the day list: 10
and 60 bookings on the day). The count must be the same both times, so nothing runs a
query per row, and within the page's budget below: the count measured when it was set.
Lower a budget when a page gets cheaper; raise one only with a reason. The session lookup
of the signed-in user and the audit entry a staff page writes count too.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.booking.tokens import manage_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Booking, ConsentRecord
from clinic.models.booking import BookingStatus
from tests.support import bulk as data
from tests.support.clinic_days import local_start
from tests.support.queries import counted_queries

SIZES = (10, 1000)
DAY_SIZES = (10, 60)

# A staff page's audit entry is committed without expiring what the page has loaded, so the
# signed-in user and the record are read once.
#
# Every public HTML page's footer adds one: the opening hours, read from the working hours
# and bank-holiday openings that make the booking times, so the two cannot disagree.
BUDGETS = {
    "/": 1,
    "/smp": 1,
    "/testimonials": 2,
    "/media": 2,
    "/book": 3,  # types, practitioners, footer
    # The type, then the slot finder's working hours, closures (with the bank holidays
    # opened) and bookings, then the footer.
    "/book/times": 5,
    "/book/times?date=": 5,
    "/book/slots": 4,  # JSON: no footer
    "/book/details": 5,  # the type, then the slot finder once: is the time still free; footer
    "/booking/<token>": 5,  # the booking, its type, practitioner and photos, footer
    # User, practitioners, counts, video bookings waiting for a link (the prompt), page, audit.
    "/staff/enquiries": 6,
    "/staff/enquiries.csv": 5,  # user, practitioners, counts, audit, one streamed listing
    # User, enquiry, audit, the enquiry with its assignee and its five lists, practitioners.
    "/staff/enquiries/<id>": 10,
    # User, booking, audit, the booking with its type, practitioner and enquiry and its four lists.
    "/staff/bookings/<id>": 8,
    "/staff/day": 5,  # user, practitioner, audit, bookings, photos
    "/staff/admin/users": 2,
    "/staff/admin/practitioners": 2,
    "/staff/admin/closures": 4,  # user, upcoming, past, the coming bank holidays opened
    "/staff/admin/types": 2,
    "/staff/admin/audit": 6,  # user, accounts, actions, record types, count, page
}

EXTRA_PRACTITIONERS = 2  # with the schedule's two, room for 1,000 bookings in four weeks


@pytest.fixture
def app_settings(app_settings):
    # What rendering a page costs, not what a cache of rendered pages saves.
    return {**app_settings, "PAGE_CACHE_SECONDS": 0}


def fetch(app, client, url):
    """The page's text and the statements its request ran; the page must answer 200."""
    with counted_queries(app) as statements:
        response = client.get(url)
        text = response.get_data(as_text=True)
    assert response.status_code == 200, (url, response.status_code, response.headers.get("Location"))
    return text, statements


def steps(sizes=SIZES):
    """(numbers of the rows to add, total) for each size: the data grows from one size to the next."""
    previous = 0
    for size in sizes:
        yield range(previous, size), size
        previous = size


def assert_within_budget(page, statements_by_size):
    smallest, largest = (statements_by_size[size] for size in sorted(statements_by_size))
    listing = "\n".join(largest)
    assert len(smallest) == len(largest), f"{page}: {len(smallest)} then {len(largest)}\n{listing}"
    assert len(largest) <= BUDGETS[page], f"{page}: {len(largest)} > {BUDGETS[page]}\n{listing}"


# ---------- Public pages and the booking steps ----------


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/", "Book a consultation"),
        ("/smp", "hair transplant"),
        ("/testimonials", "Testimonial headline {last}"),
        ("/media", "Feature {last}"),
    ],
)
def test_information_pages(app, client, path, shown):
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            data.add_content(numbers)
        text, seen[size] = fetch(app, client, path)
        assert shown.format(last=size - 1) in text
    assert_within_budget(path, seen)


def test_choosing_a_type_and_practitioner(app, client):
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            data.add_practitioners(numbers, with_hours=False)
            data.add_types(numbers)
        text, seen[size] = fetch(app, client, "/book")
        assert f"Practitioner Q{size - 1:05d}" in text and f"Type Q{size - 1:05d}" in text
    assert_within_budget("/book", seen)


@pytest.fixture
def bookings_to_add(app, schedule):
    """Two more practitioners, and for each size the (practitioner id, start) of the bookings to
    add: first ten spread over four weeks from schedule.day, then the rest in time order. 9am
    stays free every day."""
    with app.app_context():
        extra = data.add_practitioners(range(EXTRA_PRACTITIONERS))
    every = data.slot_starts(schedule.day, [schedule.first, schedule.second, *extra])
    first = data.spread(every, SIZES[0])
    rest = [start for start in every if start not in set(first)]
    return {SIZES[0]: first, SIZES[1]: rest[: SIZES[1] - SIZES[0]]}


BOOKING_STEPS = {
    "/book/times": "/book/times?type={type}&practitioner=any",
    "/book/times?date=": "/book/times?type={type}&practitioner=any&date={day}",
    "/book/slots": "/book/slots?type={type}&practitioner=any&date={day}",
    "/book/details": "/book/details?type={type}&practitioner=any&start={nine}",
}


@pytest.mark.parametrize("page", BOOKING_STEPS)
def test_booking_steps_for_any_practitioner(app, client, schedule, bookings_to_add, page):
    nine = local_start(schedule.day, 9)
    url = BOOKING_STEPS[page].format(
        type=schedule.in_clinic, day=schedule.day.isoformat(), nine=format_start(nine)
    )
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            data.add_bookings(numbers, schedule.in_clinic, bookings_to_add[size])
        text, seen[size] = fetch(app, client, url)
        assert (format_start(nine) if page == "/book/slots" else "9am") in text
    assert_within_budget(page, seen)


def test_the_patients_manage_page(app, client, schedule, bookings_to_add):
    """The patient's booking among the others, with as many photos as there are bookings."""
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            data.add_bookings(numbers, schedule.in_clinic, bookings_to_add[size])
            booking = db.session.scalar(select(Booking).where(Booking.reference == "BKG-Q00000"))
            data.add_photos({"booking_id": booking.id} for _ in numbers)
            with app.test_request_context():
                token = manage_token(booking)
        text, seen[size] = fetch(app, client, f"/booking/{token}")
        assert "BKG-Q00000" in text and "Withdraw consent for my photos" in text
    assert_within_budget("/booking/<token>", seen)


# ---------- Staff pages ----------


def test_the_inbox_and_its_export(app, schedule, bookings_to_add, as_role):
    """As many enquiries as bookings: 2,000 rows in the list at the larger size."""
    client = as_role("reception")
    seen, exported = {}, {}
    for numbers, size in steps():
        with app.app_context():
            data.add_enquiries(numbers, assigned_practitioner_id=schedule.second)
            data.add_bookings(numbers, schedule.in_clinic, bookings_to_add[size])
        text, seen[size] = fetch(app, client, "/staff/enquiries")
        assert f"ENQ-Q{size - 1:05d}" in text
        csv, exported[size] = fetch(app, client, "/staff/enquiries.csv")
        assert len(csv.splitlines()) == 1 + 2 * size
        assert f"ENQ-Q{size - 1:05d}" in csv and f"BKG-Q{size - 1:05d}" in csv
    assert_within_budget("/staff/enquiries", seen)
    assert_within_budget("/staff/enquiries.csv", exported)


def add_record_details(numbers, owner, authors):
    data.add_notes(numbers, owner, authors)
    data.add_emails(numbers, owner)
    data.add_photos(owner for _ in numbers)


def assert_record_details_shown(text, size):
    assert text.count('class="note"') == size and f"note {size - 1}." in text
    assert text.count('class="delivery ') == size
    assert text.count('class="photo-grid__link"') == size


def test_the_enquiry_page(app, schedule, as_role):
    """An enquiry with as many notes, emails and photos as the size, each note by its own author;
    three consents and two bookings."""
    client = as_role("reception")
    with app.app_context():
        (enquiry_id,) = data.add_enquiries(range(1), assigned_practitioner_id=schedule.first)
        data.bulk(
            ConsentRecord,
            (
                {"enquiry_id": enquiry_id, "purpose": purpose, "version": "2026-11", "wording": "I agree."}
                for purpose in ("health_data", "photos", "marketing")
            ),
        )
        starts = data.slot_starts(schedule.day, [schedule.first])[:2]
        data.add_bookings(range(2), schedule.in_clinic, starts, enquiry_id=enquiry_id)
        authors = data.add_staff(range(SIZES[-1]))
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            add_record_details(numbers, {"enquiry_id": enquiry_id}, authors)
        text, seen[size] = fetch(app, client, f"/staff/enquiries/{enquiry_id}")
        assert_record_details_shown(text, size)
        assert "BKG-Q00001" in text
    assert_within_budget("/staff/enquiries/<id>", seen)


def test_the_booking_page(app, schedule, as_role):
    """A booking from an enquiry, with as many notes, emails and photos as the size, each note by
    its own author."""
    client = as_role("reception")
    with app.app_context():
        (enquiry_id,) = data.add_enquiries(range(1))
        starts = data.slot_starts(schedule.day, [schedule.first])[:1]
        (booking_id,) = data.add_bookings(range(1), schedule.in_clinic, starts, enquiry_id=enquiry_id)
        authors = data.add_staff(range(SIZES[-1]))
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            add_record_details(numbers, {"booking_id": booking_id}, authors)
        text, seen[size] = fetch(app, client, f"/staff/bookings/{booking_id}")
        assert_record_details_shown(text, size)
        assert "ENQ-Q00000" in text
    assert_within_budget("/staff/bookings/<id>", seen)


def test_the_day_list(app, schedule, as_role):
    """One practitioner's own list: 12 live bookings 40 minutes apart fill the day; past 12 the
    bookings are cancelled ones at the same times, which the list shows apart. Each has a photo;
    every other one is a video consultation."""
    client = as_role("practitioner")
    seen = {}
    for numbers, size in steps(DAY_SIZES):
        with app.app_context():
            for number in numbers:
                start = local_start(schedule.day, 9) + (number % 12) * data.BOOKING_GAP
                (booking_id,) = data.add_bookings(
                    [number],
                    (schedule.in_clinic, schedule.video)[number % 2],
                    [(schedule.first, start)],
                    **({"status": BookingStatus.CANCELLED} if number >= 12 else {}),
                )
                data.add_photos([{"booking_id": booking_id}])
        text, seen[size] = fetch(app, client, f"/staff/day?date={schedule.day.isoformat()}")
        assert text.count('class="day-reference"') == min(size, 12)
        assert text.count("<s>") == max(0, size - 12)
        assert text.count('class="day-photo"') == min(size, 12)
        assert f"Patient Booked{size - 1}" in text
    assert_within_budget("/staff/day", seen)


def add_linked_accounts(numbers):
    data.add_staff(numbers, data.add_practitioners(numbers, with_hours=False))


def add_practitioner_closures(numbers):
    data.add_closures(numbers, data.add_practitioners(numbers, with_hours=False))


ADMIN_LISTS = {
    # Accounts each linked to their own practitioner.
    "/staff/admin/users": (add_linked_accounts, "Practitioner Q{last:05d}"),
    "/staff/admin/practitioners": (data.add_practitioners, "Practitioner Q{last:05d}"),
    # Closures to come and past ones, each of its own practitioner.
    "/staff/admin/closures": (add_practitioner_closures, "Practitioner Q{last:05d}"),
    "/staff/admin/types": (data.add_types, "Type Q{last:05d}"),
}


@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_admin_lists(app, as_role, path):
    add, shown = ADMIN_LISTS[path]
    client = as_role("admin")
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            add(numbers)
        text, seen[size] = fetch(app, client, path)
        assert shown.format(last=size - 1) in text
    assert_within_budget(path, seen)


def test_the_audit_log(app, as_role):
    """Entries by as many accounts as there are entries, each about the account that made it."""
    client = as_role("admin")
    start = data.NOW - timedelta(days=1)
    seen = {}
    for numbers, size in steps():
        with app.app_context():
            data.add_audit_entries(numbers, data.add_staff(numbers), start)
        text, seen[size] = fetch(app, client, "/staff/admin/audit")
        assert f"entry {size - 1:05d}" in text and f"Staff Member{size - 1}" in text
    assert_within_budget("/staff/admin/audit", seen)
