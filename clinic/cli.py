import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from clinic import demo, outbox
from clinic.booking.reminders import queue_reminders

outbox_cli = AppGroup("outbox", help="The queue of outgoing emails.")


@outbox_cli.command("send")
@click.option("--batch-size", default=50, show_default=True, help="Messages claimed at a time.")
def outbox_send(batch_size):
    """Send queued emails that are due, retrying failed attempts with backoff."""
    sent, failed = outbox.send_due(limit=batch_size)
    click.echo(f"outbox: {sent} sent, {failed} failed")


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
    sent, failed = outbox.send_now(emails) if emails else (0, 0)
    click.echo(
        f"reminders: {len(emails)} queued, {sent} sent, {failed} failed (failed ones retry via outbox send)"
    )


def register_commands(app):
    app.cli.add_command(outbox_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(send_reminders)
