"""Property-based tests: hostile values in every field of every public and staff form.

Each test runs EXAMPLES_PER_FORM Hypothesis examples (tests/support/fuzz.py: 40, or
FUZZ_EXAMPLES from the environment for a deeper run) through the HTTP test client and
checks that no answer is a server error, that whatever a page or email shows back is
escaped, that every email is sent with one-line headers, and that the CSV export neither
loses columns nor starts a cell with something a spreadsheet would run.
"""

import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from clinic.booking.tokens import leave_token, offer_token
from clinic.clinic_time import parse_start
from clinic.extensions import db
from clinic.models import WaitlistEntry
from clinic.models.types import utcnow
from clinic.public import forms as public_forms
from clinic.web.templating import patient_name
from tests.factories import EnquiryFactory
from tests.support.bookings import place
from tests.support.clinic_days import local_start
from tests.support.fuzz import (
    XSS,
    assert_safe,
    check_mail,
    csv_rows,
    dates,
    either,
    fuzz,
    garbage_choices,
    junk,
    junk_for,
    numbers,
    query_with,
    starts,
    submission,
    times,
    typed,
    typed_up_to,
    unique_email,
    unique_number,
)
from tests.support.patients import booking_details, enquiry_form
from tests.support.staff import STAFF_PASSWORD, sign_in
from tests.support.waitlist import entry_form

FREE = "a free time"  # stands for a slot start looked up when the example runs
future_days = st.dates(date.today() + timedelta(days=1), date(2999, 12, 31)).map(date.isoformat)
at_example = typed.map(lambda text: f"{text}@example.co.uk")


@pytest.fixture(autouse=True)
def no_rate_limits(app_settings):
    for limit in ("ENQUIRY_RATE_LIMIT", "BOOKING_RATE_LIMIT", "STAFF_SIGN_IN_RATE_LIMIT"):
        app_settings[limit] = "100000 per minute"


@pytest.fixture
def reception(as_role):
    return as_role("reception")


@pytest.fixture
def admin(as_role):
    return as_role("admin")


def free_start(client, schedule, practitioner="any"):
    """The first free slot from schedule.day on, as the booking pages would offer it."""
    for offset in range(60):
        day = schedule.day + timedelta(days=offset)
        query = {"type": schedule.in_clinic, "practitioner": practitioner, "date": day.isoformat()}
        found = client.get("/book/slots", query_string=query).get_json()["slots"]
        if found:
            return found[0]["start"]
    raise AssertionError("no free time in 60 days")


def with_free_start(client, schedule, values):
    return {name: free_start(client, schedule) if value == FREE else value for name, value in values.items()}


