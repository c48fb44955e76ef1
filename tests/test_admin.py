"""The clinic admin's pages, as each role, through HTTP."""

import re
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEntry, Closure, ConsultationType, Practitioner, StaffUser, WorkingHours
from tests.factories import BookingFactory, PractitionerFactory
from tests.support.clinic_days import local_start
from tests.support.staff import sign_in

# Every admin route, with ids that need not exist: the role check answers before the view looks.
ADMIN_ROUTES = [
    ("GET", "/staff/admin/"),
    ("GET", "/staff/admin/users"),
    ("GET", "/staff/admin/users/new"),
    ("POST", "/staff/admin/users/new"),
    ("GET", "/staff/admin/users/1"),
    ("POST", "/staff/admin/users/1/role"),
    ("POST", "/staff/admin/users/1/deactivate"),
    ("POST", "/staff/admin/users/1/reactivate"),
    ("POST", "/staff/admin/users/1/reset-password"),
    ("POST", "/staff/admin/users/1/two-factor/off"),
    ("GET", "/staff/admin/practitioners"),
    ("GET", "/staff/admin/practitioners/new"),
    ("POST", "/staff/admin/practitioners/new"),
    ("GET", "/staff/admin/practitioners/1"),
    ("POST", "/staff/admin/practitioners/1"),
    ("GET", "/staff/admin/practitioners/1/hours"),
    ("POST", "/staff/admin/practitioners/1/hours"),
    ("POST", "/staff/admin/practitioners/1/hours/1/remove"),
    ("GET", "/staff/admin/closures"),
    ("GET", "/staff/admin/closures/new"),
    ("POST", "/staff/admin/closures/new"),
    ("POST", "/staff/admin/closures/1/remove"),
    ("POST", "/staff/admin/closures/bank-holidays/2027-01-01/open"),
    ("POST", "/staff/admin/closures/bank-holidays/2027-01-01/close"),
    ("GET", "/staff/admin/types"),
    ("GET", "/staff/admin/types/new"),
    ("POST", "/staff/admin/types/new"),
    ("GET", "/staff/admin/types/1"),
    ("POST", "/staff/admin/types/1"),
]


