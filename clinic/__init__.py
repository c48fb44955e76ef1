"""The clinic's web app: public site, enquiries and bookings, staff area."""

import logging
from pathlib import Path

from flask import Flask

from clinic import booking, database, manage, public
from clinic.admin import audit_routes, privacy_routes
from clinic.admin import routes as admin_routes
from clinic.cli import register_commands
from clinic.errors import register_errorhandlers
from clinic.extensions import csrf, db, limiter, login_manager, mail, migrate
from clinic.security import register_security
from clinic.staff import day as staff_day
from clinic.staff import inbox as staff_inbox
from clinic.staff import records as staff_records
from clinic.staff import routes as staff_routes
from clinic.staff import sessions as staff_sessions
from clinic.templating import register_template_helpers
from config import config_from_env


def create_app(config_class=None, overrides=None):
    if config_class is None:
        config_class = config_from_env()
    config_class.validate()

    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    Path(app.instance_path).mkdir(exist_ok=True)

    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    configure_logging(app)
    return app


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


def configure_logging(app):
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
