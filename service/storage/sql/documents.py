"""Stored documents."""
from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from service.domain.entities import (
    Document,
    DocumentSubmission,
)
from service.errors import NotFound
from service.storage.records import (
    DuplicateDocument,
)
from service.storage.sql.base import SqlBase, _inserted_id
from service.storage.tables import (
    documents,
)


class DocumentRows(SqlBase):
    """Stored documents."""


    def find_document(self, text_hash: str) -> Document | None:
        """Return the document with this text hash, if stored."""
        with self._connect() as c:
            row = c.execute(sa.select(documents).where(documents.c.text_hash == text_hash)).mappings().first()
        return _document(row) if row else None

    def get_document(self, document_id: int) -> Document:
        """Return one document or raise NotFound."""
        with self._connect() as c:
            row = c.execute(sa.select(documents).where(documents.c.id == document_id)).mappings().first()
        if row is None:
            raise NotFound(f"document {document_id} not found", {"id": document_id})
        return _document(row)

    def list_documents(self, limit: int, offset: int) -> tuple[list[Document], int]:
        """Page through documents, newest first."""
        with self._connect() as c:
            total = c.execute(sa.select(sa.func.count()).select_from(documents)).scalar_one()
            rows = c.execute(
                sa.select(documents).order_by(documents.c.id.desc()).limit(limit).offset(offset)
            ).mappings().all()
        return [_document(r) for r in rows], total

    def add_document(self, document: DocumentSubmission, text_hash: str) -> int:
        """Insert a document; raise DuplicateDocument when its hash is already stored."""
        existing = self.find_document(text_hash)
        if existing is not None:
            raise DuplicateDocument(existing.id)
        with self._connect() as c:
            # The savepoint keeps a PostgreSQL transaction usable after a unique violation. SQLite needs
            # none (a failed statement leaves its transaction intact), and under pysqlite a SAVEPOINT that
            # opens the transaction commits it on RELEASE, so a later rollback would keep the document.
            savepoint: AbstractContextManager[Any] = (
                c.begin_nested() if c.dialect.name != "sqlite" else nullcontext())
            try:
                with savepoint:
                    result = c.execute(documents.insert().values(
                        text_hash=text_hash, text=document.text, published_at=document.published_at,
                        title=document.title, url=document.url, publisher=document.publisher,
                        created_at=dt.datetime.now(dt.UTC),
                    ))
            except sa.exc.IntegrityError:
                found = self.find_document(text_hash)
                raise DuplicateDocument(found.id if found else -1) from None
            return _inserted_id(result)

def _document(row: RowMapping) -> Document:
    return Document(row["id"], row["text"], row["published_at"], row["title"], row["url"], row["publisher"])
