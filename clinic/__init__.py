"""The clinic's web app: public site, enquiries and bookings, staff area."""

import logging
from pathlib import Path

from werkzeug.middleware.proxy_fix import ProxyFix

from clinic import booking, database, manage, photos, public
from clinic.admin import audit_routes, privacy_routes
from clinic.admin import routes as admin_routes
from clinic.cli import register_commands
from clinic.extensions import csrf, db, limiter, login_manager, mail, migrate
from clinic.scheduling import bank_holidays
from clinic.staff import day as staff_day
from clinic.staff import inbox as staff_inbox
from clinic.staff import records as staff_records
from clinic.staff import routes as staff_routes
from clinic.staff import sessions as staff_sessions
from clinic.web.errors import register_errorhandlers
from clinic.web.request_log import ClinicFlask, RequestIdFilter, register_request_log
from clinic.web.security import register_security
from clinic.web.templating import register_template_helpers
from clinic.web.url_ids import register_url_converters
from config import config_from_env


def create_app(config_class=None, overrides=None):
    if config_class is None:
        config_class = config_from_env()
    config_class.validate()

    app = ClinicFlask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(exist_ok=True)
    bank_holidays.init_app(app)
    photos.init_app(app)

    configure_logging(app)
    trust_proxy(app)
    register_request_log(app)
    register_extensions(app)
    register_security(app)
    register_url_converters(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def trust_proxy(app):
    """Take the client's address and scheme from the proxy's X-Forwarded-For and
    -Proto, believing only the last PROXY_TRUSTED_HOPS entries: the ones our own
    proxies appended. Anything a client put in front of them is ignored, so it
    cannot dodge a rate limit or forge the address in the audit log.

    And only when the request comes from a proxy (TRUSTED_PROXY_ADDRESSES, or a
    Unix socket): a client that reaches gunicorn directly is taken at its own
    address, whatever headers it sends.

    X-Forwarded-Host and -Prefix are not trusted: nginx passes the Host header
    through and serves the app at /, and a header we do not need is one a
    misconfigured proxy could let a client set.
    """
    hops = app.config["PROXY_TRUSTED_HOPS"]
    if hops:
        app.wsgi_app = FromTrustedProxies(app.wsgi_app, app.config["TRUSTED_PROXY_ADDRESSES"], hops)


class FromTrustedProxies:
    """WSGI middleware: ProxyFix for requests whose peer is one of our proxies, and
    nothing for any other peer."""

    def __init__(self, wsgi_app, addresses, hops):
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
        # gunicorn gives a Unix socket's peer no address; only local processes the
        # socket file's permissions let in (nginx) can connect to one.
        self.addresses = frozenset(addresses) | {""}

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.addresses:
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)


def register_extensions(app):
    database.configure_engines()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(staff_sessions.load_user)
    login_manager.login_view = "staff.login"
    login_manager.login_message = None


def register_blueprints(app):
    app.register_blueprint(public.bp)
    app.register_blueprint(booking.bp)
    app.register_blueprint(manage.bp)
    staff_area = (
        staff_routes.bp,
        staff_inbox.bp,
        staff_records.bp,
        staff_day.bp,
        admin_routes.bp,
        audit_routes.bp,
        privacy_routes.bp,
    )
    for blueprint in staff_area:
        app.register_blueprint(blueprint)


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
