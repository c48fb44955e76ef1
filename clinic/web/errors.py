import logging

from flask import render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError

from clinic.extensions import login_manager
from clinic.web import database_outage, request_log

log = logging.getLogger(__name__)
STAFF_AREA = "/staff/"

# Long enough for a database restart or failover; the pages say "in a minute".
RETRY_AFTER_SECONDS = 60


def register_errorhandlers(app):
    @app.errorhandler(403)
    def forbidden(error):
        return render_template(_page("403.html")), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template(_page("404.html")), 404

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/413.html"), 413

    @app.errorhandler(429)
    def too_many_requests(error):
        return render_template("errors/429.html"), 429

    @app.errorhandler(500)
    def server_error(error):
        # An error raised outside the view (in a teardown, say) arrives here wrapped.
        original = getattr(error, "original_exception", None)
        if database_outage.is_unreachable(original):
            return database_unavailable(original)
        return render_template("errors/500.html"), 500

    app.register_error_handler(SQLAlchemyError, database_error)


def database_error(error):
    if not database_outage.is_unreachable(error):
        # A bug or a deadlock, not an outage: Flask logs it with its traceback and answers 500.
        raise error
    return database_unavailable(error)


def database_unavailable(error):
    """503 for any request while the database is out of reach. A form is told whether
    anything was saved, so a patient knows whether to send it again.

    Flask-SQLAlchemy removes the broken session when the request ends, and
    pool_pre_ping replaces dead pooled connections, so once the database is back
    the next request simply works. The error's text is not logged: it can quote
    the statement, and the traceback would say nothing new."""
    maybe_saved = database_outage.may_have_saved(error)
    log.warning(
        "database unreachable method=%s route=%s error=%s sqlstate=%s maybe_saved=%s",
        request.method,
        request_log.route(),
        type(getattr(error, "orig", None) or error).__name__,
        database_outage.server_error_code(error) or "-",
        maybe_saved,
    )
    # Every template asks Flask-Login for the signed-in user, which needs the database:
    # this request goes on as anonymous (the staff member stays signed in).
    login_manager._update_request_context_with_user()
    page = render_template(
        "errors/503.html",
        form_sent=request.method not in ("GET", "HEAD"),
        maybe_saved=maybe_saved,
    )
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return page, 503, headers


def _page(name):
    """Signed-in staff keep the staff frame and its navigation on an error in their area."""
    if request.path.startswith(STAFF_AREA) and current_user.is_authenticated:
        return f"staff/errors/{name}"
    return f"errors/{name}"
