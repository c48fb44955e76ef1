"""The information pages' per-process cache: what it stores, whom it serves, and how it expires."""

import pytest
from flask import render_template_string

from clinic.web import page_cache
from tests.factories import TestimonialFactory

CACHED_PATHS = ["/", "/smp", "/testimonials", "/media", "/visit", "/privacy"]
SECURITY_HEADERS = ["Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(page_cache.time, "monotonic", clock)
    return clock


def flash_in_session(client, message):
    with client.session_transaction() as session:
        session["_flashes"] = [("info", message)]


@pytest.mark.parametrize("path", CACHED_PATHS)
def test_a_cached_page_is_byte_identical_to_a_fresh_render(app, client, path):
    first = client.get(path)
    second = client.get(path)
    app.config["PAGE_CACHE_SECONDS"] = 0
    uncached = client.get(path)

    assert first.status_code == second.status_code == uncached.status_code == 200
    assert first.data == second.data == uncached.data
    assert first.headers["Content-Type"] == uncached.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "ETag" not in uncached.headers


@pytest.mark.parametrize("path", CACHED_PATHS)
def test_a_hit_answered_before_flask_carries_what_flask_would_add(client, caplog, path):
    caplog.set_level("INFO", logger="clinic.web.request_log")
    rendered = client.get(path)
    hit = client.get(path, headers={"X-Request-ID": "proxy-id-42"})

    assert hit.data == rendered.data
    assert sorted(hit.headers.keys()) == sorted(rendered.headers.keys())
    for name, value in rendered.headers.items():
        if name not in ("X-Request-ID", "Cache-Control"):
            assert hit.headers[name] == value, name
    assert hit.headers["X-Request-ID"] == "proxy-id-42"
    lines = [record for record in caplog.records if record.name == "clinic.web.request_log"]
    assert len(lines) == 2
    assert lines[-1].request_id == "proxy-id-42"
    assert f"method=GET route={path} status=200" in lines[-1].getMessage()


@pytest.mark.parametrize("path", CACHED_PATHS)
def test_a_cached_page_has_a_strong_etag_public_short_caching_and_no_cookie(client, path):
    response = client.get(path)

    etag, weak = response.get_etag()
    assert etag and not weak
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response.headers
    for name in SECURITY_HEADERS:
        assert name in response.headers


def test_max_age_counts_down_with_the_entry(client, clock):
    client.get("/")
    clock.now += 45

    assert client.get("/").headers["Cache-Control"] == "public, max-age=15"


def test_a_fresh_page_gets_its_whole_max_age_whatever_the_clock_reads(client, clock):
    # (now + 60) - now is 59.99999... in floating point at this reading.
    clock.now = 1022.6716703167855

    assert client.get("/").headers["Cache-Control"] == "public, max-age=60"


def test_a_matching_if_none_match_gets_304_with_no_body(client):
    etag = client.get("/smp").headers["ETag"]

    response = client.get("/smp", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    for name in SECURITY_HEADERS:
        assert name in response.headers


def test_another_etag_gets_the_page(client):
    response = client.get("/smp", headers={"If-None-Match": '"not-this-one"'})

    assert response.status_code == 200
    assert "What SMP is" in response.get_data(as_text=True)


def test_a_new_testimonial_shows_once_the_entry_expires(app, client, clock):
    assert "Clear advice from the start" not in client.get("/testimonials").get_data(as_text=True)
    with app.app_context():
        TestimonialFactory(headline="Clear advice from the start")

    assert "Clear advice from the start" not in client.get("/testimonials").get_data(as_text=True)
    clock.now += 61
    assert "Clear advice from the start" in client.get("/testimonials").get_data(as_text=True)


def test_a_flash_message_is_shown_to_its_visitor_and_never_cached(app, client):
    anonymous = app.test_client()
    anonymous.get("/")
    flash_in_session(client, "Your booking has moved.")

    flashed = client.get("/")
    later = anonymous.get("/")

    assert "Your booking has moved." in flashed.get_data(as_text=True)
    assert "public" not in flashed.headers.get("Cache-Control", "")
    assert "Your booking has moved." not in later.get_data(as_text=True)
    assert "Your booking has moved." not in app.test_client().get("/").get_data(as_text=True)


def test_signed_in_staff_get_a_fresh_page_that_is_not_stored(app, as_role):
    staff_page = as_role("reception").get("/")
    anonymous = app.test_client().get("/")

    assert staff_page.status_code == 200
    assert "ETag" not in staff_page.headers
    assert "public" not in staff_page.headers.get("Cache-Control", "")
    assert "Rita Reception" not in anonymous.get_data(as_text=True)
    assert anonymous.headers["Cache-Control"] == "public, max-age=60"


def test_a_render_that_writes_to_the_session_is_not_stored(app):
    @app.get("/_with-token")
    @page_cache.cached_page
    def with_token():
        return render_template_string("{{ csrf_token() }}")

    first = app.test_client().get("/_with-token")
    second = app.test_client().get("/_with-token")

    assert first.data != second.data
    assert "ETag" not in second.headers


def test_the_enquiry_form_is_never_cached(client):
    response = client.get("/enquire")

    assert "ETag" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")
