"""One log line per request, tagged with a request id, and nothing personal in it.

The line names the URL rule (`/booking/<token>`), never the path a patient
followed (the manage, waiting-list and invite links carry their secret token in
the path) and never the query string (staff search for patients by name). The
client's address is left out too: under UK GDPR it is personal data, and the
proxy's own log already has it for the rare case that needs it.

The id comes from the proxy's X-Request-ID when it looks like one (nginx sends
`$request_id`), so the proxy's log and ours can be joined; otherwise we make one.
It goes back in the response's X-Request-ID header and onto every log record
written during the request, error tracebacks included.
"""

import logging
import re
import time
import uuid
from urllib.parse import quote

import flask
from flask import g, has_request_context, request

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# Long enough for a UUID or nginx's 32 hex digits; the character set keeps
# anything a client sends from breaking the line or forging another one.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# Paths with no URL rule (404, 405) are logged as sent, minus the token
# segment of the links that carry one.
TOKEN_PATH = re.compile(r"^/(booking|waitlist/offer|book/invite)/[^/]+")
MAX_PATH_LOGGED = 200
NO_REQUEST = "-"


class ClinicFlask(flask.Flask):
    def log_exception(self, exc_info):
        # Flask's own version writes request.path, which may hold a patient's token.
        self.logger.error(
            "unhandled exception method=%s route=%s",
            request.method,
            route(),
            exc_info=exc_info,
            extra={"request_id": request_id()},
        )


def register_request_log(app):
    """Call before any other extension registers hooks: the id must exist before a
    rate limit or sign-in check can end the request, and the line is written last."""
    app.before_request(start_request)
    app.after_request(finish_request)
    logging.getLogger("werkzeug").addFilter(DEV_SERVER_LINES)


def start_request():
    g.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def finish_request(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    write_line(request.method, route(), response.status_code, duration_ms, request_id())
    return response


def write_line(method, rule, status, duration_ms, the_request_id):
    log.info(
        "method=%s route=%s status=%s duration_ms=%.1f",
        method,
        rule,
        status,
        duration_ms,
        extra={"request_id": the_request_id},
    )


def new_request_id(incoming):
    """The proxy's id when it looks like one, or a fresh one."""
    return incoming if incoming and SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def request_id():
    if not has_request_context():
        return NO_REQUEST
    if "request_id" not in g:
        g.request_id = new_request_id(request.headers.get(REQUEST_ID_HEADER))
    return g.request_id


def route():
    if request.url_rule is not None:
        return request.url_rule.rule
    path = TOKEN_PATH.sub(lambda match: f"/{match.group(1)}/<token>", request.path)
    # Percent-encoding keeps a decoded newline or space from splitting the line.
    return quote(path[:MAX_PATH_LOGGED], safe="/._-~<>")


class DevServerLineFilter(logging.Filter):
    """The development server (`flask run`) prints every request line as sent: keep
    the method and path, without the query string or a link's token."""

    def filter(self, record):
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (DEV_SERVER_REQUEST.sub(_line_without_secrets, record.args[0]), *record.args[1:])
        return True


# "GET /staff/enquiries?q=... HTTP/1.1", possibly inside the terminal's colour codes.
DEV_SERVER_REQUEST = re.compile(r"(?P<method>[A-Z]+) (?P<target>\S.*?) (?P<version>HTTP/[\d.]+)")
DEV_SERVER_LINES = DevServerLineFilter()


def _line_without_secrets(match):
    path = TOKEN_PATH.sub(lambda token: f"/{token.group(1)}/<token>", match["target"].partition("?")[0])
    return f"{match['method']} {path} {match['version']}"


class RequestIdFilter(logging.Filter):
    """Gives every record a request_id, for a format that shows it."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"


def configure_logging(app):
    """One line per record on standard error (systemd's journal keeps it), each
    with the id of the request it belongs to, or "-" outside requests."""
    if app.debug or app.testing:
        return
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
        for handler in root.handlers:
            handler.addFilter(RequestIdFilter())
