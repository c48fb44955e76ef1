import time

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEntry, StaffUser
from clinic.staff.auth import passwords
from clinic.staff.auth import service as accounts
from tests.support.staff import STAFF_PASSWORD, create_account, enable_two_factor, sign_in

FAILED = "That email, password or code is not right"


def audit_actions(app):
    with app.app_context():
        return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def test_signing_in_starts_a_session_and_is_audited(app, client, staff):
    response = sign_in(client, staff.reception.email)

    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "signed in" in audit_actions(app)


def refusal(response, email):
    """The status and page of a refused sign-in, without the email the form shows back."""
    return response.status_code, response.get_data(as_text=True).replace(email, "EMAIL")


def test_every_failure_gives_the_same_answer(app, staff):
    with app.app_context():
        create_account("gone@hairline-clinic.co.uk", "Gone Away", "reception").active = False
        db.session.commit()
    failures = {
        "wrong password": (staff.reception.email, "not the password at all"),
        "unknown email": ("nobody@hairline-clinic.co.uk", STAFF_PASSWORD),
        "deactivated account": ("gone@hairline-clinic.co.uk", STAFF_PASSWORD),
    }

    answers = {
        failure: refusal(sign_in(app.test_client(), email, password), email)
        for failure, (email, password) in failures.items()
    }

    status, page = answers["wrong password"]
    assert status == 401 and FAILED in page
    assert answers["unknown email"] == answers["wrong password"]
    assert answers["deactivated account"] == answers["wrong password"]
    assert audit_actions(app).count("sign-in failed") == len(failures)


def test_an_empty_form_is_asked_for_again(app, client, staff):
    response = sign_in(client, "", "")

    assert response.status_code == 200
    assert "sign-in failed" not in audit_actions(app)


def test_sign_in_attempts_are_rate_limited(app, client, staff):
    statuses = [sign_in(client, staff.reception.email, "wrong password here").status_code for _ in range(6)]

    assert statuses == [401] * 5 + [429]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/staff/account/two-factor", "/staff/account/two-factor"),
        ("https://evil.example.com/staff", "/staff/"),
        ("//evil.example.com/staff", "/staff/"),
        ("/\\evil.example.com", "/staff/"),
        ("javascript:alert(1)", "/staff/"),
    ],
)
def test_next_only_leads_within_this_site(client, staff, target, expected):
    response = client.post(
        "/staff/login",
        query_string={"next": target},
        data={"email": staff.admin.email, "password": STAFF_PASSWORD},
    )

    assert response.headers["Location"] == expected


def test_the_session_is_renewed_at_sign_in(client, staff):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    sign_in(client, staff.reception.email)

    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_needs_a_post(as_role):
    client = as_role("admin")

    assert client.get("/staff/logout").status_code == 405
    assert client.get("/staff/account/two-factor").status_code == 200


def test_a_cookie_copied_before_sign_out_stops_working(app, as_role):
    client = as_role("admin")
    copied = client.get_cookie("session").value

    response = client.post("/staff/logout")
    assert response.status_code == 303

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/staff/account/two-factor")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")
    assert "signed out" in audit_actions(app)


def test_changing_the_password_ends_other_sessions(app, as_role, staff):
    client = as_role("admin")
    with app.app_context():
        accounts.set_password(db.session.get(StaffUser, staff.admin.id), "a brand new long password")
        db.session.commit()

    assert client.get("/staff/account/two-factor").status_code == 302
    assert sign_in(app.test_client(), staff.admin.email, "a brand new long password").status_code == 303


@pytest.mark.parametrize(
    ("key", "age_seconds"),
    [("staff_seen_at", 31 * 60), ("staff_signed_in_at", 12 * 3600 + 60)],
)
def test_sessions_end_after_30_idle_minutes_or_12_hours(as_role, key, age_seconds):
    client = as_role("admin")
    assert client.get("/staff/account/two-factor").status_code == 200
    with client.session_transaction() as session:
        session[key] = time.time() - age_seconds

    response = client.get("/staff/account/two-factor")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_an_active_session_is_kept_alive_by_use(as_role):
    client = as_role("admin")
    with client.session_transaction() as session:
        session["staff_seen_at"] = time.time() - 29 * 60

    assert client.get("/staff/account/two-factor").status_code == 200
    with client.session_transaction() as session:
        assert time.time() - session["staff_seen_at"] < 60


def test_admins_can_turn_on_two_factor_and_then_need_a_code(app, as_role, staff):
    secret = enable_two_factor(as_role("admin"))

    without_code = sign_in(app.test_client(), staff.admin.email)
    wrong_code = sign_in(app.test_client(), staff.admin.email, code="000000")
    # The next step's code: the one that confirmed the setup is spent.
    with_code = sign_in(app.test_client(), staff.admin.email, code=pyotp.TOTP(secret).at(time.time() + 30))

    assert without_code.status_code == wrong_code.status_code == 401
    assert FAILED in wrong_code.get_data(as_text=True)
    assert with_code.status_code == 303


