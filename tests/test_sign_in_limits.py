"""The per-account sign-in lock: failures from any address count against the account;
the tenth in an hour locks it for 15 minutes with the answer any failure gets, one
email to its owner and an audit entry; only time (or a new password) lifts it."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from clinic.extensions import db
from clinic.models import AuditEntry, StaffUser
from clinic.models.types import utcnow
from clinic.staff.auth.lockout import LOCKED
from tests.support.staff import STAFF_PASSWORD

WRONG = "not the password at all"
LIMIT = 10


def attempt(app, email, password, address):
    """A sign-in from its own client and address, as a guesser spreading attempts would."""
    return app.test_client().post(
        "/staff/login",
        data={"email": email, "password": password, "code": ""},
        environ_base={"REMOTE_ADDR": address},
    )


def address(number):
    return f"203.0.113.{number % 250 + 1}"


def fail(app, email, times, start=0):
    responses = [attempt(app, email, WRONG, address(start + number)) for number in range(times)]
    assert [response.status_code for response in responses] == [401] * times
    return responses


def account(app, staff):
    with app.app_context():
        user = db.session.get(StaffUser, staff.reception.id)
        db.session.expunge(user)
        return user


def update_account(app, staff, **values):
    with app.app_context():
        user = db.session.get(StaffUser, staff.reception.id)
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


def audit_entries(app, action):
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_ten_failures_from_ten_addresses_lock_the_account_with_the_same_answer(app, staff, mail_sink):
    email = staff.reception.email
    wrong = fail(app, email, LIMIT)[0]  # before the lock

    locked = attempt(app, email, STAFF_PASSWORD, "198.51.100.20")

    assert locked.status_code == wrong.status_code == 401
    assert locked.get_data() == wrong.get_data()
    assert account(app, staff).locked_until > utcnow() + timedelta(minutes=14)


def test_nine_failures_do_not_lock(app, staff, mail_sink):
    fail(app, staff.reception.email, LIMIT - 1)

    assert attempt(app, staff.reception.email, STAFF_PASSWORD, "198.51.100.20").status_code == 303
    assert mail_sink.to(staff.reception.email) == []


def test_the_owner_is_emailed_once_and_the_lock_is_audited(app, staff, mail_sink):
    fail(app, staff.reception.email, LIMIT + 3)

    [email] = mail_sink.to(staff.reception.email)
    assert "locked" in email.subject
    text = email.text
    assert "10 times within 60 minutes" in text
    assert "even with the right password" in text
    assert "If it was not you" in text and "clinic admin" in text
    assert WRONG not in text and STAFF_PASSWORD not in text
    assert "203.0.113" not in text
    [entry] = audit_entries(app, LOCKED)
    assert entry.record_id == staff.reception.id


def test_attempts_while_locked_are_not_counted_and_send_nothing_more(app, staff, mail_sink):
    fail(app, staff.reception.email, LIMIT)
    locked_until = account(app, staff).locked_until

    fail(app, staff.reception.email, 5, start=50)

    assert account(app, staff).locked_until == locked_until
    assert len(mail_sink.to(staff.reception.email)) == 1
    assert len(audit_entries(app, LOCKED)) == 1


def test_the_lock_ends_with_time(app, staff, mail_sink):
    fail(app, staff.reception.email, LIMIT)
    assert attempt(app, staff.reception.email, STAFF_PASSWORD, "198.51.100.20").status_code == 401

    update_account(app, staff, locked_until=utcnow() - timedelta(seconds=1))

    assert attempt(app, staff.reception.email, STAFF_PASSWORD, "198.51.100.20").status_code == 303


def test_failures_older_than_the_window_are_forgotten(app, staff, mail_sink):
    fail(app, staff.reception.email, LIMIT - 1)
    update_account(app, staff, first_failure_at=utcnow() - timedelta(minutes=61))

    fail(app, staff.reception.email, 1, start=20)

    user = account(app, staff)
    assert user.sign_in_failures == 1
    assert user.locked_until is None


def test_a_successful_sign_in_elsewhere_resets_nothing(app, staff, mail_sink):
    fail(app, staff.reception.email, LIMIT - 1)

    assert attempt(app, staff.reception.email, STAFF_PASSWORD, "198.51.100.20").status_code == 303
    fail(app, staff.reception.email, 1, start=30)

    assert attempt(app, staff.reception.email, STAFF_PASSWORD, "198.51.100.20").status_code == 401
    assert len(mail_sink.to(staff.reception.email)) == 1


def test_an_admin_password_reset_lifts_the_lock(app, staff, as_role, mail_sink):
    fail(app, staff.reception.email, LIMIT)

    response = as_role("admin").post(f"/staff/admin/users/{staff.reception.id}/reset-password")

    assert response.status_code == 200
    user = account(app, staff)
    assert user.locked_until is None and user.sign_in_failures == 0


def test_an_unknown_email_gets_the_same_answer_and_locks_nothing(app, staff, mail_sink):
    known = fail(app, staff.reception.email, 1)[0]
    unknown = fail(app, "nobody@hairline-clinic.co.uk", LIMIT + 1)

    assert unknown[-1].get_data().replace(b"nobody@", b"reception@") == known.get_data()
    assert mail_sink.messages == []


@pytest.mark.parametrize("attempts", [LIMIT - 2, LIMIT + 6])
def test_failures_in_parallel_are_each_counted_and_lock_once(app, staff, mail_sink, attempts):
    start = threading.Barrier(attempts)
    statuses = []

    def guess(number):
        client = app.test_client()
        start.wait()
        statuses.append(
            client.post(
                "/staff/login",
                data={"email": staff.reception.email, "password": WRONG, "code": ""},
                environ_base={"REMOTE_ADDR": address(number)},
            ).status_code
        )

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [401] * attempts
    user = account(app, staff)
    if attempts < LIMIT:
        assert user.sign_in_failures == attempts
        assert user.locked_until is None
    else:
        assert user.locked_until is not None
        assert len(mail_sink.to(staff.reception.email)) == 1
        assert len(audit_entries(app, LOCKED)) == 1
