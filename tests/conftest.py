"""Fixtures: one app per test with a fresh, migrated database and a real SMTP sink.

Tests run on SQLite by default; set DATABASE_URL to a scratch PostgreSQL
database (it is wiped) to run them there. Nothing pushes an app context around
requests, as in production; use `with app.app_context():` to touch the database
from a test.
"""

import os
from datetime import time
from types import SimpleNamespace

import pytest

from clinic import create_app
from clinic.extensions import db, limiter
from clinic.models import Practitioner
from config import TestingConfig, database_url_from_env
from tests.factories import ConsultationTypeFactory, PractitionerFactory
from tests.support.clinic_days import bookable_day
from tests.support.compiled_code import share_compiled_code
from tests.support.databases import PostgresDatabases, SqliteDatabases
from tests.support.server import NO_STRICTER_LIMITS, AppServer
from tests.support.server import SECRET_KEY as SERVER_SECRET_KEY
from tests.support.smtp_sink import SmtpSink, free_port
from tests.support.staff import create_account, sign_in


def pytest_report_header(config):
    return f"database: {'PostgreSQL' if _postgres_url() else 'SQLite'}"


def _postgres_url():
    if not os.environ.get("DATABASE_URL"):
        return None
    url = database_url_from_env()
    return url if url.startswith("postgresql") else None


def pytest_collection_modifyitems(items):
    # The app under gunicorn takes seconds to start: `pytest -m "not slow"` leaves these out.
    for item in items:
        if "server" in item.fixturenames:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def compiled_code_shared_between_apps():
    with pytest.MonkeyPatch.context() as monkeypatch:
        share_compiled_code(monkeypatch)
        yield


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    """This process's databases: per xdist worker, so workers never share tables."""
    url = _postgres_url()
    databases = PostgresDatabases(url) if url else SqliteDatabases(tmp_path_factory.mktemp("template-db"))
    yield databases
    databases.close()


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def mail_sink(smtp_sink):
    smtp_sink.reset()
    yield smtp_sink
    smtp_sink.reset()


@pytest.fixture
def database_url(databases, tmp_path):
    return databases.fresh(tmp_path)


@pytest.fixture
def app_settings(database_url, mail_sink, tmp_path):
    """Overrides for this test's app; a test may change them before `app` is built."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mail_sink.port,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        # The key `server` signs with, so links made here (a manage token) open there.
        "SECRET_KEY": SERVER_SECRET_KEY,
        # Test clients send forms without a proof-of-work answer; the stricter limits on
        # such forms have their own tests (tests/test_altcha.py).
        **NO_STRICTER_LIMITS,
    }


@pytest.fixture
def mail_server_down(app_settings):
    """The app's mail server refuses connections (nothing listens on its port)."""
    app_settings["MAIL_PORT"] = free_port()


@pytest.fixture
def app(app_settings):
    app = create_app(TestingConfig, app_settings)
    yield app
    limiter.reset()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def server(app, database_url, mail_sink, tmp_path):
    """The app under gunicorn on this test's database and mail sink, for requests that
    must truly overlap; the form limits are raised for racing clients."""
    running = AppServer(
        database_url,
        mail_sink.port,
        tmp_path / "uploads",
        BOOKING_RATE_LIMIT="1000 per minute",
        ENQUIRY_RATE_LIMIT="1000 per minute",
    )
    yield running.wait_until_up()
    running.stop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def csrf_app(app_settings):
    """An app with CSRF protection on, as in production."""
    app_settings["WTF_CSRF_ENABLED"] = True
    app = create_app(TestingConfig, app_settings)
    yield app
    limiter.reset()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def schedule(app):
    """Two practitioners (9am-1pm, 2pm-6pm, Monday to Saturday) and two consultation
    types, plus `day`: a weekday at least two days ahead, in clinic time."""
    with app.app_context():
        in_clinic = ConsultationTypeFactory(
            name="In-clinic consultation", duration_minutes=30, mode="in_clinic"
        )
        video = ConsultationTypeFactory(name="Video consultation", duration_minutes=20, mode="video")
        first = PractitionerFactory(name="Sam Adeyemi")
        second = PractitionerFactory(name="Rachel Moore")
        return SimpleNamespace(
            in_clinic=in_clinic.id, video=video.id, first=first.id, second=second.id, day=bookable_day()
        )


@pytest.fixture
def around_the_clock(app):
    """A practitioner with free times every day and night, so a booking can land anywhere."""
    with app.app_context():
        kind = ConsultationTypeFactory(name="In-clinic consultation", duration_minutes=30)
        practitioner = PractitionerFactory(
            name="Sam Adeyemi", week={day: [(time(0), time(23, 45))] for day in range(7)}
        )
        return SimpleNamespace(type=kind.id, practitioner=practitioner.id)


@pytest.fixture
def staff(app, schedule):
    """One account per role; the practitioners are linked to schedule.first and schedule.second."""
    with app.app_context():
        first = db.session.get(Practitioner, schedule.first)
        second = db.session.get(Practitioner, schedule.second)
        accounts = {
            "reception": create_account("reception@hairline-clinic.co.uk", "Rita Reception", "reception"),
            "admin": create_account("admin@hairline-clinic.co.uk", "Adam Admin", "admin"),
            "practitioner": create_account("sam@hairline-clinic.co.uk", first.name, "practitioner", first),
            "other_practitioner": create_account(
                "rachel@hairline-clinic.co.uk", second.name, "practitioner", second
            ),
        }
        db.session.commit()
        return SimpleNamespace(
            **{role: SimpleNamespace(id=user.id, email=user.email) for role, user in accounts.items()}
        )


@pytest.fixture
def as_role(app, staff):
    """as_role("reception") -> a test client signed in with that role's account."""

    def client_for(role):
        client = app.test_client()
        response = sign_in(client, getattr(staff, role).email)
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return client_for