def booking_of_its_own(app, schedule, *, past=False, photo=False, **fields):
    """A live booking on a time and email of its own, beyond the days the examples book."""
    n = unique_number()
    if past:
        start = (utcnow() - timedelta(days=40, minutes=45 * n)).replace(second=0, microsecond=0)
    else:
        start = local_start(schedule.day + timedelta(days=70 + n // 8), 9 + n % 8)
    fields = {"email": unique_email()} | fields
    return place(app, start, schedule.in_clinic, schedule.first, photo=photo, **fields)


def make_enquiry(app, **fields):
    """Saved straight to the database, past the form: a name must fit its 120-character column."""
    with app.app_context():
        return EnquiryFactory(email=unique_email(), **fields).id


def follow(client, response):
    """The page a successful POST redirects to, checked like any other."""
    if response.status_code in (302, 303):
        assert_safe(client.get(response.headers["Location"]))


def patient_submission_handled(client, runner, mail_sink, response, data):
    """Checks a patient's POST: a safe answer, and after success a safe next page and every
    email sent (none only when the honeypot caught it)."""
    assert_safe(response)
    if response.status_code == 303:
        follow(client, response)
        sent = check_mail(runner, mail_sink)
        assert sent or data.get("website")


# ---------- Public forms ----------

# The form's own answers, and the boxes and honeypot beside them.
ENQUIRY_FIELDS = (
    *public_forms.ENQUIRY_FIELDS,
    "health_consent",
    "marketing_opt_in",
    "photo_consent",
    "website",
)


@fuzz
@given(name=typed_up_to(120), message=typed_up_to(5000), changes=junk_for(ENQUIRY_FIELDS))
def test_enquiry_form(app, client, runner, mail_sink, name, message, changes):
    mail_sink.reset()
    data = submission(enquiry_form(email=unique_email(), full_name=name, message=message), changes)

    response = client.post("/enquire", data=data)

    assert_safe(response)
    if response.status_code == 303:
        assert_safe(client.get("/enquire/thanks"))
        check_mail(runner, mail_sink)
        if not data.get("website"):
            [staff_email] = mail_sink.to(app.config["CLINIC_STAFF_EMAIL"][0])
            # The name as emails show a name (clinic.web.templating.patient_name).
            assert str(escape(patient_name(data["full_name"]))) in staff_email.html


PATIENT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "concern",
    "pattern_stage",
    "notes",
    "adult_confirmed",
    "health_consent",
    "marketing_opt_in",
    "website",
)


@fuzz
@given(name=typed_up_to(120), notes=typed_up_to(3000), changes=junk_for((*PATIENT_FIELDS, "photo_consent")))
def test_booking_details_form(app, client, runner, mail_sink, schedule, name, notes, changes):
    mail_sink.reset()
    start = parse_start(free_start(client, schedule))
    data = submission(
        booking_details(schedule.in_clinic, start, email=unique_email(), full_name=name, notes=notes), changes
    )

    response = client.post("/book/details", data=data)

    patient_submission_handled(client, runner, mail_sink, response, data)


@fuzz
@given(
    name=typed_up_to(120),
    notes=typed_up_to(3000),
    # Days as ticked, or each sent twice as a tampered form might, or junk.
    weekdays=either(
        st.lists(st.sampled_from("0123456"), min_size=1, max_size=7).flatmap(
            lambda days: st.sampled_from((days, days * 2))
        ),
        st.lists(junk),
    ),
    changes=junk_for((*PATIENT_FIELDS, "type", "practitioner", "part_of_day")),
)
def test_waitlist_form(app, client, runner, mail_sink, schedule, name, notes, weekdays, changes):
    mail_sink.reset()
    valid = entry_form(schedule, email=unique_email(), full_name=name, notes=notes, weekdays=weekdays)
    data = submission(valid, changes)

    response = client.post("/book/waitlist", data=data)

    patient_submission_handled(client, runner, mail_sink, response, data)


@fuzz
@given(
    path=st.sampled_from(("/book", "/book/times", "/book/slots", "/book/details", "/book/waitlist")),
    query=query_with(
        {
            "type": st.one_of(junk, numbers),
            "practitioner": st.one_of(junk, numbers, garbage_choices),
            "date": st.one_of(junk, dates),
            "week": st.one_of(junk, dates),
            "start": st.one_of(junk, starts),
        },
    ),
    keep_type=st.booleans(),
)
def test_booking_pages_with_junk_in_the_query_string(client, schedule, path, query, keep_type):
    if keep_type:
        query = {**query, "type": schedule.in_clinic}
    assert_safe(client.get(path, query_string=query))


# None stands for a valid link to a booking made for the example.
tokens = either(st.none(), junk.filter(bool))


@fuzz
@given(
    token=tokens, extra=junk_for(("csrf_token", "confirm", "reason")), method=st.sampled_from(("GET", "POST"))
)
def test_manage_cancel(app, client, runner, mail_sink, schedule, token, extra, method):
    mail_sink.reset()
    token = token or booking_of_its_own(app, schedule).token

    response = client.open(f"/booking/{quote(token, safe='')}/cancel", method=method, data=extra)

    assert_safe(response)
    if response.status_code == 303:
        follow(client, response)
        check_mail(runner, mail_sink)


@fuzz
@given(
    token=tokens,
    values=query_with(
        {
            "practitioner": either(("any", "1", "2"), st.one_of(junk, garbage_choices)),
            "start": either(st.just(FREE), st.one_of(junk, starts)),
            "date": dates,
            "week": dates,
        },
    ),
    method=st.sampled_from(("GET", "POST")),
)
def test_manage_move(app, client, runner, mail_sink, schedule, token, values, method):
    mail_sink.reset()
    token = token or booking_of_its_own(app, schedule).token
    values = with_free_start(client, schedule, values)
    path = f"/booking/{quote(token, safe='')}/move"

    assert_safe(client.get(path, query_string=values))
    if method == "GET":
        response = client.get(f"{path}/confirm", query_string=values)
    else:
        response = client.post(f"{path}/confirm", data=values)

    assert_safe(response)
    if method == "POST" and response.status_code == 303:
        follow(client, response)
        check_mail(runner, mail_sink)


@fuzz
@given(token=tokens, extra=junk_for(("csrf_token", "confirm")), method=st.sampled_from(("GET", "POST")))
def test_manage_withdraw_photos(app, client, schedule, token, extra, method):
    token = token or booking_of_its_own(app, schedule, photo=True).token

    response = client.open(f"/booking/{quote(token, safe='')}/photos/withdraw", method=method, data=extra)

    assert_safe(response)
    follow(client, response)


@fuzz
@given(
    name=typed_up_to(120),
    notes=typed_up_to(3000),
    token=tokens,
    extra=junk_for(("csrf_token", "confirm")),
    method=st.sampled_from(("GET", "POST")),
)
def test_waitlist_offer_claim(app, client, runner, mail_sink, schedule, name, notes, token, extra, method):
    mail_sink.reset()
    if token is None:
        email = unique_email()
        joined = client.post(
            "/book/waitlist", data=entry_form(schedule, email=email, full_name=name, notes=notes)
        )
        assume(joined.status_code == 303)
        start = parse_start(free_start(client, schedule, practitioner=schedule.first))
        with app.app_context():
            entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.email == email))
            token = offer_token(entry, start, schedule.first)
        mail_sink.reset()

    response = client.open(f"/waitlist/offer/{quote(token, safe='')}", method=method, data=extra)

    assert_safe(response)
    if response.status_code == 303:
        follow(client, response)
        assert check_mail(runner, mail_sink)


