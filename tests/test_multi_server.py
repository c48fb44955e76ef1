"""Two app servers sharing one PostgreSQL database and one Redis behave as one clinic:
a slot is booked once whichever server patients use, two outbox senders send each
email once, and the staff sign-in limit counts attempts made through either server.

Runs on the PostgreSQL pass of the suite only (SQLite cannot be shared by servers);
there Redis must be up at 127.0.0.1:6379, and the tests fail rather than skip without it.
"""

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import redis
import requests
from sqlalchemy import func, select, text

from clinic.clinic_time import format_start
from clinic.extensions import db
from clinic.models import AuditEntry, Booking, OutboxMessage
from tests.support.clinic_days import local_start
from tests.support.databases import PostgresDatabases
from tests.support.server import AppServer, csrf_token, filled_booking_form
from tests.support.smtp_sink import free_port

# One worker runs them all (make test's --dist loadgroup): the servers are shared by the
# module and every test flushes the one Redis database they count in.
pytestmark = [pytest.mark.multiserver, pytest.mark.slow, pytest.mark.xdist_group("multiserver")]

# A database number of its own, flushed by each test, so nothing else's keys are touched.
REDIS_URL = "redis://127.0.0.1:6379/15"
SLOT_HOURS = (9, 10, 11, 14, 15)
PATIENTS_PER_SLOT = 4
SIGN_IN_LIMIT = "5 per minute;30 per hour"
BOOKED, TAKEN = (303, False), (409, True)


@pytest.fixture(scope="module")
def shared_database(databases):
    if not isinstance(databases, PostgresDatabases):
        pytest.skip("several servers need one shared database: set DATABASE_URL to a PostgreSQL database")
    return databases.url


@pytest.fixture(scope="module")
def redis_client(shared_database):
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"the multi-server tests need Redis at {REDIS_URL} when run on PostgreSQL: {error}")
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def shared_redis(redis_client):
    redis_client.flushdb()
    return REDIS_URL


@contextmanager
def two_servers(database_url, mail_port, upload_folder, *, workers=2, **settings):
    servers = [
        AppServer(database_url, mail_port, upload_folder, workers=workers, threads=8, **settings)
        for _ in range(2)
    ]
    try:
        yield [server.wait_until_up() for server in servers]
    finally:
        # Side by side: each takes a few seconds to stop gracefully.
        with ThreadPoolExecutor() as pool:
            list(pool.map(AppServer.stop, servers))


@pytest.fixture(scope="module")
def servers(shared_database, redis_client, tmp_path_factory):
    """Two servers sharing the database and Redis, each test's fresh data included.

    Their mail server is down (nothing listens on the port), so booking emails wait
    in the outbox, due again at once, for the senders in the booking test.
    """
    with two_servers(
        shared_database,
        free_port(),
        tmp_path_factory.mktemp("uploads"),
        TEST_RATELIMIT_STORAGE_URI=REDIS_URL,
        BOOKING_RATE_LIMIT="1000 per minute",
        STAFF_SIGN_IN_RATE_LIMIT=SIGN_IN_LIMIT,
        OUTBOX_RETRY_BASE_SECONDS=0,
    ) as running:
        yield running


