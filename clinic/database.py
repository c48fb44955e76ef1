"""Engine settings that SQLite needs to behave like the production database."""

import sqlite3

from sqlalchemy import event, select, text
from sqlalchemy.engine import Engine

from clinic.models import Practitioner


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


def begin_locked_write(session, practitioner_ids):
    """Start the transaction in which a slot is checked and taken.

    SQLite: BEGIN IMMEDIATE takes the database's write lock before the check,
    so no other writer can slip in between check and insert (pysqlite would
    otherwise begin lazily, at the first INSERT). PostgreSQL: lock the
    practitioners' rows, so bookings for them queue up while other
    practitioners' bookings go ahead; the exclusion constraint backs this up.
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
