"""Telling "the database cannot be reached" apart from a bug, and whether a request
may have saved something before it went.

A database that is down, restarting or out of reach raises OperationalError or
InterfaceError; so do bugs and other trouble (SQLite's "no such table", a
deadlock, a statement timeout), which must stay 500s. SQLAlchemy marks the errors
that mean a connection was lost (`connection_invalidated`, psycopg's "terminating
connection due to administrator command" included) and throws that connection
away. A failed attempt to connect (refused, timed out, "the database system is
starting up", SQLite's file out of reach) is not marked; it is here.

A patient told "nothing was saved" sends the form again, so the page may say so
only when it is true: once this request has sent a COMMIT (the enquiry is saved,
then sending its email fails) it may have saved something. The one exception is a
COMMIT the server answered with an error of its own, such as "terminating
connection due to administrator command": the server rolled that transaction back.
"""

import logging

from flask import g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from clinic.extensions import db

log = logging.getLogger(__name__)

# The classes an unreachable database raises; is_unreachable() tells which ones it was.
CONNECTION_ERRORS = (OperationalError, InterfaceError, DisconnectionError)

_CONNECTION_LOST = "database_connection_lost"
_COMMIT_SENT, _COMMITTED = "database_commit_sent", "database_committed"


def init_app(app):
    """Call after db.init_app: teardowns run last-registered first, so the session is
    closed here before Flask-SQLAlchemy's own teardown would trip over it."""
    app.teardown_appcontext(close_session)
    _listen()


def close_session(exc):
    """End the request's session even if its connection died under it.

    Closing rolls back, and a ROLLBACK on a connection the server has just ended
    fails; left there, the failure turns a finished answer into a bare 500 and
    leaves the broken session in place for this thread's next request. The failed
    ROLLBACK has marked the connection lost, so the second close discards it."""
    try:
        db.session.remove()
    except SQLAlchemyError as error:
        if not is_unreachable(error):
            raise
        log.warning("database connection lost at the end of a request error=%s", type(error).__name__)
        db.session.remove()


def _listen():
    """Listen to every engine and session, once (create_app runs once per test)."""
    for target, name, listener in (
        (Engine, "handle_error", _note_lost_connection),
        (Engine, "commit", _note_commit_sent),
        (Session, "after_commit", _note_committed),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def connection_lost():
    """Whether this request has already found the database unreachable: what it still
    shows (the page saying so) asks the database nothing more."""
    return has_app_context() and bool(g.get(_CONNECTION_LOST))


def is_unreachable(error):
    """Whether `error` comes of a lost connection: is one, was raised while handling
    one, or met the session that one left unusable earlier in this request, after
    the code that met it first carried on (PendingRollbackError, or "This session is
    in 'prepared' state")."""
    if isinstance(error, SQLAlchemyError) and connection_lost():
        return True
    while error is not None:
        if isinstance(error, DisconnectionError):
            return True
        if isinstance(error, (OperationalError, InterfaceError)) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False


def may_have_saved(error):
    """Whether this request may have written something before `error` stopped it."""
    if g.get(_COMMITTED):
        return True
    return bool(g.get(_COMMIT_SENT)) and server_error_code(error) is None


def server_error_code(error):
    """The SQLSTATE the server sent with the error (psycopg), or None if it sent none."""
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def _note_lost_connection(context):
    # No connection yet means the error came from connecting.
    if context.connection is None and isinstance(context.sqlalchemy_exception, CONNECTION_ERRORS):
        context.is_disconnect = True
    if context.is_disconnect and has_app_context():
        g.setdefault(_CONNECTION_LOST, True)


def _note_commit_sent(connection):
    if has_request_context():
        g.setdefault(_COMMIT_SENT, True)


def _note_committed(session):
    if has_request_context():
        g.setdefault(_COMMITTED, True)
