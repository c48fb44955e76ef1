"""When the database goes away, nobody is lied to.

While the database cannot be reached, /healthz and every page that needs it
answer 503 with Retry-After, a form is told that nothing was saved (or, when
something may have been, that it may have been), never a 500 or a traceback; and
once the database is back the same app carries on, without a restart.

In the app, on either engine: new connections are refused, as by a stopped
server. Against a real PostgreSQL server of the test's own, stopped and started
under a stream of enquiries sent through gunicorn: every reference a patient saw
is in the database, nobody told "nothing was saved" was saved, and nothing is
saved twice.
"""

import itertools
import logging
import os
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from clinic.booking.tokens import manage_token
from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import Booking, ConsultationType, Enquiry, Practitioner
from clinic.models.references import ALPHABET
from tests.factories import BookingFactory, EnquiryFactory
from tests.support.clinic_days import local_start
from tests.support.databases import migrate
from tests.support.patients import booking_details, enquiry_form
from tests.support.private_postgres import bin_dir, private_postgres
from tests.support.server import AppServer, csrf_token
from tests.support.staff import STAFF_PASSWORD

REFERENCE = re.compile(rf"ENQ-[{ALPHABET}]{{6}}")
SUBMISSION_KEY = re.compile(r'name="submission_key" type="hidden" value="([^"]+)"')
NOTHING_SAVED = "Nothing was saved: please try again in a minute"
MAYBE_SAVED = "We could not finish saving what you sent"
UNAVAILABLE = "This page is unavailable for a moment"


def retry_after(response):
    """Seconds; Flask-Limiter rewrites the header on rate-limited forms, a second less."""
    return int(response.headers["Retry-After"])


def numbered_enquiry(number, **changes):
    return enquiry_form(
        full_name=f"Amara Okafor {number}", email=f"amara.okafor{number}@gmail.com", **changes
    )


def assert_calm_503(response, heading):
    page = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    assert response.status_code == 503, page[:500]
    assert heading in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert retry_after(response) in (59, 60)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---------- In the app: the database refuses connections (SQLite and PostgreSQL) ----------


@contextmanager
def database_down(app, after_commit=False):
    """Refuse every new connection, as a stopped server does, and drop the pooled ones;
    with after_commit, only from the end of the next commit on."""
    with app.app_context():
        engine = db.engine
    down = threading.Event()
    driver_error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(dialect, connection_record, cargs, cparams):
        if down.is_set():
            raise driver_error("connection refused: the test stopped the database")

    def go_down(session=None):
        down.set()
        engine.dispose()

    event.listen(engine, "do_connect", refuse)
    if after_commit:
        event.listen(Session, "after_commit", go_down)
    else:
        go_down()
    try:
        yield
    finally:
        if after_commit:
            event.remove(Session, "after_commit", go_down)
        event.remove(engine, "do_connect", refuse)
        engine.dispose()


def everything_held(app):
    """Row counts of every table and the booking's state: what a POST could have changed."""
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }
        bookings = db.session.execute(select(Booking.id, Booking.status, Booking.token_version)).all()
        return counts, sorted(bookings)


@pytest.fixture
def clinic(app, schedule, as_role):
    """A live booking with its manage token, an enquiry, and reception signed in."""
    with app.app_context():
        booking = BookingFactory(
            type=db.session.get(ConsultationType, schedule.in_clinic),
            practitioner=db.session.get(Practitioner, schedule.first),
            starts_at=local_start(schedule.day, 10),
        )
        enquiry = EnquiryFactory()
        db.session.commit()
        ids = {"booking": booking.id, "token": manage_token(booking), "enquiry": enquiry.id}
    return type("Clinic", (), {**ids, "schedule": schedule, "reception": as_role("reception")})


