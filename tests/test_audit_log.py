"""The audit log: admins read and filter it; nobody can change it, not even through the database."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from clinic import audit
from clinic.extensions import db
from clinic.models import AuditEntry, StaffUser
from clinic.models.types import utcnow
from clinic.staff.admin.audit import queries as audit_queries
from tests.support.clinic_days import local_start
from tests.support.staff import sign_in


def add_entry(action, *, actor_id=None, record_type=None, record_id=None, at=None, summary=""):
    db.session.add(
        AuditEntry(
            action=action,
            actor_id=actor_id,
            record_type=record_type,
            record_id=record_id,
            at=at or utcnow(),
            summary=summary,
        )
    )
    db.session.commit()


def rows(html):
    """The audit table's body rows."""
    if "<tbody>" not in html:
        return []
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("</tr>") if "<td>" in row]


def actions_in(html):
    return [row.split("<td>")[3].split("</td>")[0].strip() for row in rows(html)]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/admin/audit")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


@pytest.mark.parametrize("role", ["reception", "practitioner"])
def test_only_admins_can_read_the_log(as_role, role):
    assert as_role(role).get("/staff/admin/audit").status_code == 403


def test_admin_reads_the_log_newest_first(app, staff, as_role):
    with app.app_context():
        add_entry("viewed enquiry", actor_id=staff.reception.id, record_type="enquiry", record_id=7)
    client = as_role("admin")

    response = client.get("/staff/admin/audit")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    # The admin's sign-in is the newest entry.
    assert actions_in(html)[0] == "signed in"
    assert "viewed enquiry" in actions_in(html)
    assert "Rita Reception" in html and "(reception)" in html
    assert "Enquiry 7" in html
    assert "127.0.0.1" in html


def test_sign_ins_that_work_and_fail_are_logged(app, staff, client, as_role):
    assert sign_in(client, staff.reception.email, password="not the password").status_code == 401
    assert sign_in(client, "nobody@hairline-clinic.co.uk", password="whatever it is").status_code == 401
    assert sign_in(client, staff.reception.email).status_code == 303

    html = as_role("admin").get("/staff/admin/audit").get_data(as_text=True)

    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        failed = [entry for entry in entries if entry.action == "sign-in failed"]
        assert [(entry.actor_id, entry.record_id) for entry in failed] == [
            (None, staff.reception.id),
            (None, None),
        ]
        assert any(entry.action == "signed in" and entry.actor_id == staff.reception.id for entry in entries)
        assert not any("nobody@" in entry.summary for entry in entries)
    failures = [row for row in rows(html) if "sign-in failed" in row]
    assert len(failures) == 2
    assert all("Unknown (not signed in)" in row for row in failures)
    assert any("Staff account" in row and "Rita Reception" in row for row in failures)
    assert any("<td>signed in</td>" in row and "Rita Reception" in row for row in rows(html))


def test_admin_filters_by_who_action_and_record(app, staff, as_role):
    with app.app_context():
        add_entry("viewed booking", actor_id=staff.reception.id, record_type="booking", record_id=30)
        add_entry("viewed booking", actor_id=staff.practitioner.id, record_type="booking", record_id=40)
        add_entry(
            "changed status to contacted", actor_id=staff.reception.id, record_type="enquiry", record_id=30
        )
    client = as_role("admin")

    def actions(**params):
        response = client.get("/staff/admin/audit", query_string=params)
        assert response.status_code == 200
        return actions_in(response.get_data(as_text=True))

    assert actions(actor=staff.reception.id) == ["changed status to contacted", "viewed booking"]
    assert actions(action="viewed booking") == ["viewed booking", "viewed booking"]
    assert actions(record_type="booking", record_id=30) == ["viewed booking"]
    assert actions(record_id=30) == ["changed status to contacted", "viewed booking"]
    assert actions(actor=staff.practitioner.id, action="changed status to contacted") == []
    # Written with nobody signed in: the accounts the fixture created.
    assert set(actions(actor="unknown")) == {"created staff account"}


