"""The proof-of-work challenge on the public forms (ALTCHA): solved answers are taken once,
forged, expired and replayed ones are refused next to the form, and forms sent without
one (no JavaScript) are still taken, under stricter limits."""

import base64
import json
import time

import altcha
import pytest
from sqlalchemy import func, select

from clinic.extensions import db
from clinic.models import Booking, Enquiry, WaitlistEntry
from clinic.web.altcha_challenge import REFUSED_MESSAGE, hmac_secret
from tests.support.clinic_days import local_start
from tests.support.patients import booking_details, enquiry_form, waitlist_form


@pytest.fixture
def app_settings(app_settings):
    return {
        **app_settings,
        "ALTCHA_MAX_NUMBER": 50,
        "ENQUIRY_RATE_LIMIT": "5 per minute",
        "ENQUIRY_RATE_LIMIT_WITHOUT_CHALLENGE": "2 per minute",
        "BOOKING_RATE_LIMIT": "5 per minute",
        "BOOKING_RATE_LIMIT_WITHOUT_CHALLENGE": "1 per minute",
    }


def solved(client):
    """What the widget sends: the page's challenge, solved with the package's own solver."""
    challenge = altcha.Challenge.from_dict(client.get("/altcha/challenge").get_json())
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def signed_elsewhere(app, **changes):
    """A solved challenge made outside the endpoint: expired, or signed with another key."""
    with app.app_context():
        options = {"expires_at": int(time.time()) + 600, "hmac_secret": hmac_secret(), **changes}
        challenge = altcha.create_challenge("SHA-256", 1, counter=7, **options)
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def with_wrong_counter(payload):
    data = json.loads(base64.b64decode(payload))
    data["solution"]["counter"] += 1
    return base64.b64encode(json.dumps(data).encode()).decode()


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def post_enquiry(client, altcha_payload=None, **changes):
    return client.post("/enquire", data=enquiry_form(altcha=altcha_payload, **changes))


def test_the_challenge_is_new_signed_uncached_and_needs_no_cookie(app, client):
    first = client.get("/altcha/challenge")
    second = client.get("/altcha/challenge")

    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in first.headers
    parameters = first.get_json()["parameters"]
    assert first.get_json()["signature"]
    assert parameters["nonce"] != second.get_json()["parameters"]["nonce"]
    assert time.time() + 9 * 60 < parameters["expiresAt"] <= time.time() + 10 * 60


def test_the_challenge_is_no_harder_than_altcha_max_number(app, client):
    """The answer is a counter at most ALTCHA_MAX_NUMBER: that many tries always find it."""
    challenge = altcha.Challenge.from_dict(client.get("/altcha/challenge").get_json())

    assert altcha.solve_challenge(challenge).counter <= app.config["ALTCHA_MAX_NUMBER"]


def test_an_enquiry_with_a_solved_challenge_is_saved(app, client):
    response = post_enquiry(client, solved(client))

    assert response.status_code == 303
    assert count(app, Enquiry) == 1


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda app, client: with_wrong_counter(solved(client)), id="wrong answer"),
        pytest.param(lambda app, client: signed_elsewhere(app, hmac_secret=b"another key"), id="another key"),
        pytest.param(lambda app, client: signed_elsewhere(app, expires_at=time.time() - 1), id="expired"),
        pytest.param(lambda app, client: "bm90IGpzb24=", id="not json"),
        pytest.param(lambda app, client: "%%%", id="not base64"),
        pytest.param(lambda app, client: base64.b64encode(b"[1, 2]").decode(), id="a list"),
        pytest.param(lambda app, client: "A" * 5000, id="too long"),
    ],
)
def test_a_forged_or_expired_answer_is_refused_next_to_the_form(app, client, forge):
    response = post_enquiry(client, forge(app, client), full_name="Amara Okafor")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert REFUSED_MESSAGE in page
    assert 'href="#altcha"' in page
    assert 'value="Amara Okafor"' in page
    assert count(app, Enquiry) == 0


def test_an_answer_is_taken_once(app, client):
    answer = solved(client)

    first = post_enquiry(client, answer)
    again = post_enquiry(client, answer, full_name="Someone Else")

    assert first.status_code == 303
    assert again.status_code == 422
    assert REFUSED_MESSAGE in again.get_data(as_text=True)
    assert 'value="Someone Else"' in again.get_data(as_text=True)
    assert count(app, Enquiry) == 1


def test_without_an_answer_the_stricter_limit_applies(app, client):
    statuses = [post_enquiry(client).status_code for _ in range(3)]
    solved_statuses = [post_enquiry(client, solved(client)).status_code for _ in range(2)]

    assert statuses == [303, 303, 429]
    assert solved_statuses == [303, 303]
    assert count(app, Enquiry) == 4


def test_with_answers_the_usual_limit_applies(app, client):
    statuses = [post_enquiry(client, solved(client)).status_code for _ in range(6)]

    assert statuses == [303] * 5 + [429]


def test_forged_and_replayed_answers_count_as_none(app, client):
    answer = solved(client)
    post_enquiry(client, answer)

    statuses = [post_enquiry(client, answer).status_code for _ in range(2)]
    forged = post_enquiry(client, with_wrong_counter(solved(client))).status_code

    assert statuses == [422, 422]
    assert forged == 429


@pytest.fixture
def slot(schedule):
    return local_start(schedule.day, 10)


def post_booking(client, schedule, slot, altcha_payload=None, **changes):
    data = booking_details(schedule.in_clinic, slot, altcha=altcha_payload, **changes)
    return client.post("/book/details", data=data)


def post_waitlist(client, schedule, altcha_payload=None, **changes):
    data = waitlist_form(
        schedule.in_clinic, [schedule.day.weekday()], notes=None, altcha=altcha_payload, **changes
    )
    return client.post("/book/waitlist", data=data)


def test_a_booking_with_a_solved_challenge_is_made_once(app, client, schedule, slot):
    answer = solved(client)

    first = post_booking(client, schedule, slot, answer)
    again = post_booking(client, schedule, local_start(schedule.day, 11), answer, full_name="Someone Else")

    assert first.status_code == 303
    assert again.status_code == 422
    assert REFUSED_MESSAGE in again.get_data(as_text=True)
    assert 'value="Someone Else"' in again.get_data(as_text=True)
    assert count(app, Booking) == 1


def test_joining_the_waiting_list_with_a_solved_challenge_is_taken_once(app, client, schedule):
    answer = solved(client)

    first = post_waitlist(client, schedule, answer)
    again = post_waitlist(client, schedule, answer, full_name="Someone Else")

    assert first.status_code == 303
    assert again.status_code == 422
    assert REFUSED_MESSAGE in again.get_data(as_text=True)
    assert 'value="Someone Else"' in again.get_data(as_text=True)
    assert count(app, WaitlistEntry) == 1


def test_booking_forms_without_an_answer_have_the_stricter_limit(app, client, schedule, slot):
    # Incomplete forms (no name) count as much as complete ones.
    without = [post_booking(client, schedule, slot, full_name="").status_code for _ in range(2)]
    waitlist_without = [post_waitlist(client, schedule, full_name="").status_code for _ in range(2)]
    with_answers = [
        post_booking(client, schedule, slot, solved(client), full_name="").status_code for _ in range(2)
    ]

    assert without == [422, 429]
    assert waitlist_without == [422, 429]
    assert with_answers == [422, 422]