@fuzz
@given(
    name=typed_up_to(120),
    token=tokens,
    extra=junk_for(("csrf_token", "List-Unsubscribe"), {"List-Unsubscribe": st.just("One-Click")}),
    method=st.sampled_from(("GET", "POST")),
)
def test_waitlist_leave(app, client, schedule, name, token, extra, method):
    if token is None:
        email = unique_email()
        joined = client.post("/book/waitlist", data=entry_form(schedule, email=email, full_name=name))
        assume(joined.status_code == 303)
        with app.app_context():
            entry = db.session.scalar(select(WaitlistEntry).where(WaitlistEntry.email == email))
            token = leave_token(entry)

    response = client.open(f"/waitlist/leave/{quote(token, safe='')}", method=method, data=extra)

    assert_safe(response)
    follow(client, response)


# ---------- Signing in and staff accounts ----------


@fuzz
@given(
    email=either(("reception@hairline-clinic.co.uk", "RECEPTION@hairline-clinic.co.uk ")),
    password=either((STAFF_PASSWORD,)),
    code=either(("",)),
    next_page=either(
        st.sampled_from(
            (
                "/staff/day",
                "//evil.example.com",
                "/\t/evil.example.com",
                "/\\evil.example.com",
                "javascript:x",
                None,
            )
        ),
    ),
)
def test_staff_sign_in_form(app, staff, email, password, code, next_page):
    client = app.test_client()
    query = {} if next_page is None else {"next": next_page}

    response = client.post(
        "/staff/login", query_string=query, data={"email": email, "password": password, "code": code}
    )

    assert_safe(response)
    if response.status_code == 303:
        # Browsers drop tabs and newlines from a URL and read a backslash as a slash.
        seen_by_browser = re.sub(r"[\t\n\r]", "", response.headers["Location"]).replace("\\", "/")
        assert seen_by_browser.startswith("/") and not seen_by_browser.startswith("//"), seen_by_browser


@fuzz
@given(code=st.one_of(junk, numbers, st.just("123456")))
def test_two_factor_form(admin, code):
    assert_safe(admin.post("/staff/account/two-factor", data={"code": code}))


@pytest.fixture
def password_now():
    """Reception's password, which an example that succeeds changes for the examples after it."""
    return [STAFF_PASSWORD]


