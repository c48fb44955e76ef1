"""Reception's inbox: one list of enquiries and bookings, its filters, pages, counts and CSV export."""

import csv
import io
import itertools
import re
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEntry, ConsultationType, Practitioner
from clinic.staff.inbox.queries import CSV_HEADER
from tests.factories import BookingFactory, EnquiryFactory
from tests.support.clinic_days import local_start

ROW_LINK = re.compile(r'<th scope="row">\s*<a href="([^"]+)">([^<]+)</a>')


def local_today():
    return datetime.now(ZoneInfo("Europe/London")).date()


def days_ago(days, hour=12):
    return local_start(local_today() - timedelta(days=days), hour)


@pytest.fixture
def add(app, schedule):
    """add.enquiry(...) and add.booking(...) save a record received at `received` and return its id."""
    starts = itertools.count()

    def enquiry(received, **fields):
        with app.app_context():
            return EnquiryFactory(created_at=received, **fields).id

    def booking(received, practitioner=None, **fields):
        with app.app_context():
            fields.setdefault(
                "starts_at", local_start(schedule.day, 9) + timedelta(minutes=30 * next(starts))
            )
            return BookingFactory(
                created_at=received,
                type=db.session.get(ConsultationType, schedule.in_clinic),
                practitioner=db.session.get(Practitioner, practitioner or schedule.first),
                **fields,
            ).id

    return SimpleNamespace(enquiry=enquiry, booking=booking)


@pytest.fixture
def inbox(add, schedule):
    """Two enquiries and two bookings, received on four different days."""
    return {
        "ENQ-NEW111": add.enquiry(
            days_ago(5),
            reference="ENQ-NEW111",
            full_name="Alex Morgan",
            email="alex.morgan@gmail.com",
            phone="+447700900123",
            concern="hairline",
            status="new",
        ),
        "ENQ-CON222": add.enquiry(
            days_ago(3),
            reference="ENQ-CON222",
            full_name="Priya Shah",
            email="priya.shah@outlook.com",
            phone=None,
            concern="thinning",
            status="contacted",
            assigned_practitioner_id=schedule.second,
        ),
        "BKG-BOO333": add.booking(
            days_ago(2),
            reference="BKG-BOO333",
            full_name="Jordan Ellis",
            email="jordan.ellis@gmail.com",
            phone="+447911123456",
            concern="crown",
        ),
        "BKG-CAN444": add.booking(
            days_ago(1),
            practitioner=schedule.second,
            reference="BKG-CAN444",
            full_name="Chris Patel",
            email="chris.patel@yahoo.co.uk",
            phone="+447400123987",
            concern="scar",
            status="cancelled",
        ),
    }


@pytest.fixture
def reception(as_role):
    return as_role("reception")


def listed(response):
    assert response.status_code == 200, response.status_code
    return [reference for _, reference in ROW_LINK.findall(response.get_data(as_text=True))]


def counts_shown(html):
    """The counts section as {"All": n, ("Enquiries", "New"): n, ("Bookings", "Booked"): n, ...}."""
    section = html.split('aria-labelledby="counts-title"')[1].split("</section>")[0]
    counts, group = {}, None
    for heading, label, n in re.findall(
        r'<h3 class="inbox-counts__kind">([^<]+)</h3>|>([^<>]+) <span class="inbox-counts__n">(\d+)</span>',
        section,
    ):
        if heading:
            group = heading
        else:
            counts[(group, label) if group else label] = int(n)
    return counts


