"""Values no form would send, which must still never cause a server error."""

import pytest


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