def test_the_list_names_every_admin_route(app):
    listed = {
        (method, re.sub(r"/\d{4}-\d\d-\d\d(?=/)", "/<day>", re.sub(r"/1(?=/|$)", "/<id>", path)))
        for method, path in ADMIN_ROUTES
    }
    routed = {
        (method, re.sub(r"<int:\w+>", "<id>", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("staff.admin.")
        and not rule.endpoint.startswith(("staff.admin.audit.", "staff.admin.privacy."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == listed


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["reception", "practitioner"])
def test_only_admins_may_open_admin_pages(as_role, role):
    client = as_role(role)
    for method, path in ADMIN_ROUTES:
        assert client.open(path, method=method).status_code == 403, (method, path)


def test_admin_pages_open_for_an_admin(app, as_role, staff, schedule):
    client = as_role("admin")
    for path in [
        "/staff/admin/",
        "/staff/admin/users",
        "/staff/admin/users/new",
        f"/staff/admin/users/{staff.reception.id}",
        f"/staff/admin/users/{staff.admin.id}",
        "/staff/admin/practitioners",
        "/staff/admin/practitioners/new",
        f"/staff/admin/practitioners/{schedule.first}",
        f"/staff/admin/practitioners/{schedule.first}/hours",
        "/staff/admin/closures",
        "/staff/admin/closures/new",
        "/staff/admin/types",
        "/staff/admin/types/new",
        f"/staff/admin/types/{schedule.in_clinic}",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"
    assert 'href="/staff/admin/audit"' in client.get("/staff/admin/").get_data(as_text=True)


def audit_actions(app):
    with app.app_context():
        return [entry.action for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def shown_password(response):
    match = re.search(r'class="admin-password"><code>([^<]+)</code>', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1)


# ---------- Staff accounts ----------


def test_a_new_account_signs_in_with_the_password_shown_once(app, as_role):
    admin = as_role("admin")
    response = admin.post(
        "/staff/admin/users/new",
        data={"name": "Nina New", "email": "Nina@Hairline-Clinic.co.uk", "role": "reception"},
    )
    assert response.status_code == 200
    password = shown_password(response)
    assert len(password) >= 12
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "nina@hairline-clinic.co.uk"))
        assert user.role == "reception" and user.active and user.practitioner_id is None
        assert password not in user.password_hash
        entry = db.session.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "created staff account", AuditEntry.record_id == user.id
            )
        )
        assert entry.actor_id is not None and entry.summary == "role reception"
    assert password not in admin.get("/staff/admin/users").get_data(as_text=True)

    newcomer = app.test_client()
    assert sign_in(newcomer, "nina@hairline-clinic.co.uk", password).status_code == 303
    assert newcomer.get("/staff/enquiries").status_code == 200


def test_a_practitioner_account_links_to_an_existing_or_a_new_practitioner(app, as_role):
    admin = as_role("admin")
    with app.app_context():
        unlinked = PractitionerFactory(name="Priya Patel").id
    page = admin.get("/staff/admin/users/new").get_data(as_text=True)
    assert "Priya Patel" in page and "Sam Adeyemi" not in page  # Sam already has an account

    admin.post(
        "/staff/admin/users/new",
        data={
            "name": "Priya P",
            "email": "priya@hairline-clinic.co.uk",
            "role": "practitioner",
            "practitioner": str(unlinked),
        },
    )
    admin.post(
        "/staff/admin/users/new",
        data={
            "name": "Omar Osei",
            "email": "omar@hairline-clinic.co.uk",
            "role": "practitioner",
            "practitioner": "new",
        },
    )
    with app.app_context():
        priya = db.session.scalar(select(StaffUser).where(StaffUser.email == "priya@hairline-clinic.co.uk"))
        omar = db.session.scalar(select(StaffUser).where(StaffUser.email == "omar@hairline-clinic.co.uk"))
        assert priya.practitioner_id == unlinked
        assert omar.practitioner.name == "Omar Osei" and omar.practitioner_id != unlinked


def test_account_form_errors_sit_next_to_the_fields_and_keep_the_answers(as_role, staff):
    admin = as_role("admin")
    response = admin.post(
        "/staff/admin/users/new",
        data={"name": "Rita Again", "email": staff.reception.email, "role": "reception"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is already an account with that email address." in page
    assert 'value="Rita Again"' in page

    response = admin.post("/staff/admin/users/new", data={"name": "", "email": "not-an-email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the person&#39;s name." in page
    assert "Enter an email address in the form" in page
    assert "Choose a role." in page


def test_deactivating_signs_the_person_out_at_once_and_stops_sign_in(app, as_role, staff):
    reception = as_role("reception")
    assert reception.get("/staff/enquiries").status_code == 200

    response = as_role("admin").post(f"/staff/admin/users/{staff.reception.id}/deactivate")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/admin/users/{staff.reception.id}")

    after = reception.get("/staff/enquiries")
    assert after.status_code == 302 and "/staff/login" in after.headers["Location"]
    assert sign_in(app.test_client(), staff.reception.email).status_code == 401
    assert "deactivated staff account" in audit_actions(app)


def test_a_reactivated_account_signs_in_again(app, as_role, staff):
    admin = as_role("admin")
    admin.post(f"/staff/admin/users/{staff.reception.id}/deactivate")
    assert admin.post(f"/staff/admin/users/{staff.reception.id}/reactivate").status_code == 303
    assert sign_in(app.test_client(), staff.reception.email).status_code == 303
    assert "reactivated staff account" in audit_actions(app)


def test_admins_cannot_deactivate_themselves(app, as_role, staff):
    admin = as_role("admin")
    response = admin.post(f"/staff/admin/users/{staff.admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(StaffUser, staff.admin.id).active
    assert admin.get("/staff/admin/").status_code == 200
    assert "deactivated staff account" not in audit_actions(app)


def test_resetting_a_password_ends_the_old_session_and_the_old_password(app, as_role, staff):
    reception = as_role("reception")
    response = as_role("admin").post(f"/staff/admin/users/{staff.reception.id}/reset-password")
    assert response.status_code == 200
    password = shown_password(response)

    assert "/staff/login" in reception.get("/staff/enquiries").headers["Location"]
    assert sign_in(app.test_client(), staff.reception.email).status_code == 401
    assert sign_in(app.test_client(), staff.reception.email, password).status_code == 303
    assert "changed password" in audit_actions(app)


def test_changing_a_role_takes_effect_on_the_next_request(app, as_role, staff):
    reception = as_role("reception")
    response = as_role("admin").post(
        f"/staff/admin/users/{staff.reception.id}/role", data={"role": "practitioner", "practitioner": "new"}
    )
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(StaffUser, staff.reception.id)
        assert user.role == "practitioner" and user.practitioner.name == "Rita Reception"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "changed role"))
        assert entry.summary == "role reception to practitioner"
    assert reception.get("/staff/enquiries").status_code == 403


def test_a_practitioner_made_reception_is_unlinked(app, as_role, staff):
    as_role("admin").post(f"/staff/admin/users/{staff.practitioner.id}/role", data={"role": "reception"})
    with app.app_context():
        user = db.session.get(StaffUser, staff.practitioner.id)
        assert user.role == "reception" and user.practitioner_id is None


def test_admins_cannot_change_their_own_role(app, as_role, staff):
    response = as_role("admin").post(f"/staff/admin/users/{staff.admin.id}/role", data={"role": "reception"})
    assert response.status_code == 422
    assert "You cannot change your own role." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(StaffUser, staff.admin.id).role == "admin"


# ---------- Practitioners and hours ----------


def slots(client, schedule, day, practitioner="any", type_id=None):
    response = client.get(
        f"/book/slots?type={type_id or schedule.in_clinic}&practitioner={practitioner}&date={day.isoformat()}"
    )
    assert response.status_code == 200
    return response.get_json()["slots"]


def test_a_new_practitioner_is_bookable_once_they_have_hours(app, as_role, client, schedule):
    admin = as_role("admin")
    response = admin.post(
        "/staff/admin/practitioners/new", data={"name": "Leah Lowe", "bio": "", "active": "y"}
    )
    assert response.status_code == 303
    with app.app_context():
        leah = db.session.scalar(select(Practitioner).where(Practitioner.name == "Leah Lowe"))
    assert response.headers["Location"].endswith(f"/staff/admin/practitioners/{leah.id}/hours")
    assert slots(client, schedule, schedule.day, leah.id) == []

    response = admin.post(
        f"/staff/admin/practitioners/{leah.id}/hours",
        data={"weekday": str(schedule.day.weekday()), "start": "10:00", "end": "12:00"},
    )
    assert response.status_code == 303
    times = [slot["time"] for slot in slots(client, schedule, schedule.day, leah.id)]
    assert times[0] == "10am" and times[-1] == "11:30am"
    assert {"created practitioner", "added working hours"} <= set(audit_actions(app))


def test_removing_hours_takes_them_out_of_availability(app, as_role, client, schedule):
    with app.app_context():
        lone = PractitionerFactory(name="Solo", week={schedule.day.weekday(): [(time(9), time(10))]})
        lone_id, interval_id = lone.id, lone.hours[0].id
    assert slots(client, schedule, schedule.day, lone_id)
    response = as_role("admin").post(f"/staff/admin/practitioners/{lone_id}/hours/{interval_id}/remove")
    assert response.status_code == 303
    assert slots(client, schedule, schedule.day, lone_id) == []
    with app.app_context():
        assert db.session.get(WorkingHours, interval_id) is None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "removed working hours"))
        assert entry.record_id == lone_id and "09:00 to 10:00" in entry.summary


def test_hours_from_another_practitioner_are_not_removed_through_this_one(app, as_role, schedule):
    with app.app_context():
        interval_id = db.session.get(Practitioner, schedule.second).hours[0].id
    response = as_role("admin").post(
        f"/staff/admin/practitioners/{schedule.first}/hours/{interval_id}/remove"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("12:00", "12:00", "The end time must be later than the start time."),
        ("14:00", "13:00", "The end time must be later than the start time."),
        ("12:30", "14:30", "This overlaps Monday 09:00 to 13:00."),
        ("08:00", "19:00", "This overlaps Monday 09:00 to 13:00."),
        ("15:00", "16:00", "This overlaps Monday 14:00 to 18:00."),
        ("", "13:00", "Enter the start time, like 09:00."),
        ("9am", "13:00", "Enter the start time, like 09:00."),
    ],
)
def test_hours_must_end_after_they_start_and_not_overlap(app, as_role, schedule, start, end, message):
    response = as_role("admin").post(
        f"/staff/admin/practitioners/{schedule.first}/hours",
        data={"weekday": "0", "start": start, "end": end},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert f'value="{end}"' in page
    with app.app_context():
        assert len(db.session.get(Practitioner, schedule.first).hours) == 12


def test_hours_may_touch_an_existing_interval(app, as_role, schedule):
    response = as_role("admin").post(
        f"/staff/admin/practitioners/{schedule.first}/hours",
        data={"weekday": "0", "start": "13:00", "end": "14:00"},
    )
    assert response.status_code == 303


def test_deactivating_a_practitioner_hides_them_and_warns_of_their_bookings(app, as_role, client, schedule):
    with app.app_context():
        BookingFactory(
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=db.session.get(Practitioner, schedule.second),
            starts_at=local_start(schedule.day, 9),
        )
    response = as_role("admin").post(
        f"/staff/admin/practitioners/{schedule.second}",
        data={"name": "Rachel Moore", "bio": "Trained in 2015."},
        follow_redirects=True,
    )
    assert "Booked consultations still to come with Rachel Moore: 1." in response.get_data(as_text=True)
    assert all(slot["practitioners"] == [schedule.first] for slot in slots(client, schedule, schedule.day))
    assert "Rachel Moore" not in client.get("/book").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "changed practitioner"))
        assert entry.summary == "changed bio, active"


# ---------- Closures ----------


def add_closure(client, follow_redirects=False, **fields):
    return client.post(
        "/staff/admin/closures/new", data={"scope": "clinic", **fields}, follow_redirects=follow_redirects
    )


def stored_closures(app):
    with app.app_context():
        return [
            (closure.practitioner_id, closure.starts_at, closure.ends_at, closure.reason)
            for closure in db.session.scalars(select(Closure).order_by(Closure.id))
        ]


@pytest.mark.parametrize(
    ("fields", "starts_at", "ends_at"),
    [
        # British Summer Time: local midnight is 23:00 UTC the evening before.
        (
            {"start_day": "2027-06-01"},
            datetime(2027, 5, 31, 23, tzinfo=UTC),
            datetime(2027, 6, 1, 23, tzinfo=UTC),
        ),
        (
            {"start_day": "2027-06-01", "end_day": "2027-06-03"},
            datetime(2027, 5, 31, 23, tzinfo=UTC),
            datetime(2027, 6, 3, 23, tzinfo=UTC),
        ),
        # Greenwich Mean Time: local and UTC agree.
        ({"start_day": "2027-01-05"}, datetime(2027, 1, 5, tzinfo=UTC), datetime(2027, 1, 6, tzinfo=UTC)),
        # Across the clocks going back on 31 October 2027: the last day is 25 hours long.
        (
            {"start_day": "2027-10-30", "end_day": "2027-10-31"},
            datetime(2027, 10, 29, 23, tzinfo=UTC),
            datetime(2027, 11, 1, tzinfo=UTC),
        ),
        (
            {"start_day": "2027-06-01", "start_time": "13:00", "end_time": "17:30"},
            datetime(2027, 6, 1, 12, tzinfo=UTC),
            datetime(2027, 6, 1, 16, 30, tzinfo=UTC),
        ),
        (
            {"start_day": "2027-06-01", "start_time": "13:00", "end_day": "2027-06-02"},
            datetime(2027, 6, 1, 12, tzinfo=UTC),
            datetime(2027, 6, 2, 23, tzinfo=UTC),
        ),
    ],
)
def test_closures_are_stored_in_utc_from_clinic_time(app, as_role, fields, starts_at, ends_at):
    response = add_closure(as_role("admin"), reason="Bank holiday", **fields)
    assert response.status_code == 303
    assert stored_closures(app) == [(None, starts_at, ends_at, "Bank holiday")]


def test_a_whole_day_closure_is_described_in_clinic_time(as_role):
    admin = as_role("admin")
    response = add_closure(admin, start_day="2027-06-01", follow_redirects=True)
    assert "Closed Tuesday 1 June 2027, all day." in response.get_data(as_text=True)
    page = admin.get("/staff/admin/closures").get_data(as_text=True)
    assert "Tuesday 1 June 2027, all day" in page and "Whole clinic" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"start_day": ""}, "Enter the first day, like 2027-06-01."),
        ({"start_day": "1 June"}, "Enter the first day, like 2027-06-01."),
        ({"start_day": "2027-06-02", "end_day": "2027-06-01"}, "The closure must end after it starts."),
        (
            {"start_day": "2027-06-01", "start_time": "13:00", "end_time": "12:00"},
            "The closure must end after it starts.",
        ),
        ({"start_day": "2020-06-01"}, "This closure would already be over."),
        (
            {"start_day": "2027-06-01", "end_day": "9999-12-31"},
            "Enter a date between the years 2000 and 2999.",
        ),
        ({"start_day": "9999-12-31"}, "Enter a date between the years 2000 and 2999."),
        ({"start_day": "2027-06-01", "scope": "999"}, "Choose the whole clinic or one practitioner."),
    ],
)
def test_closure_form_errors(app, as_role, fields, message):
    response = add_closure(as_role("admin"), **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_closures(app) == []


def test_a_clinic_wide_closure_empties_the_day_at_once_and_removing_it_restores_it(
    app, as_role, client, schedule
):
    assert slots(client, schedule, schedule.day)
    admin = as_role("admin")
    response = add_closure(admin, start_day=schedule.day.isoformat(), reason="Training")
    assert response.status_code == 303
    assert slots(client, schedule, schedule.day) == []
    assert slots(client, schedule, schedule.day, type_id=schedule.video) == []

    with app.app_context():
        closure = db.session.scalar(select(Closure))
        closure_id = closure.id
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "added closure"))
        assert entry.record_id == closure_id and "whole clinic" in entry.summary
        assert "Training" not in entry.summary
    assert admin.post(f"/staff/admin/closures/{closure_id}/remove").status_code == 303
    assert slots(client, schedule, schedule.day)
    assert "removed closure" in audit_actions(app)