def test_enquiries_and_bookings_are_listed_together_newest_first(reception, add, schedule):
    old = add.enquiry(days_ago(4), reference="ENQ-OLD111", full_name="Alex Morgan")
    booking = add.booking(
        days_ago(2), reference="BKG-MID222", full_name="Jordan Ellis", starts_at=local_start(schedule.day, 15)
    )
    new = add.enquiry(days_ago(0, hour=0) + timedelta(minutes=5), reference="ENQ-NEW333")

    response = reception.get("/staff/enquiries")

    assert listed(response) == ["ENQ-NEW333", "BKG-MID222", "ENQ-OLD111"]
    html = response.get_data(as_text=True)
    assert f'href="/staff/enquiries/{new}"' in html
    assert f'href="/staff/enquiries/{old}"' in html
    assert f'href="/staff/bookings/{booking}"' in html
    assert f"{schedule.day.day} {schedule.day:%b %Y}, 3pm" in html  # the appointment, in clinic time
    assert "Sam Adeyemi" in html and "Receding hairline" in html
    assert "error-summary" not in html


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ["BKG-CAN444", "BKG-BOO333", "ENQ-CON222", "ENQ-NEW111"]),
        ({"kind": "enquiry"}, ["ENQ-CON222", "ENQ-NEW111"]),
        ({"kind": "booking"}, ["BKG-CAN444", "BKG-BOO333"]),
        ({"status": "contacted"}, ["ENQ-CON222"]),
        ({"status": "booked"}, ["BKG-BOO333"]),
        ({"kind": "enquiry", "status": "cancelled"}, []),
        ({"kind": "booking", "status": "cancelled"}, ["BKG-CAN444"]),
        ({"concern": "crown"}, ["BKG-BOO333"]),
        ({"concern": "hairline", "kind": "booking"}, []),
        ({"practitioner": "second"}, ["BKG-CAN444", "ENQ-CON222"]),
        ({"practitioner": "first"}, ["BKG-BOO333"]),
        ({"date_from": 3, "date_to": 2}, ["BKG-BOO333", "ENQ-CON222"]),
        ({"date_from": 2}, ["BKG-CAN444", "BKG-BOO333"]),
        ({"date_to": 5}, ["ENQ-NEW111"]),
        ({"date_from": 1, "date_to": 1}, ["BKG-CAN444"]),
    ],
)
def test_filters(reception, inbox, schedule, args, expected):
    assert listed(reception.get("/staff/enquiries", query_string=resolve(args, schedule))) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("priya", ["ENQ-CON222"]),
        ("PATEL", ["BKG-CAN444"]),
        ("morgan", ["ENQ-NEW111"]),
        ("outlook.com", ["ENQ-CON222"]),
        ("JORDAN.ELLIS@GMAIL.COM", ["BKG-BOO333"]),
        ("gmail", ["BKG-BOO333", "ENQ-NEW111"]),
        ("07911 123456", ["BKG-BOO333"]),
        ("+44 7911 123456", ["BKG-BOO333"]),
        ("0044 7911-123456", ["BKG-BOO333"]),
        ("(07400) 123987", ["BKG-CAN444"]),
        ("123987", ["BKG-CAN444"]),
        ("07700", ["ENQ-NEW111"]),
        ("enq-new111", ["ENQ-NEW111"]),
        ("BKG-boo333", ["BKG-BOO333"]),
        ("boo3", ["BKG-BOO333"]),
        ("%", []),
        ("nobody at all", []),
    ],
)
def test_search_by_name_email_phone_or_reference(reception, inbox, q, expected):
    assert listed(reception.get("/staff/enquiries", query_string={"q": q})) == expected


def test_search_combines_with_filters(reception, inbox):
    assert listed(reception.get("/staff/enquiries", query_string={"q": "gmail", "kind": "enquiry"})) == [
        "ENQ-NEW111"
    ]


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(reception, inbox):
    html = reception.get("/staff/enquiries", query_string={"q": "nobody at all"}).get_data(as_text=True)

    assert "Nothing matches these filters" in html
    assert "<table" not in html
    assert "Download CSV" not in html


def test_an_empty_inbox_says_nothing_has_arrived(reception):
    html = reception.get("/staff/enquiries").get_data(as_text=True)

    assert "No enquiries or bookings yet" in html


@pytest.mark.parametrize(
    ("args", "field_error"),
    [
        ({"status": "lost"}, "Choose one of the options in the list."),
        ({"q": "priya\x00"}, "Remove the hidden control characters from this answer."),
        ({"q": "x" * 101}, "Keep the search to 100 characters or fewer."),
        ({"practitioner": "999"}, "Choose one of the options in the list."),
        ({"date_from": "yesterday"}, "Not a valid date value."),
        ({"date_to": "9999-12-31"}, "Enter a date between the years 2000 and 2999."),
        ({"date_from": "0001-01-01"}, "Enter a date between the years 2000 and 2999."),
        (
            {"date_from": "2020-03-02", "date_to": "2020-03-01"},
            "Choose an end date on or after the start date.",
        ),
    ],
)
def test_a_filter_that_does_not_make_sense_is_explained_and_left_out(reception, inbox, args, field_error):
    response = reception.get("/staff/enquiries", query_string=args)

    assert field_error in response.get_data(as_text=True)
    assert len(listed(response)) == 4