def test_admin_filters_by_clinic_time_dates(app, schedule, staff):
    day = schedule.day
    with app.app_context():
        # Just after midnight in clinic time belongs to that day, whatever the UTC date.
        add_entry("early", at=local_start(day, 0, 5))
        add_entry("late", at=local_start(day, 23, 55))
        add_entry("next day", at=local_start(day + timedelta(days=1), 0, 5))
        add_entry("day before", at=local_start(day - timedelta(days=1), 23, 55))

        def actions(**criteria):
            return [row.entry.action for row in audit_queries.find_entries(**criteria).rows]

        assert actions(date_from=day, date_to=day) == ["late", "early"]
        assert actions(date_from=day + timedelta(days=1)) == ["next day"]
        assert actions(date_to=day - timedelta(days=1))[0] == "day before"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_from": "2026-12-02", "date_to": "2026-12-01"},
            "The end date must be on or after the start date.",
        ),
        ({"record_id": "abc"}, "Not a valid integer value."),
        ({"record_id": "0"}, "Enter a record number from 1 to 2147483647."),
        ({"record_id": "99999999999"}, "Enter a record number from 1 to 2147483647."),
        ({"date_to": "9999-12-31"}, "Enter a date between the years 2000 and 2999."),
        ({"date_from": "0001-01-01"}, "Enter a date between the years 2000 and 2999."),
        ({"actor": "999"}, "Not a valid choice."),
    ],
)
def test_a_filter_that_cannot_be_used_says_why(as_role, params, message):
    response = as_role("admin").get("/staff/admin/audit", query_string=params)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert rows(html) == []


def test_the_log_is_paged_a_hundred_at_a_time(app, staff, as_role):
    client = as_role("admin")
    start = utcnow() - timedelta(days=1)
    with app.app_context():
        for number in range(150):
            db.session.add(AuditEntry(action=f"entry {number:03d}", at=start + timedelta(seconds=number)))
        db.session.commit()
        total = db.session.scalar(select(sa.func.count()).select_from(AuditEntry))

    first = client.get("/staff/admin/audit?action=").get_data(as_text=True)
    second = client.get("/staff/admin/audit?action=&page=2").get_data(as_text=True)

    assert len(rows(first)) == 100 and len(rows(second)) == total - 100
    # Newest first: the admin's sign-in, the accounts the fixture just created, then these.
    assert actions_in(first)[0] == "signed in"
    assert actions_in(first)[5] == "entry 149"
    assert actions_in(second)[-1] == "entry 000"
    assert "page 1 of 2" in first
    assert 'href="/staff/admin/audit?page=2&amp;action=" rel="next"' in first
    assert 'href="/staff/admin/audit?page=1&amp;action=" rel="prev"' in second


@pytest.mark.parametrize("page", ["99999999999999999999", "-99999999999999999999", "3"])
def test_a_page_past_the_end_shows_the_last_page(staff, as_role, page):
    response = as_role("admin").get(f"/staff/admin/audit?page={page}")

    assert response.status_code == 200
    assert rows(response.get_data(as_text=True))


def test_the_viewer_has_no_routes_that_change_anything(app, as_role):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.admin.audit.")]

    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    assert as_role("admin").post("/staff/admin/audit").status_code == 405


def test_the_database_refuses_to_update_or_delete_entries(app, staff):
    with app.app_context():
        audit.record_now(
            "viewed enquiry", summary="viewed enquiry", actor=db.session.get(StaffUser, staff.admin.id)
        )
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "viewed enquiry")).one()

        entry.summary = "nothing to see"
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.commit()
        db.session.rollback()

        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.update(AuditEntry).values(summary="rewritten"))
        db.session.rollback()

        db.session.delete(entry)
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.commit()
        db.session.rollback()

        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.delete(AuditEntry))
        db.session.rollback()

        assert db.session.scalars(select(AuditEntry.summary).where(AuditEntry.id == entry.id)).one() == (
            "viewed enquiry"
        )
