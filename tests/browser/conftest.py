"""Browser fixtures: Debian's Chromium driven by Playwright against the app on a loopback port.

Every test here is marked `browser` and `slow`; run them alone with `pytest -m browser`.
Without /usr/bin/chromium they skip locally but fail in CI, where .ci/run installs it.
"""

import os
from pathlib import Path

import pytest

from clinic import create_app
from clinic.extensions import db
from config import TestingConfig
from tests.support.browser import PHONE
from tests.support.live_server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def server(app_settings, schedule, staff):
    """The app on a loopback port, with the schedule and staff accounts already in its
    database, and CSRF protection on as in production."""
    live_app = create_app(
        TestingConfig,
        {
            **app_settings,
            "WTF_CSRF_ENABLED": True,
            "BOOKING_RATE_LIMIT": "1000 per minute",
            "ENQUIRY_RATE_LIMIT": "1000 per minute",
            "STAFF_SIGN_IN_RATE_LIMIT": "1000 per minute",
        },
    )
    live = LiveServer(live_app)
    yield live
    live.stop()
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(browser, server):
    """A phone-sized page under the app's real CSP."""
    context = browser.new_context(viewport=PHONE, base_url=server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, server):
    """new_page(viewport=..., **context options) -> a page on its own context, closed after the test."""
    contexts = []

    def open_page(viewport=PHONE, **options):
        context = browser.new_context(viewport=viewport, base_url=server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
