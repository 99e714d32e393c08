"""Stored statements and their embeddings."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from service.domain.entities import (
    DateBasis,
    Span,
    Speaker,
    SpeakerKind,
    Statement,
)
from service.errors import NotFound
from service.storage.records import (
    NewStatement,
    StatementFilter,
)
from service.storage.sql.base import SqlBase, _escape_like, _inserted_id, _vectors
from service.storage.sql.vectors import write_vectors
from service.storage.tables import (
    speakers,
    statements,
)
from service.storage.vector_index import EmbeddingBatch


class StatementRows(SqlBase):
    """Stored statements and their embeddings."""


    def _statement_query(self) -> sa.Select[Any]:
        return sa.select(
            statements.c.id, statements.c.document_id, statements.c.claim, statements.c.claim_start,
            statements.c.claim_end, statements.c.speaker_start, statements.c.speaker_end, statements.c.date,
            statements.c.date_text, statements.c.date_basis, statements.c.cue,
            speakers.c.id.label("sp_id"), speakers.c.name.label("sp_name"), speakers.c.kind.label("sp_kind"),
            speakers.c.affiliation.label("sp_affiliation"), speakers.c.role.label("sp_role"),
        ).join(speakers, speakers.c.id == statements.c.speaker_id)

    def get_statement(self, statement_id: int) -> Statement:
        """Return one statement or raise NotFound."""
        found = self.get_statements([statement_id])
        if not found:
            raise NotFound(f"statement {statement_id} not found", {"id": statement_id})
        return found[0]

    def get_statements(self, statement_ids: Sequence[int]) -> list[Statement]:
        """Return the stored statements among these ids, in id order."""
        if not statement_ids:
            return []
        query = self._statement_query().where(statements.c.id.in_(list(statement_ids)))
        query = query.order_by(statements.c.id)
        with self._connect() as c:
            return [_statement(r) for r in c.execute(query).mappings().all()]

    def statement_claims(self, statement_ids: Sequence[int]) -> dict[int, str]:
        """The claims of the stored statements among these ids (claim matching reads only them)."""
        if not statement_ids:
            return {}
        with self._connect() as c:
            rows = c.execute(sa.select(statements.c.id, statements.c.claim)
                             .where(statements.c.id.in_(list(statement_ids)))).all()
        return {int(r[0]): r[1] for r in rows}

    def statements_of_document(self, document_id: int) -> list[Statement]:
        """Return every statement of a document, in text order."""
        query = self._statement_query().where(statements.c.document_id == document_id)
        with self._connect() as c:
            return [_statement(r) for r in c.execute(query.order_by(statements.c.position)).mappings().all()]

    def list_statements(self, where: StatementFilter, limit: int, offset: int) -> tuple[list[Statement], int]:
        """Page through statements matching the filter, in document then text order."""
        query = self._statement_query()
        if where.speaker_id is not None:
            query = query.where(statements.c.speaker_id == where.speaker_id)
        if where.document_id is not None:
            query = query.where(statements.c.document_id == where.document_id)
        if where.since is not None:
            query = query.where(statements.c.date >= where.since)
        if where.until is not None:
            query = query.where(statements.c.date <= where.until)
        if where.q:
            query = query.where(statements.c.claim.ilike(f"%{_escape_like(where.q)}%", escape="\\"))
        with self._connect() as c:
            total = c.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
            rows = c.execute(
                query.order_by(statements.c.document_id, statements.c.position).limit(limit).offset(offset)
            ).mappings().all()
        return [_statement(r) for r in rows], total

    def add_statements(self, document_id: int, new: Sequence[NewStatement]) -> list[int]:
        """Insert a document's statements in order and return their ids."""
        ids: list[int] = []
        with self._connect() as c:
            for s in new:
                result = c.execute(statements.insert().values(
                    document_id=document_id, speaker_id=s.speaker_id, position=s.position, claim=s.claim,
                    claim_start=s.claim_start, claim_end=s.claim_end, speaker_start=s.speaker_start,
                    speaker_end=s.speaker_end, date=s.date, date_text=s.date_text, date_basis=s.date_basis,
                    cue=s.cue, embedding=np.asarray(s.embedding, dtype="<f4").tobytes(),
                ))
                ids.append(_inserted_id(result))
            if ids:  # each new statement starts as its own proposition group
                c.execute(statements.update().where(statements.c.id.in_(ids)).values(group_id=statements.c.id))
            if ids and self.has_vectors:
                write_vectors(c, "statements", "vec", ids, [s.embedding for s in new])
        return ids

    def iter_embeddings(self, after_id: int, batch_size: int = 10_000) -> Iterator[EmbeddingBatch]:
        """Yield (ids, ids as versions, vectors (n, 384) float32) of statements with id > after_id, in id order."""
        last = after_id
        while True:
            with self._connect() as c:
                rows = c.execute(
                    sa.select(statements.c.id, statements.c.embedding)
                    .where(statements.c.id > last).order_by(statements.c.id).limit(batch_size)
                ).all()
            if not rows:
                return
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            yield ids, ids, _vectors([r[1] for r in rows])
            last = int(ids[-1])

    def last_statement_id(self) -> int:
        """Return the highest statement id (0 when empty)."""
        with self._connect() as c:
            return int(c.execute(sa.select(sa.func.coalesce(sa.func.max(statements.c.id), 0))).scalar_one())

    def search_statements_text(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Rank statements by full-text relevance to any of these terms: (id, score), best first."""
        return self._search_text("statements", terms, limit)

def _statement(row: RowMapping) -> Statement:
    speaker = Speaker(row["sp_id"], row["sp_name"], SpeakerKind(row["sp_kind"]), row["sp_affiliation"],
                      row["sp_role"])
    speaker_span = (Span(row["speaker_start"], row["speaker_end"])
                    if row["speaker_start"] is not None and row["speaker_end"] is not None else None)
    return Statement(
        id=row["id"], document_id=row["document_id"], claim=row["claim"],
        claim_span=Span(row["claim_start"], row["claim_end"]), speaker=speaker, speaker_span=speaker_span,
        date=row["date"], date_text=row["date_text"], date_basis=DateBasis(row["date_basis"]), cue=row["cue"],
    )
