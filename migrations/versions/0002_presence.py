"""presence

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 11:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import app.db.schema


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('presence',
    sa.Column('professional', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('updated_at', app.db.schema.UTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('professional', name=op.f('pk_presence'))
    )
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_presence_unit'), ['unit'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('presence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_presence_unit'))

    op.drop_table('presence')