FORMS = {
    "enquiry": lambda client, clinic: client.post("/enquire", data=numbered_enquiry(1)),
    "booking details": lambda client, clinic: client.post(
        "/book/details", data=booking_details(clinic.schedule.in_clinic, local_start(clinic.schedule.day, 15))
    ),
    "waiting list": lambda client, clinic: client.post(
        "/book/waitlist",
        data={
            **booking_details(clinic.schedule.in_clinic, local_start(clinic.schedule.day, 15)),
            "weekdays": [str(clinic.schedule.day.weekday())],
            "part_of_day": "any",
        },
    ),
    "manage cancel": lambda client, clinic: client.post(f"/booking/{clinic.token}/cancel"),
    "manage move": lambda client, clinic: client.post(
        f"/booking/{clinic.token}/move/confirm",
        data={"start": format_start(local_start(clinic.schedule.day, 11)), "practitioner": "any"},
    ),
    "staff sign-in": lambda client, clinic: client.post(
        "/staff/login", data={"email": "reception@hairline-clinic.co.uk", "password": STAFF_PASSWORD}
    ),
    "staff note": lambda client, clinic: clinic.reception.post(
        f"/staff/enquiries/{clinic.enquiry}/notes", data={"body": "Called back, no answer."}
    ),
    "staff cancel": lambda client, clinic: clinic.reception.post(f"/staff/bookings/{clinic.booking}/cancel"),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_form_sent_while_the_database_is_down_says_nothing_was_saved_then_works(
    app, client, clinic, mail_sink, form
):
    before = everything_held(app)

    with database_down(app):
        response = FORMS[form](client, clinic)

    assert_calm_503(response, NOTHING_SAVED)
    assert response.headers["Cache-Control"] == "no-store"
    assert everything_held(app) == before
    assert mail_sink.messages == []
    # The same app, not restarted, takes the same form once the database is back.
    assert FORMS[form](client, clinic).status_code in (200, 303)


@pytest.mark.parametrize(
    "page",
    [
        "/testimonials",
        "/staff/enquiries",
        "/booking/{token}",
        "/book/slots?type={type}&practitioner=any&date={day}",
    ],
)
def test_pages_that_need_the_database_say_they_are_unavailable_for_a_moment(app, client, clinic, page):
    path = page.format(token=clinic.token, type=clinic.schedule.in_clinic, day=clinic.schedule.day)
    visitor = clinic.reception if path.startswith("/staff") else client

    with database_down(app):
        response = visitor.get(path)

    assert_calm_503(response, UNAVAILABLE)
    assert "saved" not in response.get_data(as_text=True)
    assert visitor.get(path).status_code == 200


def test_healthz_reports_the_database_down_then_up_again(app, client):
    with database_down(app):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
    assert retry_after(response) in (59, 60)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_an_outage_is_logged_in_one_line_without_the_patients_details(app, client, caplog):
    caplog.set_level(logging.INFO)
    form = numbered_enquiry(7)

    with database_down(app):
        client.post("/enquire", data=form)

    [line] = [record for record in caplog.records if record.name == "clinic.web.errors"]
    assert line.levelno == logging.WARNING
    assert line.getMessage() == (
        "database unreachable method=POST route=/enquire error=OperationalError sqlstate=- maybe_saved=False"
    )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for detail in (form["full_name"], form["email"], "7911", "crown has thinned"):
        assert detail not in logged
    assert not [record for record in caplog.records if record.exc_info]


def test_when_the_database_goes_after_the_enquiry_is_saved_the_patient_is_not_told_nothing_was(app, client):
    form_page = client.get("/enquire").get_data(as_text=True)
    key = SUBMISSION_KEY.search(form_page)
    form = numbered_enquiry(8, **({"submission_key": key.group(1)} if key else {}))

    with database_down(app, after_commit=True):
        response = client.post("/enquire", data=form)

    assert_calm_503(response, MAYBE_SAVED)
    assert NOTHING_SAVED not in response.get_data(as_text=True)
    with app.app_context():
        [saved] = db.session.scalars(select(Enquiry).where(Enquiry.full_name == form["full_name"])).all()
        reference = saved.reference
    if key:
        # Sending the same form again, as the page allows, lands on the same reference.
        again = client.post("/enquire", data=form, follow_redirects=True)
        assert reference in again.get_data(as_text=True)
        with app.app_context():
            assert (
                db.session.scalar(
                    select(func.count()).select_from(Enquiry).where(Enquiry.full_name == form["full_name"])
                )
                == 1
            )


def test_a_database_error_that_is_not_an_outage_stays_a_500(app, client, caplog):
    """Both are OperationalError: SQLite's missing table, PostgreSQL's statement timeout."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/broken-query")
    def broken_query():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(sa.text("SELECT * FROM no_such_table"))
        else:
            db.session.execute(sa.text("SET LOCAL statement_timeout = 1"))
            db.session.execute(sa.text("SELECT pg_sleep(0.2)"))
        return "unreachable"

    response = client.get("/broken-query")

    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.get_data(as_text=True)
    assert "Retry-After" not in response.headers
    assert not [record for record in caplog.records if record.name == "clinic.web.errors"]
    # The database is fine, and so is the next request.
    assert client.get("/healthz").status_code == 200


# ---------- A real PostgreSQL server stopped and started under a stream of enquiries ----------


def postgres_pass():
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql"))


# About 20 seconds, so once per CI run rather than in both passes; it starts a
# server of its own, and leaves the one in DATABASE_URL alone.
only_in_the_postgresql_pass = pytest.mark.skipif(
    not postgres_pass(),
    reason="runs once, in the PostgreSQL pass of the suite (DATABASE_URL=postgresql://...); "
    "it starts a PostgreSQL server of its own",
)
needs_postgresql_binaries = pytest.mark.skipif(
    bin_dir() is None, reason="needs PostgreSQL binaries (initdb, pg_ctl)"
)


@dataclass
class Attempt:
    number: int
    session: requests.Session
    form: dict
    started: float
    ended: float = 0.0
    outcome: str = ""  # saved, nothing saved, maybe saved, no form, or what went wrong
    reference: str | None = None
    headers: dict = field(default_factory=dict)


def send_enquiry(base_url, number):
    """One patient: open the form, fill it in, send it, and read what they are told."""
    return send(open_form(base_url, number), base_url)


def open_form(base_url, number):
    session = requests.Session()
    attempt = Attempt(number, session, {}, started=time.monotonic())
    try:
        page = session.get(f"{base_url}/enquire", timeout=10)
    except requests.RequestException as error:
        attempt.outcome = f"no answer: {type(error).__name__}"
        return attempt
    if page.status_code != 200:
        attempt.outcome = "no form"
        return attempt
    key = SUBMISSION_KEY.search(page.text)
    attempt.form = numbered_enquiry(
        number, csrf_token=csrf_token(page.text), **({"submission_key": key.group(1)} if key else {})
    )
    return attempt


def send(attempt, base_url):
    if attempt.outcome:
        return attempt
    attempt.started = time.monotonic()
    try:
        response = attempt.session.post(f"{base_url}/enquire", data=attempt.form, timeout=10)
    except requests.RequestException as error:
        attempt.outcome = f"no answer: {type(error).__name__}"
        return attempt
    attempt.ended = time.monotonic()
    attempt.headers = dict(response.headers)
    attempt.outcome, attempt.reference = told(response)
    return attempt


def told(response):
    seen = REFERENCE.search(response.text)
    if response.status_code == 200 and seen and response.url.endswith("/enquire/thanks"):
        return "saved", seen.group(0)
    if response.status_code == 503 and NOTHING_SAVED in response.text:
        return "nothing saved", None
    if response.status_code == 503 and MAYBE_SAVED in response.text:
        return "maybe saved", None
    return f"unexpected {response.status_code}: {response.text[:300]}", None


class Patients:
    """A few threads sending enquiries one after another until stopped."""

    def __init__(self, base_url, threads=4):
        self.base_url = base_url
        self.attempts = []
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _run(self):
        while not self.stopping.is_set():
            with self.lock:
                number = next(self.numbers)
            attempt = send_enquiry(self.base_url, number)
            with self.lock:
                self.attempts.append(attempt)
            time.sleep(0.02)

    def wait_for(self, what, count, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if sum(1 for attempt in self.attempts if what(attempt)) >= count:
                    return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {count} attempts: {Counter(self.outcomes())}")

    def outcomes(self):
        with self.lock:
            return [attempt.outcome for attempt in self.attempts]


def healthz(base_url):
    return requests.get(f"{base_url}/healthz", timeout=5)


def saved_enquiries(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(Enquiry.reference, Enquiry.full_name)).all()
    finally:
        engine.dispose()


@contextmanager
def collected_output(server):
    """Keep reading the server's output, so a full pipe never stalls it."""
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(server.process.stdout), daemon=True)
    reader.start()
    try:
        yield lines
    finally:
        server.stop()
        reader.join(timeout=10)


