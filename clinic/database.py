"""Engine settings that SQLite needs to behave like the production database."""

import sqlite3

from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from clinic.models import Booking, Practitioner


def configure_engines():
    if not event.contains(Engine, "connect", _configure_sqlite):
        event.listen(Engine, "connect", _configure_sqlite)


def _configure_sqlite(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    # Off by default in SQLite; the schema relies on ON DELETE CASCADE / SET NULL.
    cursor.execute("PRAGMA foreign_keys=ON")
    # Readers then never block the writer, so web requests and `outbox send` can overlap.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def begin_locked_write(session, practitioner_ids, booking_ids=()):
    """Start the transaction in which a slot is checked and taken, or a booking changed.

    SQLite: BEGIN IMMEDIATE takes the database's write lock before the check,
    so no other writer can slip in between check and insert (pysqlite would
    otherwise begin lazily, at the first INSERT). PostgreSQL: lock the
    practitioners' rows, so bookings for them queue up while other
    practitioners' bookings go ahead; the exclusion constraint backs this up.
    Then the bookings' own rows, so that two changes to one booking (a
    double-clicked cancel, a move racing a cancel) happen one after the other
    and the second sees the first. Always in this order, so two writers never
    wait on each other in a cycle.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_locked_write needs a session with no pending changes")
    session.rollback()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
        return
    session.execute(
        select(Practitioner.id)
        .where(Practitioner.id.in_(sorted(practitioner_ids)))
        .order_by(Practitioner.id)
        .with_for_update()
    ).all()
    if booking_ids:
        session.execute(
            select(Booking.id)
            .where(Booking.id.in_(sorted(booking_ids)))
            .order_by(Booking.id)
            .with_for_update()
        ).all()
