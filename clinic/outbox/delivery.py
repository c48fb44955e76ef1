"""Sending queued emails, and trying failed ones again with growing delays.

Senders claim due messages by stamping a short lease on them in one UPDATE; on
PostgreSQL the candidate rows are picked with FOR UPDATE SKIP LOCKED, so several
senders (web workers, `flask outbox send` on several hosts) never claim the same
message twice and never wait on each other.
"""

import json
import logging
import smtplib
from datetime import timedelta

from flask import current_app
from flask_mail import Connection, Message
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from clinic.extensions import db
from clinic.models import OutboxMessage
from clinic.models.outbox import OutboxStatus
from clinic.models.types import utcnow
from clinic.outbox.checks import withdraw_if_stale
from clinic.web import database_outage

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 500


def retry_delay(attempts):
    config = current_app.config
    delay = config["OUTBOX_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(delay, config["OUTBOX_RETRY_MAX_SECONDS"]))


def claim(limit=50, ids=None):
    """Lease up to `limit` due messages to this sender and return them."""
    now = utcnow()
    due = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.QUEUED,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
    )
    if ids is not None:
        due = due.where(OutboxMessage.id.in_(ids))
    due = due.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    # A CTE, not a plain IN-subquery: PostgreSQL may re-run an IN-subquery per row,
    # which lets LIMIT and SKIP LOCKED claim far more rows than asked for.
    due = due.with_for_update(skip_locked=True).cte("due")
    lease_until = now + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    # The status and lease are checked again by the UPDATE itself, so that on
    # SQLite (no row locks) a message claimed meanwhile by another sender is skipped.
    claimed_ids = db.session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(select(due.c.id)),
            OutboxMessage.status == OutboxStatus.QUEUED,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
        )
        .values(locked_until=lease_until)
        .returning(OutboxMessage.id)
    ).all()
    db.session.commit()
    if not claimed_ids:
        return []
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(claimed_ids)).order_by(OutboxMessage.id)
    ).all()


def deliver(messages):
    """Send claimed messages; record each outcome. Returns (sent, failed) counts.

    Each is checked first against what is true now: one that is no longer true is
    withdrawn rather than sent (see clinic.outbox.checks)."""
    sent = failed = 0
    messages = [message for message in messages if not withdraw_if_stale(message)]
    db.session.commit()
    if not messages:
        return sent, failed
    try:
        with _TimedConnection(current_app.extensions["mail"]) as connection:
            for message in messages:
                try:
                    connection.send(_as_mail_message(message))
                except Exception as error:  # noqa: BLE001 - any failure must be recorded, not raised
                    _record_failure(message, error)
                    failed += 1
                else:
                    _record_success(message)
                    sent += 1
                db.session.commit()
    except Exception as error:  # noqa: BLE001 - the server could not be reached at all
        for message in messages:
            if message.status == OutboxStatus.QUEUED and message.locked_until is not None:
                _record_failure(message, error)
                failed += 1
        db.session.commit()
    return sent, failed


def send_due(limit=50, stop=None):
    """Send every message that is due, batch by batch, until none is left or the
    `stop` event is set between batches. Returns (sent, failed)."""
    total_sent = total_failed = 0
    while not (stop and stop.is_set()) and (batch := claim(limit=limit)):
        sent, failed = deliver(batch)
        total_sent += sent
        total_failed += failed
    return total_sent, total_failed


def watch(stop, interval, limit=50, report=None):
    """Send due messages every `interval` seconds until `stop` (a threading.Event) is
    set. A batch under way is finished first, so no message is left leased to a
    sender that has gone. `report(sent, failed)` hears of each round that did something.
    """
    while not stop.is_set():
        try:
            sent, failed = send_due(limit=limit, stop=stop)
        except SQLAlchemyError as error:
            # The database restarting or failing over must not end the sender: the
            # next round reconnects (pool_pre_ping). The error's text can quote
            # statement values, so only its type is logged.
            db.session.rollback()
            log.warning("outbox watch: database error %s; retrying in %ss", type(error).__name__, interval)
        else:
            if (sent or failed) and report:
                report(sent, failed)
        finally:
            db.session.remove()
        stop.wait(interval)


def send_now(messages):
    """Try the given just-committed messages at once, e.g. at the end of a request.

    If the database goes away meanwhile, they stay queued for `outbox send`: what the
    request committed is saved, and the patient should still be shown it."""
    try:
        return deliver(claim(ids=[message.id for message in messages]))
    except SQLAlchemyError as error:
        if not database_outage.is_unreachable(error):
            raise
        log.warning("outbox: database unreachable while sending at once; left queued")
        return 0, 0


def _as_mail_message(message):
    mail_message = Message(
        subject=message.subject,
        recipients=message.recipient_list,
        body=message.body_text,
        html=message.body_html,
        reply_to=message.reply_to,
        extra_headers=json.loads(message.extra_headers) if message.extra_headers else None,
    )
    mail_message.msgId = message.message_id
    if message.attachment_name:
        mail_message.attach(
            message.attachment_name, message.attachment_type, message.attachment_data.encode()
        )
    return mail_message


def _record_success(message):
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.attempts += 1
    message.locked_until = None
    message.last_error = None


def _record_failure(message, error):
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    message.locked_until = None
    # Only ids, the kind and the error's type are logged: an error's text can quote
    # recipients, and a subject can name the patient.
    if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        log.error(
            "outbox message %s (%s) failed for good at attempt %s: %s",
            message.id,
            message.kind,
            message.attempts,
            type(error).__name__,
        )
    else:
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        log.warning(
            "outbox message %s (%s) attempt %s failed: %s",
            message.id,
            message.kind,
            message.attempts,
            type(error).__name__,
        )


class _TimedConnection(Connection):
    """Flask-Mail's connection with MAIL_TIMEOUT on its own socket. Flask-Mail opens
    smtplib connections without a timeout, so a mail server that accepts and then
    hangs would hold a web worker for minutes; socket.setdefaulttimeout would
    change every other thread's sockets too (gunicorn gthread workers)."""

    def configure_host(self):
        state = self.mail
        smtp = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        # No set_debuglevel, whatever MAIL_DEBUG says: smtplib's debug output is the whole
        # SMTP conversation, patients' names and addresses included, on standard error.
        host = smtp(state.server, state.port, timeout=current_app.config["MAIL_TIMEOUT"])
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host
