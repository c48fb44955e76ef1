"""`flask outbox send --watch`: the long-running sender that systemd keeps up."""

import logging
import signal
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from clinic.extensions import db
from clinic.models import OutboxMessage
from clinic.outbox import delivery
from tests.support.outbox import queue_test_email, send_in_subprocess


def start_watcher(database_url, mail_port, *options):
    return send_in_subprocess(database_url, mail_port, "--watch", *options)


def queue(app, numbers):
    with app.app_context():
        for number in numbers:
            queue_test_email(number)
        db.session.commit()


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def stop(watcher, timeout=10):
    """SIGTERM, as systemd sends it; returns (output, seconds it took to exit)."""
    asked = time.monotonic()
    watcher.send_signal(signal.SIGTERM)
    output, errors = watcher.communicate(timeout=timeout)
    return output + errors, time.monotonic() - asked


def subjects(mail_sink):
    return sorted(message.subject for message in mail_sink.messages)


def expected(numbers):
    return sorted(f"Message {number}" for number in numbers)


def statuses(app):
    with app.app_context():
        return db.session.execute(select(OutboxMessage.status, OutboxMessage.locked_until)).all()


@pytest.mark.slow
def test_the_watcher_sends_what_is_queued_before_and_while_it_runs_then_stops_on_sigterm(
    app, mail_sink, database_url
):
    queue(app, range(3))
    watcher = start_watcher(database_url, mail_sink.port, "--interval", "0.2")
    try:
        wait_for(lambda: len(mail_sink.messages) >= 3)
        queue(app, range(3, 6))
        wait_for(lambda: len(mail_sink.messages) >= 6)
        time.sleep(0.5)  # a few more rounds: nothing may go out twice
    finally:
        output, took = stop(watcher)

    assert watcher.returncode == 0, output
    assert took < 5, f"took {took:.1f}s to stop"
    assert subjects(mail_sink) == expected(range(6))
    assert "outbox: stopped" in output
    assert all(status == "sent" for status, _ in statuses(app))


@pytest.mark.slow
def test_sigterm_during_a_batch_finishes_that_batch_and_leaves_no_lease(app, mail_sink, database_url):
    queue(app, range(6))
    mail_sink.handler.delay = 0.5  # each message takes a while, so the signal lands mid-batch
    watcher = start_watcher(database_url, mail_sink.port, "--batch-size", "3", "--interval", "0.2")
    try:
        wait_for(lambda: len(mail_sink.messages) >= 1)
    finally:
        output, took = stop(watcher)

    assert watcher.returncode == 0, output
    assert len(mail_sink.messages) == 3, "the batch under way was finished, and no other begun"
    rows = statuses(app)
    assert sorted(status for status, _ in rows) == ["queued"] * 3 + ["sent"] * 3
    assert all(locked_until is None for _, locked_until in rows), "nothing stays leased to a stopped sender"


@pytest.mark.slow
def test_two_watchers_on_one_database_send_each_message_once(app, mail_sink, database_url):
    mail_sink.handler.delay = 0.02
    watchers = [start_watcher(database_url, mail_sink.port, "--interval", "0.1", "--batch-size", "4")]
    watchers.append(start_watcher(database_url, mail_sink.port, "--interval", "0.1", "--batch-size", "4"))
    try:
        time.sleep(1)  # both have started before the messages arrive
        queue(app, range(30))
        wait_for(lambda: len(mail_sink.messages) >= 30)
        time.sleep(0.5)
    finally:
        outputs = [stop(watcher)[0] for watcher in watchers]

    assert [watcher.returncode for watcher in watchers] == [0, 0], outputs
    assert subjects(mail_sink) == expected(range(30))


def test_a_database_error_does_not_end_the_watch(app, monkeypatch, caplog):
    stopping = threading.Event()
    rounds = []

    def claim(limit, ids=None):
        rounds.append(limit)
        if len(rounds) == 1:
            raise OperationalError("UPDATE outbox_messages ...", {}, ConnectionResetError())
        stopping.set()
        return []

    monkeypatch.setattr(delivery, "claim", claim)

    with app.app_context():
        delivery.watch(stopping, interval=0.01)

    assert len(rounds) == 2
    [warning] = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert "database error OperationalError" in warning.getMessage()