def test_a_wrong_setup_code_is_refused_next_to_the_field(as_role):
    client = as_role("admin")
    client.get("/staff/account/two-factor")

    response = client.post("/staff/account/two-factor", data={"code": "123456"})

    assert response.status_code == 200
    assert "did not match" in response.get_data(as_text=True)


@pytest.fixture
def two_factor_required(app_settings):
    app_settings["STAFF_ADMIN_REQUIRE_2FA"] = True


def test_production_can_require_two_factor_for_admins(two_factor_required, as_role):
    client = as_role("admin")

    response = client.get("/staff/admin/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/account/two-factor"
    enable_two_factor(client)
    assert client.get("/staff/account/two-factor").status_code == 200


def test_old_password_hashes_are_upgraded_at_sign_in(app, client, staff):
    weak = PasswordHasher(time_cost=1, memory_cost=2048, parallelism=2)
    old = weak.hash(STAFF_PASSWORD)
    with app.app_context():
        db.session.get(StaffUser, staff.reception.id).password_hash = old
        db.session.commit()

    assert sign_in(client, staff.reception.email).status_code == 303

    with app.app_context():
        upgraded = db.session.get(StaffUser, staff.reception.id).password_hash
        current = passwords.hasher()
    assert upgraded != old
    assert not current.check_needs_rehash(upgraded)
    assert current.verify(upgraded, STAFF_PASSWORD)


def test_sign_in_without_a_csrf_token_is_refused(csrf_app, staff):
    response = sign_in(csrf_app.test_client(), staff.reception.email)

    assert response.status_code == 400


def test_create_user_reads_the_password_from_stdin(app, runner, schedule):
    result = runner.invoke(
        args=[
            "create-user",
            "Nia@Hairline-Clinic.co.uk",
            "--role",
            "reception",
            "--name",
            "Nia",
            "--password-stdin",
        ],
        input="a-long-enough-password\n",
    )

    assert result.exit_code == 0, result.output
    assert (
        sign_in(app.test_client(), "nia@hairline-clinic.co.uk", "a-long-enough-password").status_code == 303
    )


def test_create_user_prompts_twice_and_links_a_new_practitioner(app, runner, schedule):
    result = runner.invoke(
        args=["create-user", "leo@hairline-clinic.co.uk", "--role", "practitioner", "--name", "Leo Park"],
        input="another-long-password\nanother-long-password\n",
    )

    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "leo@hairline-clinic.co.uk"))
        assert user.practitioner.name == "Leo Park"


@pytest.mark.parametrize(
    ("arguments", "password", "message"),
    [
        (
            ["reception@hairline-clinic.co.uk", "--role", "admin", "--name", "X"],
            "long-enough-password",
            "already",
        ),
        (["new@hairline-clinic.co.uk", "--role", "admin", "--name", "X"], "short", "at least 12"),
        (["new@hairline-clinic.co.uk", "--role", "owner", "--name", "X"], "long-enough-password", "owner"),
    ],
)
def test_create_user_refuses_clearly(runner, staff, arguments, password, message):
    result = runner.invoke(args=["create-user", *arguments, "--password-stdin"], input=password + "\n")

    assert result.exit_code != 0
    assert message in result.output


def test_seed_demo_refuses_once_there_are_staff(runner, staff):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code != 0
    assert "already has data" in result.output


def test_staff_can_change_their_own_password_and_other_sessions_end(app, as_role, staff):
    client, other_device = as_role("reception"), as_role("reception")

    wrong = client.post(
        "/staff/account/password",
        data={
            "current_password": "not it at all",
            "new_password": "fresh long password",
            "confirm": "fresh long password",
        },
    )
    changed = client.post(
        "/staff/account/password",
        data={
            "current_password": STAFF_PASSWORD,
            "new_password": "fresh long password",
            "confirm": "fresh long password",
        },
    )

    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    assert changed.status_code == 303
    assert client.get("/staff/account/password").status_code == 200
    assert other_device.get("/staff/account/password").status_code == 302
    assert sign_in(app.test_client(), staff.reception.email, "fresh long password").status_code == 303


def test_an_admin_can_turn_off_someones_lost_two_factor(app, as_role, staff):
    admin_client = as_role("admin")
    with app.app_context():
        other = db.session.get(StaffUser, staff.reception.id)
        other.totp_secret = pyotp.random_base32()
        db.session.commit()
    assert sign_in(app.test_client(), staff.reception.email).status_code == 401

    response = admin_client.post(f"/staff/admin/users/{staff.reception.id}/two-factor/off")

    assert response.status_code == 303
    assert sign_in(app.test_client(), staff.reception.email).status_code == 303
    assert "turned off two-factor sign-in" in audit_actions(app)
