"""care pathways attached to patients; the access log records searches (hit count, no patient)

A search's own access-log entry names who searched and how many patients it found, never the
query text, so `access_log.patient_id` becomes nullable and `hits` is added.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""
from alembic import op
import sqlalchemy as sa
import app.db.schema


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('care_pathway_attachments',
    sa.Column('patient_id', sa.String(length=64), nullable=False),
    sa.Column('pathway', sa.String(length=64), nullable=False),
    sa.Column('attached_at', app.db.schema.UTC(timezone=True), nullable=False),
    sa.Column('attached_by', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=True),
    sa.Column('unit', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_care_pathway_attachments_patient_id_patients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('patient_id', 'pathway', name=op.f('pk_care_pathway_attachments'))
    )
    with op.batch_alter_table('care_pathway_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_care_pathway_attachments_attached_at', ['attached_at'], unique=False)
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hits', sa.Integer(), nullable=True))
        batch_op.alter_column('patient_id', existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM access_log WHERE patient_id IS NULL")
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('patient_id', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('hits')
    with op.batch_alter_table('care_pathway_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_care_pathway_attachments_attached_at')
    op.drop_table('care_pathway_attachments')
