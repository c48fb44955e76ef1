"""submission keys, calendar sequence, video links, holiday openings, stale-email checks

Bookings and enquiries gain the one-time key of the form that made them (a
double-clicked submit saves once); bookings a calendar SEQUENCE, the time they
were last confirmed to the patient and a video link; practitioners a fixed
meeting link; bank holidays the clinic opens on after all get a table; outbox
messages record what they said was true (booking sequence, offered time),
why one was withdrawn, and their Reply-To and further headers.

Bookings and enquiries are altered in place rather than in batch mode: on
SQLite a batch copy would rebuild the partial unique index that guards live
bookings, and a unique index needs no table copy.

Revision ID: 6a44ffefabca
Revises: 5d2a9c41e7b3
Create Date: 2026-12-04 22:05:32.435573

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a44ffefabca'
down_revision = '5d2a9c41e7b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('holiday_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_openings')),
    sa.UniqueConstraint('day', name=op.f('uq_holiday_openings_day'))
    )
    op.add_column('bookings', sa.Column('confirmed_at', sa.DateTime(), nullable=True))
    op.add_column('bookings', sa.Column('calendar_sequence', sa.Integer(), server_default='0', nullable=False))
    op.add_column('bookings', sa.Column('submission_key', sa.String(length=43), nullable=True))
    op.add_column('bookings', sa.Column('video_link', sa.String(length=500), nullable=True))
    op.create_index(op.f('ix_bookings_submission_key'), 'bookings', ['submission_key'], unique=True)
    op.execute("UPDATE bookings SET confirmed_at = created_at")
    op.add_column('enquiries', sa.Column('submission_key', sa.String(length=43), nullable=True))
    op.create_index(op.f('ix_enquiries_submission_key'), 'enquiries', ['submission_key'], unique=True)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('extra_headers', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('booking_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('waitlist_entry_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('offer_start', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('offer_practitioner_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_waitlist_entry_id'), ['waitlist_entry_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_offer_practitioner_id_practitioners'), 'practitioners', ['offer_practitioner_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_waitlist_entry_id_waitlist_entries'), 'waitlist_entries', ['waitlist_entry_id'], ['id'], ondelete='SET NULL')

    op.add_column('practitioners', sa.Column('meeting_link', sa.String(length=500), nullable=True))



def downgrade():
    op.drop_column('practitioners', 'meeting_link')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_waitlist_entry_id_waitlist_entries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_offer_practitioner_id_practitioners'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_waitlist_entry_id'))
        batch_op.drop_column('offer_practitioner_id')
        batch_op.drop_column('offer_start')
        batch_op.drop_column('waitlist_entry_id')
        batch_op.drop_column('booking_sequence')
        batch_op.drop_column('extra_headers')
        batch_op.drop_column('reply_to')
        batch_op.drop_column('withdrawn_reason')

    op.drop_index(op.f('ix_enquiries_submission_key'), table_name='enquiries')
    op.drop_column('enquiries', 'submission_key')
    op.drop_index(op.f('ix_bookings_submission_key'), table_name='bookings')
    for column in ('video_link', 'submission_key', 'calendar_sequence', 'confirmed_at'):
        op.drop_column('bookings', column)

    op.drop_table('holiday_openings')
