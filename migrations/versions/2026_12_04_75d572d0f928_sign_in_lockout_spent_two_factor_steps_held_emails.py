"""sign-in lockout, spent two-factor steps, held emails

Staff accounts count failed sign-ins whatever their address and can be locked for a
while; the last accepted two-factor time step is kept so a code works once; an email
held back by the per-recipient caps says why.

Revision ID: 75d572d0f928
Revises: 6a44ffefabca
Create Date: 2026-12-04 23:12:25.265236

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '75d572d0f928'
down_revision = '6a44ffefabca'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_reason', sa.String(length=200), nullable=True))

    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_in_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('first_failure_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('first_failure_at')
        batch_op.drop_column('sign_in_failures')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('held_reason')

