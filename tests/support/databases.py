"""Test databases: a migrated SQLite file copied per test, or a migrated
PostgreSQL database emptied per test. Both are built by the real migrations.

Under pytest-xdist every worker builds its own: the SQLite template sits in the
worker's own temporary folder, and on PostgreSQL each worker gets a database of
its own named after DATABASE_URL's (clinic_ci_gw0, clinic_ci_gw1 ...), so
workers never share tables.
"""

import os
import shutil
import sqlite3

import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import Engine

from clinic import create_app
from clinic.extensions import db
from config import TestingConfig


def migrate(url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _skip_fsync(dbapi_connection, connection_record):
    # Durability against power loss is not under test; WAL, busy_timeout and
    # BEGIN IMMEDIATE (clinic/database.py) still decide who waits for whom.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous=OFF")


class SqliteDatabases:
    def __init__(self, template_dir):
        # In this process only: the app under gunicorn keeps SQLite's defaults.
        if not sa.event.contains(Engine, "connect", _skip_fsync):
            sa.event.listen(Engine, "connect", _skip_fsync)
        self.template = template_dir / "template.sqlite3"
        migrate(f"sqlite:///{self.template}")

    def fresh(self, tmp_path):
        path = tmp_path / "clinic.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def close(self):
        sa.event.remove(Engine, "connect", _skip_fsync)


def worker_database_url(url):
    """DATABASE_URL itself without xdist; with it, a database named after it per worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = sa.make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


class PostgresDatabases:
    def __init__(self, url):
        self.url = worker_database_url(url)
        # The worker's database is made from the server connection DATABASE_URL names.
        self.server_url = url if self.url != url else None
        if self.server_url:
            self._run_on_server(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
            self._run_on_server(f'CREATE DATABASE "{self._name}"')
        engine = sa.create_engine(self.url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        migrate(self.url)
        self.engine = sa.create_engine(self.url)
        with self.engine.connect() as connection:
            self.tables = [
                name for name in sa.inspect(connection).get_table_names() if name != "alembic_version"
            ]

    @property
    def _name(self):
        return sa.make_url(self.url).database

    def _run_on_server(self, statement):
        engine = sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(statement))
        engine.dispose()

    def fresh(self, tmp_path):
        with self.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
        return self.url

    def close(self):
        self.engine.dispose()
        if self.server_url:
            self._run_on_server(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
