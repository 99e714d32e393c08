"""the ClaimReview object as imported, so that it is served back with every type and field it had

Revision ID: 0009
Revises: 0008

Existing rows keep NULL and are served, as before, from their stored fields.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_jsonld', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claim_reviews', schema=None) as batch_op:
        batch_op.drop_column('source_jsonld')
