"""shared clients (SPEC §10): no-shows, concerns, take-overs; the patients' stored shared-client
hint and the end of their last take-over

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""
from alembic import op
import sqlalchemy as sa
import app.db.schema


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('no_shows',
    sa.Column('event_id', sa.String(length=128), nullable=False),
    sa.Column('patient_id', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.Column('at', app.db.schema.UTC(timezone=True), nullable=False),
    sa.Column('received_at', app.db.schema.UTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_no_shows'))
    )
    with op.batch_alter_table('no_shows', schema=None) as batch_op:
        batch_op.create_index('ix_no_shows_patient_at', ['patient_id', 'at'], unique=False)

    op.create_table('concerns',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=64), nullable=False),
    sa.Column('professional', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', app.db.schema.UTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concerns'))
    )
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.create_index('ix_concerns_patient_at', ['patient_id', 'at'], unique=False)

    op.create_table('take_overs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('patient_id', sa.String(length=64), nullable=False),
    sa.Column('coordinator', sa.String(length=64), nullable=False),
    sa.Column('starts_at', app.db.schema.UTC(timezone=True), nullable=False),
    sa.Column('until', app.db.schema.UTC(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('ended_at', app.db.schema.UTC(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=64), nullable=True),
    sa.Column('end_reason', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_take_overs'))
    )
    with op.batch_alter_table('take_overs', schema=None) as batch_op:
        batch_op.create_index('ix_take_overs_patient_starts', ['patient_id', 'starts_at'], unique=False)

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared_client', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('shared_reset_at', app.db.schema.UTC(timezone=True), nullable=True))
        batch_op.create_index('ix_patients_responsible_until', ['responsible_until'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_responsible_until')
        batch_op.drop_column('shared_reset_at')
        batch_op.drop_column('shared_client')
    with op.batch_alter_table('take_overs', schema=None) as batch_op:
        batch_op.drop_index('ix_take_overs_patient_starts')
    op.drop_table('take_overs')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_index('ix_concerns_patient_at')
    op.drop_table('concerns')
    with op.batch_alter_table('no_shows', schema=None) as batch_op:
        batch_op.drop_index('ix_no_shows_patient_at')
    op.drop_table('no_shows')
