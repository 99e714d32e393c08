"""the schema.org type of a fact-check's claimant (Person or Organization)

Revision ID: 0006
Revises: 0005

Imported ClaimReviews kept the claimant's name only, so an `itemReviewed.author` of type Organization came back as
a Person. Existing rows keep NULL, read as Person (what they were shown as before).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimant_type', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claim_reviews', schema=None) as batch_op:
        batch_op.drop_column('claimant_type')
