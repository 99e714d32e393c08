"""Relations between stored statements."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from service.domain.clustering import EdgeThresholds, is_cluster_edge
from service.domain.entities import (
    Relation,
    RelationKind,
)
from service.storage.sql.base import SqlBase, _chunks
from service.storage.tables import (
    relations,
    statements,
)


class RelationRows(SqlBase):
    """Relations between stored statements."""


    def add_relations(self, new: Sequence[Relation]) -> None:
        """Insert relations, each stored once per unordered pair (source_id < target_id)."""
        rows = []
        for r in new:
            source, target = sorted((r.source_id, r.target_id))
            rows.append({"source_id": source, "target_id": target, "label": str(r.label),
                         "probability": float(r.probability), "similarity": float(r.similarity)})
        if rows:
            with self._connect() as c:
                c.execute(relations.insert(), rows)

    def relations_touching(self, statement_ids: Sequence[int]) -> list[Relation]:
        """Return every relation with an end among these statements, in id order."""
        return self._relations_where(statement_ids, sa.true())

    def _relations_where(self, statement_ids: Sequence[int], condition: sa.ColumnElement[bool]) -> list[Relation]:
        rows: dict[int, Relation] = {}
        columns = (relations.c.id, relations.c.source_id, relations.c.target_id, relations.c.label,
                   relations.c.probability, relations.c.similarity)
        with self._connect() as c:
            for ids in _chunks(statement_ids):
                touching = sa.or_(relations.c.source_id.in_(ids), relations.c.target_id.in_(ids))
                for row_id, source, target, label, probability, similarity in c.execute(
                        sa.select(*columns).where(touching, condition)):
                    rows[row_id] = Relation(source, target, _RELATION_KINDS[label], probability, similarity)
        return [rows[row_id] for row_id in sorted(rows)]

    def cluster_edges_touching(self, statement_ids: Sequence[int], thresholds: EdgeThresholds) -> list[Relation]:
        """Return the relations with an end among these statements that `is_cluster_edge` accepts, in id order.

        The thresholds are applied in SQL so that large clusters do not ship every weak edge to Python.
        """
        confident_contradiction = sa.and_(relations.c.label == RelationKind.CONTRADICTS.value,
                                          relations.c.probability >= thresholds.contradicts)
        strong = sa.and_(relations.c.similarity >= thresholds.min_similarity, sa.or_(
            sa.and_(relations.c.label == RelationKind.CORROBORATES.value,
                    relations.c.probability >= thresholds.corroborates),
            confident_contradiction,
            relations.c.similarity >= thresholds.same_claim_similarity))
        found = self._relations_where(statement_ids, strong)
        return [r for r in found if is_cluster_edge(r, thresholds)]

    def speaker_ids_of(self, statement_ids: Sequence[int]) -> dict[int, int]:
        """Return the speaker id of each of these statements (a light read for clustering)."""
        found: dict[int, int] = {}
        with self._connect() as c:
            for ids in _chunks(statement_ids):
                rows = c.execute(sa.select(statements.c.id, statements.c.speaker_id).where(statements.c.id.in_(ids)))
                found.update((statement_id, speaker_id) for statement_id, speaker_id in rows)
        return found

_RELATION_KINDS = {kind.value: kind for kind in RelationKind}  # a dict lookup is far cheaper than RelationKind(value)