@fuzz
@given(
    current=either(("current",)),
    new=either(typed.map(lambda text: f"{text} long enough passphrase")),
    confirm=either(("same",)),
)
def test_change_password_form(reception, password_now, current, new, confirm):
    data = {
        "current_password": password_now[0] if current == "current" else current,
        "new_password": new,
        "confirm": new if confirm == "same" else confirm,
    }

    response = reception.post("/staff/account/password", data=data)

    assert_safe(response)
    if response.status_code == 303:
        password_now[0] = new
        follow(reception, response)


# ---------- Reception's inbox, records and bookings ----------

# Saved straight to the database, so no longer than its column: a formula at the start,
# or after the list separator of some locale.
FORMULA_NAMES = st.tuples(
    st.sampled_from(("", "x,", "x;", "a, ", 'b;"')),
    st.sampled_from(("=", "+", "-", "@", "\t", "\r")),
    typed_up_to(115),
).map("".join)
SEARCH_FIELDS = {
    "q": either(typed),
    "kind": either(("enquiry", "booking", "")),
    "status": either(("new", "booked", "cancelled", "contacted", "")),
    "concern": either(("crown", "hairline", ""), garbage_choices),
    "practitioner": either(("1", "2", ""), numbers),
    "date_from": dates,
    "date_to": dates,
    "page": numbers,
    "emails_failed": either(("y", "")),
}


@fuzz
@given(query=query_with(SEARCH_FIELDS), name=typed_up_to(119))
def test_inbox_filters(app, reception, query, name):
    make_enquiry(app, full_name=name)

    assert_safe(reception.get("/staff/enquiries", query_string=query))


@fuzz
@given(
    query=either(st.just({}), query_with(SEARCH_FIELDS)),
    name=FORMULA_NAMES,
    email=st.sampled_from(("=cmd@example.co.uk", "+tag@example.co.uk", "-dash@example.co.uk", None)),
    phone=st.sampled_from(("+12025550123", "+447911123456", None)),
)
def test_inbox_csv_export(app, reception, query, name, email, phone):
    fields = {"full_name": name} | ({"email": email} if email else {}) | ({"phone": phone} if phone else {})
    with app.app_context():
        reference = EnquiryFactory(**fields).reference

    response = reception.get("/staff/enquiries.csv", query_string=query)

    assert_safe(response)
    if response.status_code == 303:
        # Filters with problems are shown on the inbox page, and nothing is exported.
        follow(reception, response)
        return
    rows = csv_rows(response)
    if not query:
        [row] = [row for row in rows if row[0] == reference]
        # Only single quotes are added, one at least, and nothing is lost.
        assert row[3] != name and row[3].replace("'", "") == name.replace("'", "")
        if email:
            assert row[4] == "'" + email


@pytest.fixture
def enquiry_id(app, staff):
    return make_enquiry(app, full_name=XSS[0], message=XSS[1])


@fuzz
@given(status=either(("new", "contacted", "suitable", "not_suitable", "booked", "closed", "spam")))
def test_enquiry_status_form(reception, enquiry_id, status):
    response = reception.post(f"/staff/enquiries/{enquiry_id}/status", data={"status": status})

    assert_safe(response)
    follow(reception, response)


@fuzz
@given(body=either(typed_up_to(5000)), kind=st.sampled_from(("enquiries", "bookings")))
def test_note_forms(app, schedule, reception, enquiry_id, body, kind):
    record_id = enquiry_id if kind == "enquiries" else booking_of_its_own(app, schedule).id

    response = reception.post(f"/staff/{kind}/{record_id}/notes", data={"body": body})

    assert_safe(response)
    follow(reception, response)


@fuzz
@given(practitioner=either(("1", "2", ""), st.one_of(junk, numbers)))
def test_enquiry_assign_form(reception, enquiry_id, practitioner):
    response = reception.post(f"/staff/enquiries/{enquiry_id}/assign", data={"practitioner": practitioner})

    assert_safe(response)
    follow(reception, response)


@fuzz
@given(outcome=either(("attended", "no_show")))
def test_booking_outcome_form(app, schedule, reception, outcome):
    booking_id = booking_of_its_own(app, schedule, past=True).id

    response = reception.post(f"/staff/bookings/{booking_id}/outcome", data={"outcome": outcome})

    assert_safe(response)
    follow(reception, response)


