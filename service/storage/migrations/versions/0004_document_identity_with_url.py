"""a document's identity hash covers its url when it has one

Revision ID: 0004
Revises: 0003

The rule is frozen here (not imported) so that this migration keeps meaning what it meant when it was written;
it is the rule of `service.usecases.ingest.text_hash` at revision 0004.
"""
from __future__ import annotations

import hashlib
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_documents = sa.table("documents", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                      sa.column("url", sa.Text), sa.column("text_hash", sa.String))


def _hash(text: str, url: str | None) -> str:
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    if url and url.strip():
        normalised += "\n" + url.strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _rehash(with_url: bool) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_documents.c.id, _documents.c.text, _documents.c.url)
                        .where(_documents.c.url.is_not(None))).all()
    for document_id, text, url in rows:
        bind.execute(_documents.update().where(_documents.c.id == document_id)
                     .values(text_hash=_hash(text, url if with_url else None)))


def upgrade() -> None:
    _rehash(with_url=True)


def downgrade() -> None:
    _rehash(with_url=False)
