"""persisted proposition groups and their contradiction edges, for incremental clustering

Revision ID: 0005
Revises: 0004

`statements.group_id` names each statement's proposition group (its smallest statement id); `group_contradictions`
holds the group graph (the most confident contradiction between two groups); `cluster_state` records the edge
thresholds both were built with. Existing rows get no group: the first ingest (or `claimlens recluster`) sees
that no thresholds are recorded and rebuilds everything once.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_statements_group_id'), ['group_id'], unique=False)
    op.create_table('group_contradictions',
    sa.Column('low_group_id', sa.Integer(), nullable=False),
    sa.Column('high_group_id', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('low_group_id', 'high_group_id'),
    sa.CheckConstraint('low_group_id < high_group_id', name='ck_group_contradiction_ordered'),
    )
    with op.batch_alter_table('group_contradictions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_contradictions_high_group_id'), ['high_group_id'], unique=False)
    op.create_table('cluster_state',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('cluster_state')
    with op.batch_alter_table('group_contradictions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_contradictions_high_group_id'))
    op.drop_table('group_contradictions')
    with op.batch_alter_table('statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statements_group_id'))
        batch_op.drop_column('group_id')
