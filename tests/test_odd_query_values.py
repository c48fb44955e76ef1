"""Values no form would send, which must still never cause a server error."""

import re

import pytest

from clinic import audit
from clinic.extensions import db
from clinic.staff.admin.audit.queries import PER_PAGE
from tests.support.staff import STAFF_PASSWORD


@pytest.mark.parametrize(
    "query",
    [
        "type=99999999999999999999&practitioner=any&date=2026-12-01",
        "type=1&practitioner=99999999999999999999&date=2026-12-01",
        "type=1&practitioner=any&date=9999-12-31",
        "type=1&practitioner=any&date=0001-01-01",
    ],
)
def test_slot_queries_with_impossible_values_are_refused_cleanly(client, schedule, query):
    assert client.get(f"/book/slots?{query}").status_code == 400


@pytest.mark.parametrize("start", ["9999-12-31T10:00Z", "0001-01-01T10:00Z"])
def test_a_start_far_off_the_calendar_sends_the_patient_back_to_choose(client, schedule, start):
    response = client.get(f"/book/details?type={schedule.in_clinic}&practitioner=any&start={start}")

    assert response.status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: x=1",
        "/staff/\nx",
        "/staff/\tx",
        "/staff/\x00",
        "/staff/\x7f",
        "/staff/\x85",
        "/staff\\enquiries",
    ],
)
def test_a_next_with_a_control_character_or_backslash_leads_home(client, staff, target):
    response = client.post(
        "/staff/login",
        query_string={"next": target},
        data={"email": staff.admin.email, "password": STAFF_PASSWORD},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    "extra",
    [
        {"_method": "POST"},
        {"_external": "1"},
        {"_scheme": "javascript"},
        {"_anchor": "evil"},
        {"_external": "1", "_scheme": "https"},
    ],
)
def test_query_keys_never_shape_the_inbox_link(as_role, staff, extra):
    response = as_role("reception").get(
        "/staff/enquiries.csv", query_string={"date_from": "bad", "q": "Jo", "page": "2", **extra}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/enquiries?q=Jo&date_from=bad"


@pytest.mark.parametrize("extra", [{"_method": "POST"}, {"_external": "1"}, {"_anchor": "evil"}])
def test_query_keys_never_shape_the_audit_log_pages(app, as_role, extra):
    with app.app_context():
        for n in range(PER_PAGE + 1):
            audit.record("viewed inbox", None, f"page {n}")
        db.session.commit()

    response = as_role("admin").get("/staff/admin/audit", query_string={"action": "viewed inbox", **extra})

    assert response.status_code == 200
    links = re.findall(r'href="([^"]*)" rel="next"', response.get_data(as_text=True))
    assert links == ["/staff/admin/audit?page=2&amp;action=viewed+inbox"]
