"""The outbox from a test: queueing a message, making messages due, sending as cron does."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from clinic import create_app
from clinic.extensions import db
from clinic.models import Enquiry, OutboxMessage
from clinic.models.types import utcnow
from clinic.outbox import service
from config import TestingConfig

REPO = Path(__file__).resolve().parents[2]


def make_due(app):
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def queue_test_email(number):
    return service.queue_email(
        "test",
        [f"patient{number}@gmail.com"],
        f"Message {number}",
        "enquiry_staff",
        enquiry=Enquiry(reference="ENQ-AAAAAA", full_name="A", preferred_contact="email"),
        detail_url="http://clinic.example.com/staff/enquiries/1",
    )


def send_in_subprocess(database_url, mail_port, *options):
    """`flask outbox send` with these options in its own process, as cron or systemd runs it."""
    env = {
        **os.environ,
        "CLINIC_ENV": "testing",
        "DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "send", *options],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def mail_server_back(app_settings, mail_sink):
    """The mail server is back: a sender (as `flask outbox send` from cron) sends what is due."""
    app_settings["MAIL_PORT"] = mail_sink.port
    later = create_app(TestingConfig, app_settings)
    make_due(later)
    result = later.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output
