"""Test databases: a migrated SQLite file copied per test, or a migrated
PostgreSQL database emptied per test. Both are built by the real migrations."""

import shutil

import sqlalchemy as sa
from flask_migrate import upgrade

from clinic import create_app
from clinic.extensions import db
from config import TestingConfig


def migrate(url):
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SqliteDatabases:
    def __init__(self, template_dir):
        self.template = template_dir / "template.sqlite3"
        migrate(f"sqlite:///{self.template}")

    def fresh(self, tmp_path):
        path = tmp_path / "clinic.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"


class PostgresDatabases:
    def __init__(self, url):
        self.url = url
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        migrate(url)
        self.engine = sa.create_engine(url)
        with self.engine.connect() as connection:
            self.tables = [
                name for name in sa.inspect(connection).get_table_names() if name != "alembic_version"
            ]

    def fresh(self, tmp_path):
        with self.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
        return self.url