def test_a_practitioners_closure_leaves_the_others_bookable(app, as_role, client, schedule):
    add_closure(
        as_role("admin"),
        scope=str(schedule.first),
        start_day=schedule.day.isoformat(),
        start_time="09:00",
        end_time="13:00",
    )
    free = slots(client, schedule, schedule.day)
    morning = [slot for slot in free if slot["time"].endswith("am")]
    assert morning and all(slot["practitioners"] == [schedule.second] for slot in morning)
    assert slots(client, schedule, schedule.day, schedule.first)[0]["time"] == "2pm"
    assert stored_closures(app)[0][0] == schedule.first


def test_a_closure_over_bookings_says_how_many_remain(app, as_role, schedule):
    with app.app_context():
        BookingFactory(
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=db.session.get(Practitioner, schedule.first),
            starts_at=local_start(schedule.day, 10),
        )
    response = add_closure(as_role("admin"), start_day=schedule.day.isoformat(), follow_redirects=True)
    assert "Booked consultations in this closure: 1." in response.get_data(as_text=True)


def test_past_closures_are_listed_apart_and_cannot_be_removed(app, as_role):
    with app.app_context():
        db.session.add(
            Closure(
                starts_at=datetime(2024, 12, 25, tzinfo=UTC),
                ends_at=datetime(2024, 12, 26, tzinfo=UTC),
                reason="Christmas Day",
            )
        )
        db.session.commit()
    page = as_role("admin").get("/staff/admin/closures").get_data(as_text=True)
    assert "No closures are planned." in page
    assert "Wednesday 25 December 2024, all day" in page
    assert "/remove" not in page


