"""One log line per request with a request id, and no token, query or address in it."""

import io
import logging
import re

import pytest

from clinic import create_app
from clinic.web.request_log import LOG_FORMAT, RequestIdFilter, start_request
from config import TestingConfig

# Shaped like the signed tokens in manage, waiting-list and invite links.
TOKEN = "eyJiIjo0MiwiayI6IjdRIn0.Zk3pQw.x9V2c1sYbq8LrT0mNw4hJd6eKf"
REQUEST_LOGGER = "clinic.web.request_log"


def request_lines(caplog):
    return [record for record in caplog.records if record.name == REQUEST_LOGGER]


@pytest.fixture
def log_requests(caplog):
    caplog.set_level(logging.INFO, logger=REQUEST_LOGGER)
    return caplog


def test_each_request_gets_one_line_with_its_id(client, log_requests):
    response = client.get("/visit")

    [line] = request_lines(log_requests)
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert line.levelno == logging.INFO
    assert line.request_id == request_id
    assert re.fullmatch(r"method=GET route=/visit status=200 duration_ms=\d+\.\d", line.getMessage())


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/visit").headers["X-Request-ID"] for _ in range(3)}

    assert len(ids) == 3


def test_a_sane_id_from_the_proxy_is_kept(client, log_requests):
    response = client.get("/visit", headers={"X-Request-ID": "0f8e-42ab-Proxy"})

    assert response.headers["X-Request-ID"] == "0f8e-42ab-Proxy"
    assert request_lines(log_requests)[0].request_id == "0f8e-42ab-Proxy"


@pytest.mark.parametrize(
    "sent",
    ["a" * 65, "abc def", "req-1 status=200", "abc\tdef", "id_with_underscore", "<script>", ""],
)
def test_an_odd_incoming_id_is_replaced(client, log_requests, sent):
    response = client.get("/visit", headers={"X-Request-ID": sent})

    assert response.headers["X-Request-ID"] != sent
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
    assert request_lines(log_requests)[0].request_id == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("method", "path", "route"),
    [
        ("GET", f"/booking/{TOKEN}", "/booking/<token>"),
        ("GET", f"/booking/{TOKEN}.ics", "/booking/<token>.ics"),
        ("POST", f"/booking/{TOKEN}/cancel", "/booking/<token>/cancel"),
        ("GET", f"/waitlist/offer/{TOKEN}", "/waitlist/offer/<token>"),
        ("GET", f"/book/invite/{TOKEN}", "/book/invite/<token>"),
        # No URL rule matches these: the path is logged with the token cut out.
        ("GET", f"/booking/{TOKEN}/no-such-page", "/booking/<token>/no-such-page"),
        ("DELETE", f"/waitlist/offer/{TOKEN}", "/waitlist/offer/<token>"),
    ],
)
def test_tokens_in_paths_are_never_logged(client, log_requests, method, path, route):
    response = client.open(path, method=method)

    [line] = request_lines(log_requests)
    message = line.getMessage()
    assert f"route={route} status={response.status_code}" in message
    assert TOKEN not in log_requests.text
    assert TOKEN[:12] not in message


def test_query_strings_are_never_logged(as_role, log_requests):
    reception = as_role("reception")
    log_requests.clear()

    response = reception.get("/staff/enquiries", query_string={"q": "Quillon Vantreese"})

    assert response.status_code == 200
    [line] = request_lines(log_requests)
    assert "route=/staff/enquiries status=200" in line.getMessage()
    assert "Quillon" not in log_requests.text
    assert "q=" not in log_requests.text


def test_an_unknown_path_cannot_break_the_line(client, log_requests):
    client.get("/no-such-page%0A2026-11-26 INFO forged line")

    [line] = request_lines(log_requests)
    assert "\n" not in line.getMessage()
    assert "route=/no-such-page%0A2026-11-26%20INFO%20forged%20line status=404" in line.getMessage()


def test_a_rate_limited_request_is_logged_with_its_id(app, client, log_requests):
    app.config["ENQUIRY_RATE_LIMIT"] = "1 per minute"
    client.post("/enquire", data={})

    response = client.post("/enquire", data={})

    assert response.status_code == 429
    line = request_lines(log_requests)[-1]
    assert line.request_id == response.headers["X-Request-ID"]
    assert "route=/enquire status=429" in line.getMessage()


@pytest.fixture
def crashing_app(app_settings):
    app = create_app(TestingConfig, {**app_settings, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/crash/<token>")
    def crash(token):
        raise RuntimeError("the view failed")

    return app


def test_a_crash_is_logged_with_the_request_id_and_without_the_token(crashing_app, caplog):
    caplog.set_level(logging.INFO)

    response = crashing_app.test_client().get(f"/crash/{TOKEN}", headers={"X-Request-ID": "crash-1"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "crash-1"
    [error] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert error.request_id == "crash-1"
    assert error.getMessage() == "unhandled exception method=GET route=/crash/<token>"
    assert error.exc_info[0] is RuntimeError
    [line] = request_lines(caplog)
    assert "route=/crash/<token> status=500" in line.getMessage()
    assert TOKEN not in caplog.text


def test_the_production_format_puts_the_request_id_on_every_line(app):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("clinic.outbox.delivery")
    logger.addHandler(handler)
    try:
        logger.warning("outside any request")
        with app.test_request_context("/visit", headers={"X-Request-ID": "req-7"}):
            start_request()
            logger.warning("inside a request")
    finally:
        logger.removeHandler(handler)

    outside, inside = stream.getvalue().splitlines()
    assert outside.endswith("WARNING clinic.outbox.delivery request_id=- outside any request")
    assert inside.endswith("WARNING clinic.outbox.delivery request_id=req-7 inside a request")
