"""/book/slots answers are reused for a few seconds per worker, and forgotten on any write."""

import time

import pytest
from sqlalchemy import insert

from clinic.extensions import db
from clinic.models import Closure
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details
from tests.support.queries import counted_queries


def slots_url(schedule):
    day = schedule.day.isoformat()
    return f"/book/slots?type={schedule.in_clinic}&practitioner={schedule.first}&date={day}"


def times(client, schedule):
    return [slot["time"] for slot in client.get(slots_url(schedule)).get_json()["slots"]]


def test_a_repeated_question_is_answered_without_the_database(app, client, schedule):
    first = client.get(slots_url(schedule)).get_json()

    with counted_queries(app) as statements:
        again = client.get(slots_url(schedule)).get_json()

    assert again == first
    assert statements == []


def test_a_booking_made_in_this_worker_shows_at_once(client, schedule):
    assert "10am" in times(client, schedule)

    response = client.post(
        "/book/details",
        data=booking_details(schedule.in_clinic, local_start(schedule.day, 10), practitioner=schedule.first),
    )

    assert response.status_code == 303
    assert "10am" not in times(client, schedule)


def test_a_change_made_by_another_worker_shows_when_the_entry_expires(app, client, schedule, monkeypatch):
    assert "10am" in times(client, schedule)
    # Written outside this worker's ORM session, as another process would: nothing here hears of it.
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            insert(Closure.__table__).values(
                practitioner_id=schedule.first,
                starts_at=local_start(schedule.day, 8),
                ends_at=local_start(schedule.day, 19),
                reason="",
            )
        )

    assert "10am" in times(client, schedule)

    later = time.monotonic() + app.config["SLOTS_CACHE_SECONDS"] + 1
    monkeypatch.setattr("clinic.booking.slot_cache.time.monotonic", lambda: later)
    assert times(client, schedule) == []


@pytest.mark.parametrize("query", ["", "type=999&practitioner=any&date=2027-01-04"])
def test_questions_that_cannot_be_answered_are_refused_every_time(client, query):
    assert client.get(f"/book/slots?{query}").status_code == 400
    assert client.get(f"/book/slots?{query}").status_code == 400


def test_with_the_cache_off_every_question_reaches_the_database(app, client, schedule):
    app.config["SLOTS_CACHE_SECONDS"] = 0
    client.get(slots_url(schedule))

    with counted_queries(app) as statements:
        client.get(slots_url(schedule))

    assert statements


def test_a_hit_answered_before_flask_carries_what_flask_would_add(client, schedule, caplog):
    caplog.set_level("INFO", logger="clinic.web.request_log")
    computed = client.get(slots_url(schedule))
    hit = client.get(slots_url(schedule), headers={"X-Request-ID": "proxy-id-7"})

    assert hit.status_code == computed.status_code == 200
    assert hit.data == computed.data
    assert sorted(hit.headers.keys()) == sorted(computed.headers.keys())
    for name, value in computed.headers.items():
        if name != "X-Request-ID":
            assert hit.headers[name] == value, name
    last_line = [record for record in caplog.records if record.name == "clinic.web.request_log"][-1]
    assert last_line.request_id == "proxy-id-7"
    assert "route=/book/slots status=200" in last_line.getMessage()
    assert schedule.day.isoformat() not in last_line.getMessage()


def test_a_patient_mid_booking_gets_the_same_answer(client, schedule):
    anonymous = client.get(slots_url(schedule)).data
    with client.session_transaction() as session:
        session["booking_started"] = True

    assert client.get(slots_url(schedule)).data == anonymous