# ---------- Consultation types ----------


TYPE_FORM = {
    "name": "Scar assessment",
    "description": "For scars from surgery.",
    "duration_minutes": "45",
    "mode": "in_clinic",
    "active": "y",
    "position": "5",
}


def test_a_new_type_is_offered_on_the_booking_page(app, as_role, client):
    response = as_role("admin").post("/staff/admin/types/new", data=TYPE_FORM)
    assert response.status_code == 303
    assert "Scar assessment" in client.get("/book").get_data(as_text=True)
    with app.app_context():
        created = db.session.scalar(
            select(ConsultationType).where(ConsultationType.name == "Scar assessment")
        )
        assert (created.duration_minutes, created.mode, created.active, created.position) == (
            45,
            "in_clinic",
            True,
            5,
        )
    assert "created consultation type" in audit_actions(app)


def test_a_deactivated_type_leaves_the_booking_page(app, as_role, client, schedule):
    assert "Video consultation" in client.get("/book").get_data(as_text=True)
    response = as_role("admin").post(
        f"/staff/admin/types/{schedule.video}",
        data={"name": "Video consultation", "duration_minutes": "20", "mode": "video", "position": "1"},
    )
    assert response.status_code == 303
    assert "Video consultation" not in client.get("/book").get_data(as_text=True)
    assert (
        client.get(f"/book/slots?type={schedule.video}&practitioner=any&date={schedule.day}").status_code
        == 400
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "changed consultation type"))
        assert entry.record_id == schedule.video and "active" in entry.summary


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter a name patients will recognise."),
        ({"duration_minutes": ""}, "Enter the length in minutes, like 30."),
        ({"duration_minutes": "half an hour"}, "Enter the length in minutes, like 30."),
        ({"duration_minutes": "600"}, "Enter a length from 5 to 480 minutes."),
        ({"mode": "phone"}, "Choose in the clinic or by video call."),
        ({"position": "-1"}, "Enter a number from 0 to 999"),
        # The column holds 80 characters: a longer name was a server error on PostgreSQL.
        ({"name": "N" * 81}, "Keep the name to 80 characters or fewer."),
    ],
)
def test_type_form_errors(as_role, changes, message):
    response = as_role("admin").post("/staff/admin/types/new", data={**TYPE_FORM, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "For scars from surgery." in page


# ---------- CSRF ----------


def test_admin_forms_carry_a_csrf_token_and_posts_without_one_are_refused(csrf_app, staff, schedule):
    client = csrf_app.test_client()
    login_page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post(
        "/staff/login",
        data={"email": staff.admin.email, "password": "correct horse battery staple", "csrf_token": token},
    )

    assert (
        client.post(
            "/staff/admin/closures/new", data={"scope": "clinic", "start_day": "2027-06-01"}
        ).status_code
        == 400
    )
    page = client.get("/staff/admin/closures/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/staff/admin/closures/new", data={"scope": "clinic", "start_day": "2027-06-01", "csrf_token": token}
    )
    assert response.status_code == 303
    with csrf_app.app_context():
        assert db.session.scalar(select(Closure)).starts_at == datetime(2027, 5, 31, 23, tzinfo=UTC)
