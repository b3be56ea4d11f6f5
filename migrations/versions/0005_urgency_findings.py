"""urgency findings: what the rules found in a case (counted, negated, history) with the
patient's words, so that the nurse sees why a level was suggested

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Cases opened before this revision have no findings kept: "[]" (the case view then shows
    # their red flags only, as before).
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgency_findings', sa.Text(), server_default='[]', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('urgency_findings')
