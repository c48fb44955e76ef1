"""indexes for the inbox, the day list and search

Revision ID: 5d2a9c41e7b3
Revises: 0fb6148aa630
Create Date: 2026-11-26 11:00:00.000000

Chosen from EXPLAIN ANALYZE on 100,000 enquiries and 20,000 bookings
(benchmarks/run prints the plans with and without them):

- (created_at, id) on both tables: the inbox's first page is a merge of both
  tables newest first, ordered by created_at then id, and stops after 50 rows
  instead of sorting every booking.
- (lower(email), starts_at) on bookings: the day list's "returning patient"
  check looks for an earlier booking with the same address, case-insensitively.
- PostgreSQL only, trigram GIN indexes over the searched columns: the inbox
  search is a substring match (ILIKE '%...%') on name, email, reference and
  phone, which no b-tree can answer.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2a9c41e7b3'
down_revision = '0fb6148aa630'
branch_labels = None
depends_on = None

SEARCHED = ['full_name', 'email', 'reference', 'phone']


def upgrade():
    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.create_index('ix_enquiries_created_at_id', ['created_at', 'id'], unique=False)

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index('ix_bookings_created_at_id', ['created_at', 'id'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            'ix_bookings_lower_email_starts_at', 'bookings', [sa.text('lower(email)'), 'starts_at'], unique=False
        )
        # Left installed on downgrade, like btree_gist: other database objects may come to use it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table in ('enquiries', 'bookings'):
            op.create_index(
                f'ix_{table}_search_trgm',
                table,
                SEARCHED,
                unique=False,
                postgresql_using='gin',
                postgresql_ops={column: 'gin_trgm_ops' for column in SEARCHED},
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ('bookings', 'enquiries'):
            op.drop_index(f'ix_{table}_search_trgm', table_name=table)
        op.drop_index('ix_bookings_lower_email_starts_at', table_name='bookings')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('ix_bookings_created_at_id')

    with op.batch_alter_table('enquiries', schema=None) as batch_op:
        batch_op.drop_index('ix_enquiries_created_at_id')