@fuzz
@given(name=typed_up_to(119), extra=junk_for(("csrf_token", "confirm")))
def test_enquiry_invite_form(app, runner, mail_sink, reception, name, extra):
    mail_sink.reset()
    record_id = make_enquiry(app, full_name=name)

    response = reception.post(f"/staff/enquiries/{record_id}/invite", data=extra)

    assert_safe(response)
    follow(reception, response)
    if response.status_code == 303:
        assert check_mail(runner, mail_sink)


@fuzz
@given(
    name=typed_up_to(119),
    message=typed_up_to(5000),
    changes=junk_for(("phone", "adult_confirmed", "consent_by_phone", "practitioner", "start")),
    query=query_with({"type": junk, "practitioner": junk, "date": dates}),
)
def test_staff_booking_details_form(
    app, runner, mail_sink, schedule, reception, name, message, changes, query
):
    mail_sink.reset()
    record_id = make_enquiry(app, full_name=name, message=message)
    valid = {
        "type": schedule.in_clinic,
        "practitioner": "any",
        "start": free_start(reception, schedule),
        "phone": "07911 123456",
        "adult_confirmed": "y",
        "consent_by_phone": "y",
    }

    assert_safe(reception.get(f"/staff/enquiries/{record_id}/book", query_string=query))
    response = reception.post(f"/staff/enquiries/{record_id}/book/details", data=submission(valid, changes))

    assert_safe(response)
    if response.status_code == 303:
        follow(reception, response)
        sent = check_mail(runner, mail_sink)
        assert sent or "/staff/bookings/" not in response.headers["Location"]


@fuzz
@given(
    values=query_with(
        {
            "practitioner": either(("any", "1", "2"), st.one_of(junk, garbage_choices)),
            "start": either(st.just(FREE), st.one_of(junk, starts)),
            "date": dates,
        },
    ),
    method=st.sampled_from(("GET", "POST")),
)
def test_staff_move_form(app, runner, mail_sink, schedule, reception, values, method):
    mail_sink.reset()
    booking_id = booking_of_its_own(app, schedule, full_name=XSS[2]).id
    values = with_free_start(reception, schedule, values)
    path = f"/staff/bookings/{booking_id}/move"

    assert_safe(reception.get(path, query_string=values))
    if method == "GET":
        response = reception.get(f"{path}/confirm", query_string=values)
    else:
        response = reception.post(f"{path}/confirm", data=values)

    assert_safe(response)
    if method == "POST":
        follow(reception, response)
        check_mail(runner, mail_sink)


@fuzz
@given(extra=junk_for(("csrf_token", "confirm", "reason")), method=st.sampled_from(("GET", "POST")))
def test_staff_cancel_form(app, runner, mail_sink, schedule, reception, extra, method):
    mail_sink.reset()
    booking_id = booking_of_its_own(app, schedule, full_name=XSS[3]).id

    response = reception.open(f"/staff/bookings/{booking_id}/cancel", method=method, data=extra)

    assert_safe(response)
    follow(reception, response)
    check_mail(runner, mail_sink)


@fuzz
@given(
    query=st.fixed_dictionaries(
        {}, optional={"date": either(dates), "practitioner": either(("1", "2"), numbers)}
    ),
    role=st.sampled_from(("reception", "practitioner")),
)
def test_day_list_query(app, staff, schedule, query, role):
    client = app.test_client()
    sign_in(client, getattr(staff, role).email)
    booking_of_its_own(app, schedule, full_name=XSS[0], notes=XSS[1])

    assert_safe(client.get("/staff/day", query_string=query))


# ---------- The admin area ----------

ROLES = ("reception", "practitioner", "admin")


@fuzz
@given(
    name=typed_up_to(120),
    changes=junk_for(
        ("name", "email", "role", "practitioner"),
        extra={"role": st.sampled_from(ROLES), "practitioner": st.one_of(garbage_choices, numbers)},
    ),
)
def test_admin_new_user_form(admin, name, changes):
    valid = {"name": name, "email": unique_email(), "role": "practitioner", "practitioner": "new"}

    assert_safe(admin.post("/staff/admin/users/new", data=submission(valid, changes)))


@fuzz
@given(
    role=either(ROLES),
    practitioner=either(("new",), st.one_of(garbage_choices, numbers)),
)
def test_admin_role_form(admin, staff, role, practitioner):
    user_id = staff.reception.id

    response = admin.post(
        f"/staff/admin/users/{user_id}/role", data={"role": role, "practitioner": practitioner}
    )

    assert_safe(response)
    follow(admin, response)


