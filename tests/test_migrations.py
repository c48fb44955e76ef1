from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clinic.extensions import db


def schema_differences(app):
    with app.app_context(), db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_migrations_build_exactly_the_models_schema(app):
    assert schema_differences(app) == []


def test_migrations_go_down_and_up_again(app, runner):
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output

    assert schema_differences(app) == []
