"""Two-factor codes work once: the time step of the last code accepted is kept, and
that code or an earlier one is refused with the answer any failure gets. Wrong codes
have their own per-account limit and count towards the account lock."""

import threading
import time

import pyotp
import pytest
import redis
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEntry, StaffUser
from clinic.web.ratelimits import TWO_FACTOR_SCOPE
from tests.support.rate_limits import REDIS_URL, redis_is_up, storage_settings
from tests.support.staff import STAFF_PASSWORD, enable_two_factor, sign_in

STEP = 30


def code_at(secret, offset_steps=0):
    return pyotp.TOTP(secret).at(time.time() + offset_steps * STEP)


def admin_with_two_factor(app, as_role):
    return enable_two_factor(as_role("admin"))


def fresh_sign_in(app, staff, code, address="203.0.113.5"):
    return app.test_client().post(
        "/staff/login",
        data={"email": staff.admin.email, "password": STAFF_PASSWORD, "code": code},
        environ_base={"REMOTE_ADDR": address},
    )


def admin(app, staff):
    with app.app_context():
        user = db.session.get(StaffUser, staff.admin.id)
        db.session.expunge(user)
        return user


def test_a_code_is_accepted_once_and_refused_the_second_time(app, as_role, staff):
    secret = admin_with_two_factor(app, as_role)
    code = code_at(secret, 1)
    wrong = fresh_sign_in(app, staff, "000000" if code != "000000" else "111111")

    first = fresh_sign_in(app, staff, code)
    replayed = fresh_sign_in(app, staff, code, address="198.51.100.7")

    assert first.status_code == 303
    assert replayed.status_code == wrong.status_code == 401
    assert replayed.get_data() == wrong.get_data()
    with app.app_context():
        summaries = db.session.scalars(
            select(AuditEntry.summary).where(AuditEntry.action == "sign-in failed")
        ).all()
    assert "two-factor code already used" in summaries


def test_an_earlier_code_is_refused_after_a_later_one(app, as_role, staff):
    secret = admin_with_two_factor(app, as_role)
    later, earlier = code_at(secret, 1), code_at(secret, 0)

    assert fresh_sign_in(app, staff, later).status_code == 303
    if earlier != later:
        assert fresh_sign_in(app, staff, earlier).status_code == 401


def test_the_code_that_confirmed_the_setup_cannot_sign_in(app, as_role, staff):
    client = as_role("admin")
    client.get("/staff/account/two-factor")
    with client.session_transaction() as session:
        secret = session["pending_totp_secret"]
    code = pyotp.TOTP(secret).now()
    assert client.post("/staff/account/two-factor", data={"code": code}).status_code == 303

    assert fresh_sign_in(app, staff, code).status_code == 401
    assert admin(app, staff).totp_last_step == pyotp.TOTP(secret).timecode(time.time())


def test_one_code_sent_twice_at_once_signs_in_once(app, as_role, staff):
    secret = admin_with_two_factor(app, as_role)
    code = code_at(secret, 1)
    start = threading.Barrier(2)
    statuses = []

    def send(address):
        client = app.test_client()
        start.wait()
        statuses.append(
            client.post(
                "/staff/login",
                data={"email": staff.admin.email, "password": STAFF_PASSWORD, "code": code},
                environ_base={"REMOTE_ADDR": address},
            ).status_code
        )

    threads = [threading.Thread(target=send, args=(f"203.0.113.{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [303, 401]


def test_wrong_codes_have_their_own_limit_per_account(app, as_role, staff):
    secret = admin_with_two_factor(app, as_role)
    for number in range(5):
        assert fresh_sign_in(app, staff, "not-a-code", address=f"203.0.113.{number}").status_code == 401

    # The sixth try from yet another address, with the right code: refused all the same.
    refused = fresh_sign_in(app, staff, code_at(secret, 1), address="198.51.100.9")

    assert refused.status_code == 401
    assert admin(app, staff).sign_in_failures == 6
    # Other accounts are not affected.
    assert sign_in(app.test_client(), staff.reception.email).status_code == 303


@pytest.fixture
def limits_in_redis(app_settings):
    if not redis_is_up():
        pytest.skip(f"no Redis at {REDIS_URL}")
    app_settings.update(storage_settings(REDIS_URL))
    return app_settings["RATELIMIT_STORAGE_OPTIONS"]["key_prefix"]


def test_wrong_codes_are_counted_in_the_storage_every_worker_shares(limits_in_redis, app, as_role, staff):
    admin_with_two_factor(app, as_role)

    assert fresh_sign_in(app, staff, "not-a-code").status_code == 401

    keys = redis.Redis.from_url(REDIS_URL).keys(f"{limits_in_redis}:*")
    assert any(TWO_FACTOR_SCOPE.encode() in key for key in keys), keys
