"""The ALTCHA widget in Chromium under the real CSP: it solves out of sight and the forms
go with its answer, which the server takes, with nothing refused by the policy."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import book_online, send_enquiry
from tests.support.server import AppServer

ANSWER = "form input[name=altcha]"


@pytest.fixture
def strict_server(database_url, mail_sink, tmp_path, schedule):
    """A server on which a form sent without an answer is taken once an hour, so that
    several forms going through prove that their answers were valid."""
    app_server = AppServer(
        database_url,
        mail_sink.port,
        tmp_path / "uploads",
        workers=1,
        threads=8,
        ALTCHA_MAX_NUMBER=50_000,
        ENQUIRY_RATE_LIMIT_WITHOUT_CHALLENGE="1 per hour",
        BOOKING_RATE_LIMIT_WITHOUT_CHALLENGE="1 per hour",
    ).wait_until_up()
    yield app_server
    app_server.stop()


@pytest.fixture
def strict_page(browser, strict_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=strict_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    # Everything the page reports as wrong (a CSP refusal among it), but the favicon the
    # site does not have.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.location["url"].endswith("/favicon.ico")
            and problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    yield page
    context.close()


def test_forms_go_with_a_solved_answer_and_nothing_breaks_the_csp(strict_page, schedule, mail_sink):
    sent = []
    strict_page.on("request", lambda made: made.method == "POST" and sent.append(made))

    for number in range(2):
        strict_page.goto("/enquire")
        expect(strict_page.locator(ANSWER)).to_have_value(re.compile(".+"))
        assert not strict_page.locator("altcha-widget").is_visible()
        send_enquiry(strict_page, f"Eve Enquirer {number}", f"eve.enquirer{number}@gmail.com")
        assert "thank" in strict_page.locator("main").inner_text().lower()
    for number in range(2):
        book_online(strict_page, schedule.day, f"Pat Booker {number}", f"pat.booker{number}@gmail.com")

    assert len(sent) == 4
    assert all('name="altcha"' in (posted.post_data or "") for posted in sent)
    assert strict_page.problems == []
