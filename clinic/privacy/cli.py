import click
from flask.cli import with_appcontext

from clinic.privacy import erasure, retention


@click.command("purge-expired")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted, and change nothing.")
@with_appcontext
def purge_expired(dry_run):
    """Delete personal data past its retention period (safe to run daily from cron)."""
    deletion = retention.purge(dry_run=dry_run)
    counts = erasure.describe(deletion.counts)
    click.echo(f"purge-expired: {'would delete' if dry_run else 'deleted'} {counts}")
    if deletion.files_left:
        raise click.ClickException(
            f"{len(deletion.files_left)} photo files could not be deleted from the disk; see the log."
        )
