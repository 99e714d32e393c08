"""Imported fact-checks (schema.org ClaimReview) and their embeddings."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from service.domain.entities import (
    FactCheck,
    StoredFactCheck,
)
from service.storage.records import (
    NewFactCheck,
)
from service.storage.sql.base import SqlBase, _vectors
from service.storage.sql.vectors import write_vectors
from service.storage.tables import (
    claim_reviews,
)
from service.storage.vector_index import EmbeddingBatch


class FactCheckRows(SqlBase):
    """Imported fact-checks (schema.org ClaimReview) and their embeddings."""


    def upsert_fact_checks(self, new: Sequence[NewFactCheck]) -> list[tuple[int, bool]]:
        """Insert fact-checks, or update those whose url is stored; return (id, created) per item.

        A url given twice is written once, with its last values. Call under `lock_clusters()`: revisions are
        taken as max + 1, so writers must be serialised.
        """
        last = {item.fact_check.url: n for n, item in enumerate(new)}
        with self._connect() as c:
            revision = int(c.execute(sa.select(sa.func.coalesce(sa.func.max(claim_reviews.c.revision), 0)))
                           .scalar_one())
            existing = dict(c.execute(sa.select(claim_reviews.c.url, claim_reviews.c.id)
                                      .where(claim_reviews.c.url.in_(list(last)))).all()) if last else {}
            inserts, ids = [], dict(existing)
            for url, n in last.items():
                revision += 1
                values = _fact_check_values(new[n], revision)
                if url in existing:
                    c.execute(claim_reviews.update().where(claim_reviews.c.id == existing[url]).values(**values))
                else:
                    inserts.append(values)
            if inserts:
                returning = claim_reviews.insert().returning(claim_reviews.c.id, sort_by_parameter_order=True)
                for values, row in zip(inserts, c.execute(returning, inserts).all(), strict=True):
                    ids[values["url"]] = int(row[0])
            if self.has_vectors:
                written = [ids[url] for url in last]
                write_vectors(c, "claim_reviews", "vec", written, [new[n].embedding for n in last.values()])
                write_vectors(c, "claim_reviews", "title_vec", written,
                              [new[n].title_embedding for n in last.values()])
        return [(ids[item.fact_check.url], item.fact_check.url not in existing and last[item.fact_check.url] == n)
                for n, item in enumerate(new)]

    def get_fact_checks(self, fact_check_ids: Sequence[int]) -> list[StoredFactCheck]:
        """Return the stored fact-checks among these ids, in the order given."""
        if not fact_check_ids:
            return []
        with self._connect() as c:
            rows = c.execute(sa.select(*_FACT_CHECK_COLUMNS).where(claim_reviews.c.id.in_(list(fact_check_ids))))
            by_id = {r["id"]: _fact_check(r) for r in rows.mappings()}
        return [by_id[i] for i in fact_check_ids if i in by_id]

    def fact_check_texts(self, fact_check_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
        """(claim, title) of the stored fact-checks among these ids (claim matching reads only them)."""
        if not fact_check_ids:
            return {}
        with self._connect() as c:
            rows = c.execute(sa.select(claim_reviews.c.id, claim_reviews.c.claim, claim_reviews.c.title)
                             .where(claim_reviews.c.id.in_(list(fact_check_ids)))).all()
        return {int(r[0]): (r[1], r[2]) for r in rows}

    def list_fact_checks(self, limit: int, offset: int, publisher_site: str | None = None
                         ) -> tuple[list[StoredFactCheck], int]:
        """Page through fact-checks, newest review first, optionally from one publisher's site."""
        query = sa.select(*_FACT_CHECK_COLUMNS)
        if publisher_site:
            query = query.where(claim_reviews.c.publisher_site == publisher_site.lower())
        with self._connect() as c:
            total = c.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
            rows = c.execute(query.order_by(claim_reviews.c.review_date.desc().nulls_last(),
                                            claim_reviews.c.id.desc()).limit(limit).offset(offset)).mappings()
            return [_fact_check(r) for r in rows], total

    def iter_fact_check_embeddings(self, after_revision: int, batch_size: int = 10_000
                                   ) -> Iterator[EmbeddingBatch]:
        """Yield (ids, revisions, claim vectors) of fact-checks inserted or updated after `after_revision`."""
        return self._iter_fact_check_vectors(claim_reviews.c.embedding, after_revision, batch_size)

    def iter_fact_check_title_embeddings(self, after_revision: int, batch_size: int = 10_000
                                         ) -> Iterator[EmbeddingBatch]:
        """Yield (ids, revisions, title vectors) of fact-checks inserted or updated after `after_revision`.

        A fact-check without a title vector comes with a zero vector, which removes it from the index.
        """
        return self._iter_fact_check_vectors(claim_reviews.c.title_embedding, after_revision, batch_size)

    def _iter_fact_check_vectors(self, column: sa.Column[Any], after_revision: int, batch_size: int
                                 ) -> Iterator[EmbeddingBatch]:
        last = after_revision
        while True:
            with self._connect() as c:
                rows = c.execute(
                    sa.select(claim_reviews.c.id, claim_reviews.c.revision, column)
                    .where(claim_reviews.c.revision > last).order_by(claim_reviews.c.revision).limit(batch_size)
                ).all()
            if not rows:
                return
            revisions = np.array([r[1] for r in rows], dtype=np.int64)
            yield np.array([r[0] for r in rows], dtype=np.int64), revisions, _vectors([r[2] for r in rows])
            last = int(revisions[-1])

    def search_fact_checks_text(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Rank fact-checks (claim and title) by full-text relevance to any of these terms, best first."""
        return self._search_text("claim_reviews", terms, limit)

def _fact_check_values(item: NewFactCheck, revision: int) -> dict[str, Any]:
    values = {f.name: getattr(item.fact_check, f.name) for f in dataclasses.fields(FactCheck)}
    values["publisher_site"] = values["publisher_site"] and values["publisher_site"].lower()
    return {**values, "embedding": np.asarray(item.embedding, dtype="<f4").tobytes(),
            "title_embedding": None if item.title_embedding is None else np.asarray(
                item.title_embedding, dtype="<f4").tobytes(), "revision": revision,
            "updated_at": dt.datetime.now(dt.UTC)}


# what a StoredFactCheck is read from: not the embeddings (3 KB a row), which only the indexes need
_FACT_CHECK_COLUMNS = [claim_reviews.c.id, *(claim_reviews.c[f.name] for f in dataclasses.fields(FactCheck))]


def _fact_check(row: RowMapping) -> StoredFactCheck:
    return StoredFactCheck(row["id"], FactCheck(**{f.name: row[f.name] for f in dataclasses.fields(FactCheck)}))