def race(servers, schedule, slots):
    """PATIENTS_PER_SLOT patients per slot, half through each server, open the details
    page and then submit at the same instant; returns each slot's outcomes:
    (status, whether "just taken" was shown)."""
    patients = [(slot, servers[number % 2]) for slot in slots for number in range(PATIENTS_PER_SLOT)]
    # A patient whose page failed to load breaks the barrier instead of holding the rest forever.
    barrier = threading.Barrier(len(patients), timeout=60)
    outcomes = [None] * len(patients)

    def patient(number):
        (practitioner, start), server = patients[number]
        choice = {"type": schedule.in_clinic, "practitioner": practitioner, "start": format_start(start)}
        session = requests.Session()
        data = filled_booking_form(session, server.url, choice, number)
        barrier.wait()
        response = session.post(f"{server.url}/book/details", data=data, allow_redirects=False, timeout=60)
        outcomes[number] = (response.status_code, "just taken" in response.text)

    threads = [threading.Thread(target=patient, args=(number,)) for number in range(len(patients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    by_slot = {slot: Counter() for slot in slots}
    for (slot, _server), outcome in zip(patients, outcomes, strict=True):
        by_slot[slot][outcome] += 1
    return by_slot


OVERLAPPING_LIVE_BOOKINGS = text(
    """
    SELECT count(*) FROM bookings AS one JOIN bookings AS other
      ON one.practitioner_id = other.practitioner_id AND one.id < other.id
     WHERE one.status = 'booked' AND other.status = 'booked'
       AND one.starts_at < other.blocked_until AND other.starts_at < one.blocked_until
    """
)


class Watcher:
    """`flask outbox send --watch` in the background, its output collected as it comes."""

    def __init__(self, server, mail_port):
        self.process = server.flask(
            "outbox", "send", "--watch", "--interval", "0.2", "--batch-size", "2", MAIL_PORT=mail_port
        )
        self.lines = []
        self.reader = threading.Thread(target=self._collect)
        self.reader.start()

    def _collect(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_until_watching(self, timeout=60):
        deadline = time.monotonic() + timeout
        while not any(line.startswith("outbox: watching") for line in self.lines):
            assert self.process.poll() is None, "".join(self.lines)
            assert time.monotonic() < deadline, "the sender did not start in time"
            time.sleep(0.1)

    def stop(self):
        """SIGTERM, as systemd stops the service; the batch under way is finished."""
        self.process.terminate()

    def sent(self):
        """How many messages this sender sent, once it has stopped."""
        self.process.wait(timeout=30)
        self.reader.join(timeout=30)
        output = "".join(self.lines)
        assert self.process.returncode == 0, output
        rounds = re.findall(r"^outbox: (\d+) sent, (\d+) failed$", output, re.MULTILINE)
        assert all(failed == "0" for _sent, failed in rounds), output
        return sum(int(sent) for sent, _failed in rounds)


def send_with_two_watchers(app, server, mail_port, expected):
    """Two senders share the queue; returns how many messages each sent.

    The test holds every outbox row locked until both senders are polling, so
    neither can empty the queue before the other has started (claims skip
    locked rows); from then on they compete for every batch."""
    watchers = []
    try:
        with app.app_context(), db.engine.connect() as connection:
            connection.execute(select(OutboxMessage.id).with_for_update())
            watchers.extend(Watcher(server, mail_port) for _ in range(2))
            for watcher in watchers:
                watcher.wait_until_watching()
            connection.rollback()
        deadline = time.monotonic() + 30
        while sent_count(app) < expected and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for watcher in watchers:
            watcher.stop()
    return [watcher.sent() for watcher in watchers]


def sent_count(app):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")
        )


def test_two_servers_book_each_slot_once_and_two_senders_send_each_email_once(
    app, schedule, servers, shared_redis, mail_sink
):
    slots = [
        (practitioner, local_start(schedule.day, hour))
        for practitioner in (schedule.first, schedule.second)
        for hour in SLOT_HOURS
    ]

    outcomes = race(servers, schedule, slots)

    assert outcomes == {slot: Counter({BOOKED: 1, TAKEN: PATIENTS_PER_SLOT - 1}) for slot in slots}
    with app.app_context():
        live = db.session.execute(
            select(Booking.practitioner_id, Booking.starts_at).where(Booking.status == "booked")
        ).all()
        assert sorted(live) == sorted(slots)
        assert db.session.scalar(OVERLAPPING_LIVE_BOOKINGS) == 0
        queued = db.session.scalars(select(OutboxMessage)).all()
    assert len(queued) == 2 * len(slots)
    assert {message.status for message in queued} == {"queued"}
    assert mail_sink.messages == []

    # A slow mail server gives the second sender time to claim batches too.
    mail_sink.handler.delay = 0.05
    sent_by = send_with_two_watchers(app, servers[0], mail_sink.port, len(queued))

    assert sum(sent_by) == len(queued)
    assert min(sent_by) > 0, f"one sender did all the work ({sent_by}), so nothing was shared"
    delivered = Counter(message.message_id for message in mail_sink.messages)
    assert delivered == Counter(message.message_id for message in queued)
    with app.app_context():
        statuses = db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    assert statuses == [("sent", len(queued))]


def failed_sign_ins(servers, email, attempts):
    """Wrong passwords sent alternately to each server; returns the statuses."""
    session = requests.Session()
    # One session and CSRF token serve both servers: they share the secret key.
    token = csrf_token(session.get(f"{servers[0].url}/staff/login", timeout=30).text)
    return [
        session.post(
            f"{servers[attempt % 2].url}/staff/login",
            data={"csrf_token": token, "email": email, "password": "not my password"},
            allow_redirects=False,
            timeout=30,
        ).status_code
        for attempt in range(attempts)
    ]


def failures_audited(app):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "sign-in failed")
        )


def test_the_staff_sign_in_limit_counts_attempts_through_either_server(app, staff, servers, shared_redis):
    statuses = failed_sign_ins(servers, staff.reception.email, 6)

    # Each server saw three attempts; the sixth overall is refused before any password check.
    assert statuses == [401] * 5 + [429]
    assert failures_audited(app) == 5


def test_counted_in_each_servers_memory_the_limit_would_allow_twice_as_many(
    app, staff, shared_database, mail_sink, tmp_path
):
    """The control for the test above: without shared storage each server allows its own five."""
    # One worker each, so that in-memory counts are per server, not per worker.
    with two_servers(
        shared_database,
        mail_sink.port,
        tmp_path / "uploads",
        workers=1,
        TEST_RATELIMIT_STORAGE_URI="memory://",
        STAFF_SIGN_IN_RATE_LIMIT=SIGN_IN_LIMIT,
    ) as memory_servers:
        statuses = failed_sign_ins(memory_servers, staff.reception.email, 11)

    assert statuses == [401] * 10 + [429]
    assert failures_audited(app) == 10