@fuzz
@given(
    name=typed_up_to(120),
    bio=typed_up_to(2000),
    changes=junk_for(("name", "bio", "active"), extra={"active": garbage_choices}),
    edit=st.booleans(),
)
def test_admin_practitioner_form(admin, schedule, name, bio, changes, edit):
    path = f"/staff/admin/practitioners/{schedule.second}" if edit else "/staff/admin/practitioners/new"

    response = admin.post(path, data=submission({"name": name, "bio": bio, "active": "y"}, changes))

    assert_safe(response)
    follow(admin, response)


clock_times = st.times().map(lambda moment: moment.strftime("%H:%M"))


@fuzz
@given(
    weekday=either(("6", "0"), st.one_of(numbers, junk)),
    start=either(clock_times, st.one_of(times, junk)),
    end=either(clock_times.map(lambda clock: f"{clock}:00"), st.one_of(times, junk)),
)
def test_admin_hours_form(admin, schedule, weekday, start, end):
    response = admin.post(
        f"/staff/admin/practitioners/{schedule.first}/hours",
        data={"weekday": weekday, "start": start, "end": end},
    )

    assert_safe(response)
    follow(admin, response)


@fuzz
@given(
    reason=typed_up_to(120),
    start_day=future_days,
    changes=junk_for(
        ("scope", "start_day", "start_time", "end_day", "end_time", "reason"),
        extra={
            "scope": st.one_of(garbage_choices, numbers, st.sampled_from(("clinic", "1", "2"))),
            "start_time": st.sampled_from(("", "09:00", "13:30:00")),
            "end_day": st.one_of(st.just(""), future_days),
            "end_time": st.sampled_from(("", "17:30")),
        },
    ),
)
def test_admin_closure_form(admin, schedule, reason, start_day, changes):
    valid = {"scope": "clinic", "start_day": start_day, "reason": reason}

    response = admin.post("/staff/admin/closures/new", data=submission(valid, changes))

    assert_safe(response)
    follow(admin, response)


@fuzz
@given(
    name=typed_up_to(120),
    description=typed_up_to(1000),
    changes=junk_for(
        ("name", "description", "duration_minutes", "mode", "active", "position"),
        extra={
            "duration_minutes": st.one_of(numbers, st.sampled_from(("5", "480", "４５"))),
            "mode": garbage_choices,
            "active": garbage_choices,
            "position": st.one_of(numbers, st.sampled_from(("", "0", "999"))),
        },
    ),
    edit=st.booleans(),
)
def test_admin_consultation_type_form(admin, schedule, name, description, changes, edit):
    path = f"/staff/admin/types/{schedule.video}" if edit else "/staff/admin/types/new"
    valid = {
        "name": name,
        "description": description,
        "duration_minutes": "30",
        "mode": "video",
        "active": "y",
        "position": "3",
    }

    response = admin.post(path, data=submission(valid, changes))

    assert_safe(response)
    follow(admin, response)


@fuzz
@given(
    query=query_with(
        {
            "actor": either(("", "unknown", "1"), st.one_of(junk, numbers)),
            "action": either(("", "signed in")),
            "record_type": either(("", "staff_user")),
            "record_id": either(("", "1"), st.one_of(numbers, junk)),
            "date_from": either(dates),
            "date_to": either(dates),
            "page": numbers,
        },
    )
)
def test_audit_filters(admin, query):
    assert_safe(admin.get("/staff/admin/audit", query_string=query))


@fuzz
@given(
    action=st.sampled_from(("export", "erase/check", "erase")),
    email=either(("jordan.ellis@gmail.com", " Jordan.Ellis@Gmail.com"), st.one_of(junk, at_example)),
    confirm=either(("y",), st.one_of(st.none(), garbage_choices)),
)
def test_privacy_forms(app, schedule, admin, action, email, confirm):
    booking_of_its_own(app, schedule, full_name=XSS[0], email="jordan.ellis@gmail.com")
    response = admin.post(
        f"/staff/admin/privacy/{action}", data=submission({"email": email, "confirm": confirm})
    )

    assert_safe(response)
    follow(admin, response)