def test_pages_of_fifty_keep_the_filters(reception, add):
    for n in range(55):
        add.enquiry(days_ago(1) - timedelta(minutes=n), reference=f"ENQ-P{n:05d}", concern="crown")
    add.enquiry(days_ago(0), reference="ENQ-OTHER1", concern="scar")
    args = {"kind": "enquiry", "concern": "crown", "q": "ENQ-P"}

    first = reception.get("/staff/enquiries", query_string=args)

    assert listed(first) == [f"ENQ-P{n:05d}" for n in range(50)]
    html = first.get_data(as_text=True)
    assert "Showing 1 to 50 of 55" in html
    assert 'aria-label="Pages of results"' in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html).group(1).replace("&amp;", "&")
    for part in ("kind=enquiry", "concern=crown", "q=ENQ-P", "page=2"):
        assert part in next_link
    second = reception.get(next_link)
    assert listed(second) == [f"ENQ-P{n:05d}" for n in range(50, 55)]
    assert 'rel="prev"' in second.get_data(as_text=True)


def test_a_page_past_the_end_shows_the_last_page(reception, inbox):
    assert listed(reception.get("/staff/enquiries?page=7")) == [
        "BKG-CAN444",
        "BKG-BOO333",
        "ENQ-CON222",
        "ENQ-NEW111",
    ]


def test_counts_by_status_follow_the_other_filters_but_not_the_status(reception, inbox, add):
    add.enquiry(days_ago(4), status="booked", concern="crown")

    counts = counts_shown(
        reception.get("/staff/enquiries", query_string={"status": "contacted"}).get_data(as_text=True)
    )
    assert counts["All"] == 5
    assert counts[("Enquiries", "New")] == 1
    assert counts[("Enquiries", "Contacted")] == 1
    assert counts[("Enquiries", "Booked")] == 1
    assert counts[("Enquiries", "Spam")] == 0
    assert counts[("Bookings", "Booked")] == 1
    assert counts[("Bookings", "Cancelled")] == 1

    counts = counts_shown(
        reception.get("/staff/enquiries", query_string={"concern": "crown"}).get_data(as_text=True)
    )
    assert counts["All"] == 2
    assert counts[("Enquiries", "New")] == 0
    assert counts[("Enquiries", "Booked")] == 1
    assert counts[("Bookings", "Booked")] == 1
    assert counts[("Bookings", "Cancelled")] == 0


def test_the_booked_status_shows_booked_enquiries_and_live_bookings(reception, inbox, add):
    add.enquiry(days_ago(4), reference="ENQ-BKD555", status="booked")

    assert listed(reception.get("/staff/enquiries?status=booked")) == ["BKG-BOO333", "ENQ-BKD555"]


def test_count_links_filter_by_kind_and_status_and_keep_the_rest(reception, inbox):
    html = reception.get("/staff/enquiries", query_string={"concern": "scar"}).get_data(as_text=True)

    link = re.search(r'<a href="([^"]+)">Cancelled <span', html).group(1).replace("&amp;", "&")
    for part in ("kind=booking", "status=cancelled", "concern=scar"):
        assert part in link
    assert listed(reception.get(link)) == ["BKG-CAN444"]


def test_counts_show_only_the_chosen_kind(reception, inbox):
    counts = counts_shown(
        reception.get("/staff/enquiries", query_string={"kind": "enquiry"}).get_data(as_text=True)
    )

    assert counts[("Enquiries", "Contacted")] == 1
    assert not any(key[0] == "Bookings" for key in counts if isinstance(key, tuple))


