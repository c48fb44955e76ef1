import signal
import sys
import threading
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from clinic.booking.reminders import queue_reminders
from clinic.extensions import db
from clinic.models import Practitioner
from clinic.models.staff import Role
from clinic.ops import demo, deploy_check
from clinic.outbox import delivery
from clinic.privacy import cli as privacy_cli
from clinic.staff.auth import service as accounts

outbox_cli = AppGroup("outbox", help="The queue of outgoing emails.")


@outbox_cli.command("send")
@click.option("--batch-size", default=50, show_default=True, help="Messages claimed at a time.")
@click.option("--watch", is_flag=True, help="Keep running: send what is due every --interval seconds.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between rounds with --watch.",
)
def outbox_send(batch_size, watch, interval):
    """Send queued emails that are due, retrying failed attempts with backoff.

    With --watch it runs until SIGTERM or Ctrl-C, finishing the batch under way
    first; several watchers (on several hosts) never send one message twice.
    """
    if not watch:
        sent, failed = delivery.send_due(limit=batch_size)
        click.echo(f"outbox: {sent} sent, {failed} failed")
        return
    stop = threading.Event()
    with _stopped_by_signals(stop):
        click.echo(f"outbox: watching, every {interval:g}s")
        delivery.watch(
            stop,
            interval,
            limit=batch_size,
            report=lambda sent, failed: click.echo(f"outbox: {sent} sent, {failed} failed"),
        )
    click.echo("outbox: stopped")


@contextmanager
def _stopped_by_signals(stop):
    """SIGTERM (systemd stopping the service) and SIGINT set `stop` instead of
    interrupting a send half-way through a batch."""

    def request_stop(signum, frame):
        stop.set()

    previous = {number: signal.signal(number, request_stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when demo data is already there.")
def seed_demo(if_empty):
    """Load demo content for development. Refuses on a database that has data."""
    if not current_app.config["SEED_DEMO_ALLOWED"]:
        raise click.ClickException("seed-demo is for development only (set CLINIC_ENV=development).")
    if demo.has_data():
        if if_empty:
            click.echo("Demo data is already loaded; nothing to do.")
            return
        raise click.ClickException("The database already has data; seed-demo only fills an empty one.")
    summary = demo.seed()
    for line in summary:
        click.echo(line)


@click.command("send-reminders")
@with_appcontext
def send_reminders():
    """Queue reminders for bookings starting in 24 to 48 hours (safe to run hourly), then send."""
    emails = queue_reminders()
    sent, failed = delivery.send_now(emails) if emails else (0, 0)
    click.echo(
        f"reminders: {len(emails)} queued, {sent} sent, {failed} failed (failed ones retry via outbox send)"
    )


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", required=True, help="The name colleagues know them by.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@click.option("--practitioner-id", type=int, help="For a practitioner: link an existing practitioner record.")
@with_appcontext
def create_user(email, role, name, password_stdin, practitioner_id):
    """Create a staff account (prompts for the password twice unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    practitioner = db.session.get(Practitioner, practitioner_id) if practitioner_id else None
    if practitioner_id and practitioner is None:
        raise click.ClickException(f"No practitioner with id {practitioner_id}.")
    try:
        user = accounts.create(email, name, role, password, practitioner=practitioner)
    except accounts.AccountError as problem:
        db.session.rollback()
        raise click.ClickException(str(problem)) from None
    db.session.commit()
    click.echo(f"Created {role} account for {user.email}.")


@click.command("check-deploy")
@with_appcontext
def check_deploy():
    """Check the settings are safe to run in production; exits 1 if not."""
    app = current_app._get_current_object()
    problems = deploy_check.problems(app)
    for warning in deploy_check.warnings(app):
        click.echo(f"warning: {warning}")
    for problem in problems:
        click.echo(f"problem: {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("check-deploy: no problems found.")


def register_commands(app):
    app.cli.add_command(check_deploy)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_reminders)
    app.cli.add_command(create_user)
    app.cli.add_command(privacy_cli.purge_expired)
