"""Walks the URL map: no staff page can be left open by accident. And whose patients
each role sees, asked of the one access module directly."""

import re

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import Booking, Photo, StaffUser
from clinic.models.staff import Role
from clinic.staff.access import PUBLIC_ENDPOINTS, can_view_booking, can_view_photo, visible_bookings
from tests.support.bookings import place
from tests.support.clinic_days import local_start

ROLES = ("reception", "practitioner", "admin")


def staff_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff") and rule.endpoint not in PUBLIC_ENDPOINTS
    ]


def url_for_rule(rule):
    """The rule with every argument filled in (1 for ids, a plain word otherwise)."""
    values = {
        argument: 1 if "int" in type(rule._converters[argument]).__name__.lower() else "x"
        for argument in rule.arguments
    }
    return rule.build(values)[1]


def requests_for(app):
    for rule in staff_rules(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url_for_rule(rule)


def test_every_staff_view_names_the_roles_it_allows(app):
    for rule in staff_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "allowed_roles", None), f"{rule.endpoint} does not say who may use it"


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_route(app, client):
    checked = 0
    for _rule, method, url in requests_for(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.headers["Location"].startswith("/staff/login"), (method, url)
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("role", ROLES)
def test_roles_without_access_get_403_on_every_staff_route(app, as_role, role):
    client = as_role(role)
    for rule, method, url in requests_for(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        if role in allowed:
            continue
        response = client.open(url, method=method)
        assert response.status_code == 403, (role, method, url, response.status_code)


@pytest.mark.parametrize(
    "role, tabs",
    [
        ("reception", ["Enquiries and bookings", "Day list"]),
        ("practitioner", ["Day list"]),
        ("admin", ["Enquiries and bookings", "Day list", "Admin"]),
    ],
)
def test_the_staff_navigation_offers_the_pages_the_role_may_open(as_role, role, tabs):
    html = as_role(role).get("/staff/day").get_data(as_text=True)
    nav = re.search(r'<nav class="staff-nav".*?</nav>', html, re.S).group(0)

    assert re.findall(r"<a [^>]*>([^<]+)</a>", nav) == tabs


@pytest.mark.parametrize("path, status", [("/staff/admin/", 403), ("/staff/no-such-page", 404)])
def test_an_error_in_the_staff_area_keeps_the_staff_frame(as_role, path, status):
    response = as_role("reception").get(path)
    html = response.get_data(as_text=True)

    assert response.status_code == status
    assert 'class="staff-nav"' in html
    assert "Enquiries and bookings" in html and "Sign out" in html


def test_a_staff_address_without_a_signed_in_user_gets_the_public_404(client):
    html = client.get("/staff/no-such-page").get_data(as_text=True)

    assert 'class="staff-nav"' not in html
    assert "Go to the home page" in html


def test_the_account_menu_links_two_factor_set_up_for_roles_that_may_open_it(as_role):
    assert "/staff/account/two-factor" in as_role("admin").get("/staff/day").get_data(as_text=True)
    assert "/staff/account/two-factor" not in as_role("reception").get("/staff/day").get_data(as_text=True)


def test_staff_home_sends_each_role_to_its_first_page(as_role):
    assert as_role("reception").get("/staff/").headers["Location"].endswith("/staff/enquiries")
    assert as_role("practitioner").get("/staff/").headers["Location"].endswith("/staff/day")


def test_staff_pages_are_never_cached(as_role):
    response = as_role("admin").get("/staff/account/two-factor")

    assert response.headers["Cache-Control"] == "no-store"


def test_a_view_nested_under_staff_that_names_no_roles_answers_403(app, as_role):
    # Flask runs the staff blueprint's guard for every endpoint named under it, so a page
    # added to any child blueprint without @allow is refused, not left open.
    app.add_url_rule("/staff/unguarded", endpoint="staff.inbox.unguarded", view_func=lambda: "open")

    for role in ROLES:
        assert as_role(role).get("/staff/unguarded").status_code == 403, role


# ---------- Whose patients each role sees ----------

OWN, OTHER = 1, 2
VIEWERS = {
    "reception": StaffUser(role=Role.RECEPTION),
    "admin": StaffUser(role=Role.ADMIN),
    "their practitioner": StaffUser(role=Role.PRACTITIONER, practitioner_id=OWN),
    "another practitioner": StaffUser(role=Role.PRACTITIONER, practitioner_id=OTHER),
    "a practitioner account without a practitioner": StaffUser(role=Role.PRACTITIONER),
}
SEES_THE_BOOKING = {
    "reception": True,
    "admin": True,
    "their practitioner": True,
    "another practitioner": False,
    "a practitioner account without a practitioner": False,
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_may_view_a_booking_and_its_photos(app, viewer):
    booking = Booking(practitioner_id=OWN)

    assert can_view_booking(VIEWERS[viewer], booking) is SEES_THE_BOOKING[viewer]
    assert can_view_photo(VIEWERS[viewer], Photo(booking=booking)) is SEES_THE_BOOKING[viewer]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_photo_sent_with_an_enquiry_is_for_the_front_desk_only(app, viewer):
    front_desk = VIEWERS[viewer].role in (Role.RECEPTION, Role.ADMIN)

    assert can_view_photo(VIEWERS[viewer], Photo()) is front_desk


@pytest.mark.parametrize("viewer", VIEWERS)
def test_queries_of_bookings_are_narrowed_by_the_same_rule(app, schedule, viewer):
    # Here OWN and OTHER stand for the schedule's two practitioners.
    real_id = {OWN: schedule.first, OTHER: schedule.second, None: None}
    booked = {
        practitioner: place(app, local_start(schedule.day, 10), schedule.in_clinic, real_id[practitioner]).id
        for practitioner in (OWN, OTHER)
    }
    user = StaffUser(role=VIEWERS[viewer].role, practitioner_id=real_id[VIEWERS[viewer].practitioner_id])

    with app.app_context():
        shown = set(db.session.scalars(visible_bookings(user, select(Booking.id))))

    assert shown == {
        booking_id
        for practitioner, booking_id in booked.items()
        if can_view_booking(VIEWERS[viewer], Booking(practitioner_id=practitioner))
    }
    assert shown or not SEES_THE_BOOKING[viewer]