@pytest.mark.slow
@only_in_the_postgresql_pass
@needs_postgresql_binaries
def test_a_postgresql_restart_under_a_stream_of_enquiries(mail_sink, tmp_path):
    with private_postgres() as postgres:
        migrate(postgres.url)
        server = AppServer(
            postgres.url,
            mail_sink.port,
            tmp_path / "uploads",
            workers=2,
            threads=4,
            ENQUIRY_RATE_LIMIT="10000 per minute",
        ).wait_until_up()
        with collected_output(server) as output:
            attempts, recovered_at = enquiries_through_a_restart(postgres, server.url)

            assert [a.outcome for a in attempts if a.outcome.startswith(("unexpected", "no answer"))] == []
            assert [a.outcome for a in attempts if a.started > recovered_at and a.outcome != "saved"] == []
            refused = next(a for a in attempts if a.outcome == "nothing saved")
            assert int(refused.headers["Retry-After"]) in (59, 60)
            assert "frame-ancestors 'none'" in refused.headers["Content-Security-Policy"]

            # The database restarts between opening the form and sending it: nobody notices.
            ready = [open_form(server.url, number) for number in range(10_001, 10_009)]
            postgres.stop("fast")
            postgres.start()
            with ThreadPoolExecutor(max_workers=4) as pool:
                after_restart = list(pool.map(lambda attempt: send(attempt, server.url), ready))
            assert [attempt.outcome for attempt in after_restart] == ["saved"] * len(ready)
            attempts += after_restart

            rows = saved_enquiries(postgres.url)
            by_reference = dict(rows)
            assert len(by_reference) == len(rows)
            assert max(Counter(name for _, name in rows).values()) == 1
            for attempt in attempts:
                if attempt.outcome == "saved":
                    assert by_reference.get(attempt.reference) == attempt.form["full_name"]
                elif attempt.outcome == "nothing saved":
                    assert attempt.form["full_name"] not in by_reference.values()

            told_to_retry = [a for a in attempts if a.outcome in ("nothing saved", "maybe saved")]
            if "submission_key" in told_to_retry[0].form:
                # Each sends the same form again, and has one enquiry, whatever they were told.
                for attempt in told_to_retry:
                    again = attempt.session.post(f"{server.url}/enquire", data=attempt.form, timeout=10)
                    assert told(again)[0] == "saved", again.text[:300]
                names = Counter(name for _, name in saved_enquiries(postgres.url))
                assert all(names[attempt.form["full_name"]] == 1 for attempt in told_to_retry)
                assert max(names.values()) == 1

        log = "".join(output)
        assert "database unreachable method=POST route=/enquire" in log
        assert "Traceback" not in log
        assert "@gmail.com" not in log and "Amara Okafor" not in log


def enquiries_through_a_restart(postgres, base_url):
    """Patients send enquiries while the server is stopped and started again; returns
    their attempts and when /healthz answered 200 again."""
    with Patients(base_url) as patients:
        patients.wait_for(lambda attempt: attempt.outcome == "saved", 8, timeout=20)

        postgres.stop("fast")
        down_at = time.monotonic()
        health = healthz(base_url)
        assert health.status_code == 503
        assert health.json() == {"status": "error", "database": "unavailable"}
        assert retry_after(health) == 60
        refused_while_down = lambda a: a.started > down_at and a.outcome == "nothing saved"  # noqa: E731
        patients.wait_for(refused_while_down, 6, timeout=15)

        postgres.start()
        up_at = time.monotonic()
        while healthz(base_url).status_code != 200:
            assert time.monotonic() - up_at < 5, "the app did not reconnect within 5 seconds"
            time.sleep(0.1)
        recovered_at = time.monotonic()
        saved_since = lambda a: a.started > recovered_at and a.outcome == "saved"  # noqa: E731
        patients.wait_for(saved_since, 8, timeout=20)
    return list(patients.attempts), recovered_at
