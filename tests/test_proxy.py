"""Behind nginx: the client's address and scheme come from exactly one proxy hop,
and the real stack (gunicorn.conf.py, production settings) logs as promised."""

import os
import re
import runpy
import signal
import subprocess
import sys
import time

import pytest
import requests
from flask import request, url_for

from clinic import create_app
from clinic.extensions import db, limiter
from config import DevelopmentConfig, ProductionConfig, TestingConfig
from tests.support.production import STRONG_KEY
from tests.support.server import REPO
from tests.support.smtp_sink import free_port

PROXY = "127.0.0.1"
CLIENT = "203.0.113.9"
FORGED = "198.51.100.66"


@pytest.fixture
def proxied_app(app_settings):
    app = create_app(TestingConfig, {**app_settings, "PROXY_TRUSTED_HOPS": 1})

    @app.get("/probe")
    def probe():
        return {
            "remote_addr": request.remote_addr,
            "scheme": request.scheme,
            "home": url_for("public.index", _external=True),
        }

    yield app
    limiter.reset()
    with app.app_context():
        db.engine.dispose()


def probe(app, **headers):
    return app.test_client().get("/probe", headers=headers, environ_base={"REMOTE_ADDR": PROXY}).get_json()


def test_production_trusts_one_proxy_and_development_none():
    assert ProductionConfig.PROXY_TRUSTED_HOPS == 1
    assert DevelopmentConfig.PROXY_TRUSTED_HOPS == 0


def test_the_address_and_scheme_the_proxy_forwards_are_used(proxied_app):
    seen = probe(proxied_app, **{"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"})

    assert seen == {"remote_addr": CLIENT, "scheme": "https", "home": "https://localhost/"}


def test_an_address_the_client_put_before_the_proxys_is_ignored(proxied_app):
    # nginx appends the address it saw to whatever X-Forwarded-For the client sent.
    seen = probe(proxied_app, **{"X-Forwarded-For": f"{FORGED}, {CLIENT}", "X-Forwarded-Proto": "https"})

    assert seen["remote_addr"] == CLIENT


def test_forwarded_host_and_prefix_are_not_trusted(proxied_app):
    seen = probe(
        proxied_app,
        **{
            "X-Forwarded-For": CLIENT,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "phishing.example.com",
            "X-Forwarded-Prefix": "/evil",
        },
    )

    assert seen["home"] == "https://localhost/"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app):
    @app.get("/probe")
    def probe_view():
        return {"remote_addr": request.remote_addr, "scheme": request.scheme}

    seen = probe(app, **{"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"})

    assert seen == {"remote_addr": PROXY, "scheme": "http"}


def test_rate_limits_count_per_forwarded_client(proxied_app):
    proxied_app.config["ENQUIRY_RATE_LIMIT"] = "1 per minute"
    client = proxied_app.test_client()

    def post_from(forwarded_for):
        return client.post(
            "/enquire",
            data={},
            headers={"X-Forwarded-For": forwarded_for},
            environ_base={"REMOTE_ADDR": PROXY},
        ).status_code

    assert post_from(CLIENT) == 422  # the form back with its errors
    assert post_from(CLIENT) == 429
    assert post_from(f"{FORGED}, {CLIENT}") == 429, "a forged first hop must not reset the count"
    assert post_from("203.0.113.10") == 422, "another client has its own count"


def test_a_client_that_reached_gunicorn_directly_cannot_rotate_its_address(proxied_app):
    client = proxied_app.test_client()

    statuses = [
        client.post(
            "/staff/login",
            data={"email": "nobody@hairline-clinic.co.uk", "password": "a guess at a password"},
            headers={"X-Forwarded-For": f"203.0.113.{attempt}", "X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": FORGED},
        ).status_code
        for attempt in range(12)
    ]

    assert statuses == [401] * 5 + [429] * 7


def test_forwarded_headers_from_a_peer_that_is_not_the_proxy_are_ignored(proxied_app):
    seen = proxied_app.test_client().get(
        "/probe",
        headers={"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": FORGED},
    )

    assert seen.get_json() == {"remote_addr": FORGED, "scheme": "http", "home": "http://localhost/"}


def test_a_proxy_on_a_unix_socket_is_believed(proxied_app):
    # gunicorn gives the peer of a Unix socket an empty address.
    seen = proxied_app.test_client().get(
        "/probe", headers={"X-Forwarded-For": CLIENT}, environ_base={"REMOTE_ADDR": ""}
    )

    assert seen.get_json()["remote_addr"] == CLIENT


def test_gunicorn_binds_to_loopback_and_believes_only_it(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    settings = runpy.run_path(str(REPO / "gunicorn.conf.py"))

    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert TestingConfig.TRUSTED_PROXY_ADDRESSES == ["127.0.0.1", "::1"]


@pytest.mark.slow
def test_gunicorn_with_our_settings_serves_and_logs_one_line_per_request(database_url, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "CLINIC_ENV": "production",
        "SECRET_KEY": STRONG_KEY,
        "DATABASE_URL": database_url,
        "CLINIC_BASE_URL": "https://www.hairline-clinic.co.uk",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        response = None
        for _ in range(150):
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/healthz",
                    headers={
                        "X-Request-ID": "e2e-0001",
                        "X-Forwarded-For": CLIENT,
                        "X-Forwarded-Proto": "https",
                    },
                    timeout=5,
                )
                break
            except requests.ConnectionError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        assert response is not None and response.status_code == 200, server.stdout.read()
        assert response.headers["X-Request-ID"] == "e2e-0001"
        # Production settings were in force: HSTS only comes with ProductionConfig.
        assert "max-age" in response.headers["Strict-Transport-Security"]
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)

    assert server.returncode == 0, output
    [line] = [text for text in output.splitlines() if "clinic.web.request_log" in text]
    assert re.search(
        r" INFO clinic.web.request_log request_id=e2e-0001 method=GET route=/healthz "
        r"status=200 duration_ms=\d",
        line,
    )
    assert CLIENT not in output, "the client's address is not logged"
    assert '"GET /healthz' not in output, "gunicorn's access log is off"
