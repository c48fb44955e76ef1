"""Engine settings that SQLite needs to behave like the production database."""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
