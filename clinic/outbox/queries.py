"""What the staff area reads about the outbox."""

from sqlalchemy import func, select

from clinic.extensions import db
from clinic.models import OutboxMessage
from clinic.models.outbox import OutboxStatus


def failed_count():
    """Emails given up on after OUTBOX_MAX_ATTEMPTS, for the admin overview."""
    return db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED))
