"""The clinic's web app: public site, enquiries and bookings, staff area."""

from pathlib import Path

from clinic import booking, database, manage, photos, public
from clinic.booking import slot_cache
from clinic.cli import register_commands
from clinic.extensions import csrf, db, limiter, login_manager, mail, migrate
from clinic.scheduling import bank_holidays
from clinic.staff import routes as staff
from clinic.staff.auth import sessions as staff_sessions
from clinic.web import database_outage, page_cache, static_assets
from clinic.web.errors import register_errorhandlers
from clinic.web.proxies import trust_proxy
from clinic.web.request_log import ClinicFlask, configure_logging, register_request_log
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

    install_request_stack(app)
    register_blueprints(app)
    register_commands(app)
    return app


def install_request_stack(app):
    """Everything a request passes through, in the order it is installed.

    WSGI middleware wraps app.wsgi_app, so the last one installed is the first a
    request meets: the slot cache, then the page cache, then the proxy fix, then Flask.
    Within Flask, before_request hooks run in the order registered here, and
    after_request hooks in reverse.
    """
    # The client's address and scheme, believed only from our own proxies.
    trust_proxy(app)
    # Public pages served from memory without entering Flask.
    page_cache.init_app(app)
    # /book/slots answers served from memory without entering Flask.
    slot_cache.init_app(app)

    # First before_request, last after_request: every line and error carries the request id.
    register_request_log(app)
    # Database sessions, migrations, mail, CSRF checks, rate limits, signed-in staff.
    register_extensions(app)
    # After db.init_app: its teardown closes a broken session before Flask-SQLAlchemy's.
    database_outage.init_app(app)
    # Security headers on every response Flask finishes, error pages included.
    register_security(app)
    # Before any blueprint: a URL rule takes its converter when it is added.
    register_url_converters(app)
    # Fingerprinted static URLs and the view that serves them with a year's caching.
    static_assets.init_app(app)
    # Context processor, globals and filters every template shares.
    register_template_helpers(app)
    # The error pages (403, 404, CSRF, 413, 429, 500, 503 for a database outage).
    register_errorhandlers(app)


def register_extensions(app):
    database.configure_engines()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(staff_sessions.load_user)
    login_manager.login_view = "staff.auth.login"
    login_manager.login_message = None


def register_blueprints(app):
    app.register_blueprint(public.bp)
    app.register_blueprint(booking.bp)
    app.register_blueprint(manage.bp)
    # One parent for the whole staff area; its sign-in and role guard covers every child.
    app.register_blueprint(staff.bp)