def read_csv(response):
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_csv_export_has_every_matching_row_with_its_details(reception, inbox, schedule):
    response = reception.get("/staff/enquiries.csv")

    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="enquiries-and-bookings-{local_today().isoformat()}.csv"'
    header = response.get_data(as_text=True).removeprefix("\ufeff").splitlines()[0]
    assert header == ",".join(f'"{column}"' for column in CSV_HEADER)
    rows = read_csv(response)
    assert [row["reference"] for row in rows] == ["BKG-CAN444", "BKG-BOO333", "ENQ-CON222", "ENQ-NEW111"]
    booked = rows[1]
    assert booked["kind"] == "booking"
    assert booked["received"].startswith(f"{local_today() - timedelta(days=2)}T12:00")
    assert booked["name"] == "Jordan Ellis"
    assert booked["email"] == "jordan.ellis@gmail.com"
    assert booked["phone"] == "07911 123456"
    assert booked["status"] == "Booked"
    assert booked["concern"] == "Crown"
    assert booked["practitioner"] == "Sam Adeyemi"
    assert booked["appointment"].startswith(f"{schedule.day.isoformat()}T09:00")
    assert rows[2]["phone"] == "" and rows[2]["appointment"] == ""


def test_csv_export_respects_the_filters_and_is_not_paged(reception, add):
    for n in range(60):
        add.enquiry(days_ago(1) - timedelta(minutes=n), reference=f"ENQ-X{n:05d}", concern="alopecia")
    add.enquiry(days_ago(1), reference="ENQ-OTHER1", concern="scar")

    rows = read_csv(reception.get("/staff/enquiries.csv", query_string={"concern": "alopecia"}))

    assert len(rows) == 60
    assert {row["concern"] for row in rows} == {"Alopecia"}


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example.com")', "+1", "-2", "@SUM(A1)", "\t=1+1", "\r=1+1"],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(reception, add, name):
    add.enquiry(days_ago(1), full_name=name, email="x@example.com", phone="+15555550123")

    [row] = read_csv(reception.get("/staff/enquiries.csv"))

    assert row["name"] == "'" + name
    assert row["phone"] == "'+1 555-555-0123"  # a number abroad is shown with +, so neutralised too
    assert row["email"] == "x@example.com"


def test_csv_link_carries_the_current_filters(reception, inbox):
    html = reception.get("/staff/enquiries", query_string={"kind": "booking", "q": "gmail"}).get_data(
        as_text=True
    )

    link = re.search(r'<a class="button button--secondary" href="([^"]+)" download>', html).group(1)
    link = link.replace("&amp;", "&")
    assert link.startswith("/staff/enquiries.csv?")
    assert [row["reference"] for row in read_csv(reception.get(link))] == ["BKG-BOO333"]


def test_csv_with_a_filter_that_does_not_make_sense_goes_back_to_the_list(reception, inbox):
    response = reception.get("/staff/enquiries.csv", query_string={"status": "lost"})

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/staff/enquiries?")


def audit_entries(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_an_export_is_audited_with_a_count_and_no_names(app, reception, inbox, staff):
    reception.get("/staff/enquiries.csv", query_string={"kind": "enquiry"})

    [entry] = audit_entries(app, "exported inbox")
    assert entry.actor_id == staff.reception.id
    assert entry.summary == "exported 2 rows"
    assert entry.record_id is None
    for name in ("Priya", "Shah", "Alex", "Morgan", "thinning", "hairline"):
        assert name not in entry.summary


def test_each_view_of_the_list_is_audited_once(app, reception, inbox, staff):
    reception.get("/staff/enquiries")
    reception.get("/staff/enquiries", query_string={"q": "priya"})

    entries = audit_entries(app, "viewed inbox")
    assert len(entries) == 2
    assert {entry.actor_id for entry in entries} == {staff.reception.id}
    assert all("priya" not in entry.summary.lower() for entry in entries)


@pytest.mark.parametrize("path", ["/staff/enquiries", "/staff/enquiries.csv"])
def test_practitioners_may_not_see_the_inbox(as_role, path):
    assert as_role("practitioner").get(path).status_code == 403


@pytest.mark.parametrize("path", ["/staff/enquiries", "/staff/enquiries.csv"])
def test_anonymous_visitors_are_sent_to_sign_in(client, staff, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("path", ["/staff/enquiries", "/staff/enquiries.csv"])
def test_inbox_pages_are_never_cached(reception, inbox, path):
    response = reception.get(path)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def resolve(args, schedule):
    """Test-case arguments with practitioners named as "first"/"second" and dates as days ago."""
    resolved = dict(args)
    if "practitioner" in resolved:
        resolved["practitioner"] = getattr(schedule, resolved["practitioner"])
    for name in ("date_from", "date_to"):
        if name in resolved:
            resolved[name] = (local_today() - timedelta(days=resolved[name])).isoformat()
    return resolved
