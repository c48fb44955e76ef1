import pytest

from clinic import create_app
from clinic.extensions import db, limiter
from config import ProductionConfig

EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class StrongProductionConfig(ProductionConfig):
    SECRET_KEY = "kR8v2JmQ_4pWn7xZbT1cLs9dHfYg3uEaVo6iNq0rMw5"


@pytest.fixture
def app_settings(app_settings):
    # Errors are handled as in production (no propagation), and one enquiry a minute
    # makes the second POST a 429.
    return {**app_settings, "PROPAGATE_EXCEPTIONS": False, "ENQUIRY_RATE_LIMIT": "1 per minute"}


@pytest.fixture
def crashing_app(app):
    @app.get("/crash")
    def crash():
        raise RuntimeError("secret internals: /srv/clinic/config.py line 12")

    return app


@pytest.fixture
def production_app(app_settings):
    app = create_app(StrongProductionConfig, {**app_settings, "WTF_CSRF_ENABLED": True})
    yield app
    limiter.reset()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def rate_limited(client):
    client.post("/enquire", data={})
    return client.post("/enquire", data={})


def crash(client):
    response = client.get("/crash")
    page = response.get_data(as_text=True)
    assert "Traceback" not in page and "secret internals" not in page
    return response


RESPONSES = {
    "home": (lambda client, schedule: client.get("/"), 200),
    "smp": (lambda client, schedule: client.get("/smp"), 200),
    "enquiry form": (lambda client, schedule: client.get("/enquire"), 200),
    "not found": (lambda client, schedule: client.get("/no-such-page"), 404),
    "server error": (lambda client, schedule: crash(client), 500),
    "static css": (lambda client, schedule: client.get("/static/css/site.css"), 200),
    "static js": (lambda client, schedule: client.get("/static/js/booking.js"), 200),
    "slots json": (
        lambda client, schedule: client.get(
            f"/book/slots?date={schedule.day}&type={schedule.in_clinic}&practitioner=any"
        ),
        200,
    ),
    "healthz": (lambda client, schedule: client.get("/healthz"), 200),
    "staff login": (lambda client, schedule: client.get("/staff/login"), 200),
    "rate limited": (lambda client, schedule: rate_limited(client), 429),
    "redirect to sign-in": (lambda client, schedule: client.get("/staff/enquiries"), 302),
    "method not allowed": (lambda client, schedule: client.delete("/"), 405),
}


@pytest.mark.parametrize("case", RESPONSES)
def test_every_response_carries_the_security_headers(crashing_app, schedule, case):
    make_request, status = RESPONSES[case]

    response = make_request(crashing_app.test_client(), schedule)

    assert response.status_code == status
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("path", ["/staff/enquiries", "/staff/enquiries.csv"])
def test_staff_pages_keep_no_store_and_get_the_security_headers(as_role, path):
    response = as_role("reception").get(path)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name


def test_a_header_a_view_sets_on_purpose_is_kept(app):
    @app.get("/framed-on-purpose")
    def framed():
        return "ok", {"X-Frame-Options": "SAMEORIGIN"}

    response = app.test_client().get("/framed-on-purpose")

    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/static/css/site.css", "/healthz"])
def test_production_adds_hsts_to_every_response(production_app, path):
    response = production_app.test_client().get(path, base_url="https://localhost")

    assert response.headers["Strict-Transport-Security"] == HSTS
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, name


def test_production_session_cookie_is_host_prefixed_secure_httponly_and_lax(production_app):
    response = production_app.test_client().get("/enquire", base_url="https://localhost")

    assert response.status_code == 200
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    cookie = cookies[0]
    assert cookie.startswith("__Host-session=")
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes["samesite"] == "SameSite=Lax"
    assert attributes["path"] == "Path=/"
    assert "domain" not in attributes


def test_development_and_tests_keep_the_plain_session_cookie(csrf_app):
    client = csrf_app.test_client()

    client.get("/enquire")

    assert client.get_cookie("session") is not None
    assert client.get_cookie("__Host-session") is None
