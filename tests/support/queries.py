"""Counting the SQL statements a block of code sends to the database."""

from contextlib import contextmanager

from sqlalchemy import event

from clinic.extensions import db


@contextmanager
def counted_queries(app):
    """The statements `app`'s engine executes inside the block, in order (a list of SQL strings).

    Works across requests made with the test client: the hook is on the engine, which
    outlives the app context each request pushes. Read a streamed response inside the
    block, or the statements it runs while streaming are missed.
    """
    with app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
