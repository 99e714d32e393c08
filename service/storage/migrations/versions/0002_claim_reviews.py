"""claim reviews, and full-text search over statements and claim reviews

Revision ID: 0002
Revises: 0001

Lexical search is the database's own: SQLite FTS5 tables (BM25 ranking, Porter stemming) kept in step by
triggers, PostgreSQL generated `tsvector` columns with GIN indexes.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# (table, FTS table, the text the lexical index sees)
_SEARCHED = (
    ("statements", "statements_fts", ("claim",)),
    ("claim_reviews", "claim_reviews_fts", ("claim", "title")),
)


def upgrade() -> None:
    op.create_table('claim_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('claim', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('rating', sa.Text(), nullable=True),
    sa.Column('rating_value', sa.Float(), nullable=True),
    sa.Column('best_rating', sa.Float(), nullable=True),
    sa.Column('worst_rating', sa.Float(), nullable=True),
    sa.Column('publisher', sa.Text(), nullable=True),
    sa.Column('publisher_site', sa.Text(), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('claimant', sa.Text(), nullable=True),
    sa.Column('claim_date', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('appearance_url', sa.Text(), nullable=True),
    sa.Column('embedding', sa.LargeBinary(), nullable=False),
    sa.Column('title_embedding', sa.LargeBinary(), nullable=True),
    sa.Column('revision', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url'),
    sa.UniqueConstraint('revision'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('claim_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_reviews_publisher_site'), ['publisher_site'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for table, fts, columns in _SEARCHED:
            _create_sqlite_fts(table, fts, columns)
    else:
        for table, _fts, columns in _SEARCHED:
            document = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
            op.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                       f"GENERATED ALWAYS AS (to_tsvector('english', {document})) STORED")
            op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")


def _create_sqlite_fts(table: str, fts: str, columns: tuple[str, ...]) -> None:
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id', "
               "tokenize='porter unicode61')")
    op.execute(f"INSERT INTO {fts}(rowid, {names}) SELECT id, {names} FROM {table}")
    op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {table} BEGIN "
               f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for _table, fts, _columns in _SEARCHED:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    else:
        op.execute("DROP INDEX IF EXISTS ix_statements_search_vector")
        op.execute("ALTER TABLE statements DROP COLUMN IF EXISTS search_vector")
    with op.batch_alter_table('claim_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_reviews_publisher_site'))
    op.drop_table('claim_reviews')
