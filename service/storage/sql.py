"""ClaimStore on SQLAlchemy Core: a SQLite file by default, PostgreSQL by URL."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, RowMapping

from service.domain.clustering import EdgeThresholds, GroupPair, is_cluster_edge
from service.domain.embedding import EMBEDDING_DIM
from service.domain.entities import (
    Cluster,
    ClusterKind,
    ClusterSide,
    DateBasis,
    Document,
    FactCheck,
    Relation,
    RelationKind,
    Span,
    Speaker,
    SpeakerKind,
    SpeakerMention,
    Statement,
    StoredFactCheck,
)
from service.errors import NotFound
from service.storage import (
    ClusterDraft,
    ClusterFilter,
    DuplicateDocument,
    GroupMembership,
    IdempotentRequest,
    NewDocument,
    NewFactCheck,
    NewStatement,
    StatementFilter,
)
from service.storage.tables import (
    claim_reviews,
    cluster_members,
    cluster_state,
    clusters,
    documents,
    group_contradictions,
    idempotency_keys,
    relations,
    speaker_aliases,
    speakers,
    statements,
)
from service.storage.vector_index import EmbeddingBatch

# Serialises cluster updates between workers on PostgreSQL (a transaction-scoped advisory lock).
_CLUSTER_LOCK_KEY = 7_341_103


def create_engine(database_url: str, *, schema: str | None = None) -> Engine:
    """Create an engine; SQLite gets foreign keys on and a busy timeout for concurrent writers.

    `schema` (PostgreSQL only) puts every connection's `search_path` on that schema, so tables, including
    Alembic's version table, live there; tests use it to work in a schema of their own.
    """
    if database_url.startswith("sqlite"):
        _ensure_sqlite_directory(database_url)
        engine = sa.create_engine(database_url, hide_parameters=True,
                                 connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    return sa.create_engine(database_url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


def _ensure_sqlite_directory(database_url: str) -> None:
    database = sa.engine.make_url(database_url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


class SqlClaimStore:
    """The ClaimStore on one SQLAlchemy engine; `transaction()` yields a store bound to one connection."""

    def __init__(self, engine: Engine, connection: Connection | None = None) -> None:
        self._engine = engine
        self._connection = connection

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[SqlClaimStore]:
        """Run the block in one transaction on one connection."""
        if self._connection is not None:
            yield self
            return
        with self._engine.begin() as connection:
            yield SqlClaimStore(self._engine, connection)

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        if self._connection is not None:
            yield self._connection
            return
        with self._engine.connect() as connection:
            yield connection

    # --- documents -----------------------------------------------------------------------------------

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

    def add_document(self, document: NewDocument) -> int:
        """Insert a document; raise DuplicateDocument when its hash is already stored."""
        existing = self.find_document(document.text_hash)
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
                        text_hash=document.text_hash, text=document.text, published_at=document.published_at,
                        title=document.title, url=document.url, publisher=document.publisher,
                        created_at=dt.datetime.now(dt.UTC),
                    ))
            except sa.exc.IntegrityError:
                found = self.find_document(document.text_hash)
                raise DuplicateDocument(found.id if found else -1) from None
            return _inserted_id(result)

    # --- speakers ------------------------------------------------------------------------------------

    def get_speaker(self, speaker_id: int) -> Speaker:
        """Return one speaker or raise NotFound."""
        with self._connect() as c:
            row = c.execute(sa.select(speakers).where(speakers.c.id == speaker_id)).mappings().first()
        if row is None:
            raise NotFound(f"speaker {speaker_id} not found", {"id": speaker_id})
        return _speaker(row)

    def list_speakers(self, limit: int, offset: int, q: str | None = None) -> tuple[list[Speaker], int]:
        """Page through speakers by name."""
        query = sa.select(speakers)
        if q:
            query = query.where(speakers.c.name.ilike(f"%{_escape_like(q)}%", escape="\\"))
        with self._connect() as c:
            total = c.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
            rows = c.execute(query.order_by(speakers.c.name, speakers.c.id).limit(limit).offset(offset)
                             ).mappings().all()
        return [_speaker(r) for r in rows], total

    def speakers_with_alias_keys(self, keys: Sequence[str]) -> list[Speaker]:
        """Return the speakers known under any of these alias keys."""
        if not keys:
            return []
        query = (
            sa.select(speakers).distinct()
            .join(speaker_aliases, speaker_aliases.c.speaker_id == speakers.c.id)
            .where(speaker_aliases.c.alias_key.in_(list(keys)))
            .order_by(speakers.c.id)
        )
        with self._connect() as c:
            return [_speaker(r) for r in c.execute(query).mappings().all()]

    def add_speaker(self, mention: SpeakerMention, alias_keys: dict[str, str]) -> Speaker:
        """Insert a canonical speaker with its aliases (key -> surface form)."""
        with self._connect() as c:
            result = c.execute(speakers.insert().values(
                name=mention.name, kind=str(mention.kind), affiliation=mention.affiliation, role=mention.role,
            ))
            speaker_id = _inserted_id(result)
        self.add_speaker_aliases(speaker_id, alias_keys)
        return Speaker(speaker_id, mention.name, mention.kind, mention.affiliation, mention.role)

    def add_speaker_aliases(self, speaker_id: int, alias_keys: dict[str, str]) -> None:
        """Add the aliases this speaker does not have yet."""
        with self._connect() as c:
            known = set(c.execute(
                sa.select(speaker_aliases.c.alias_key).where(speaker_aliases.c.speaker_id == speaker_id)
            ).scalars())
            rows = [{"speaker_id": speaker_id, "alias_key": key[:255], "alias": alias}
                    for key, alias in alias_keys.items() if key and key[:255] not in known]
            if rows:
                c.execute(speaker_aliases.insert(), rows)

    # --- statements ----------------------------------------------------------------------------------

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

    # --- relations -----------------------------------------------------------------------------------

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

    # --- clusters ------------------------------------------------------------------------------------

    def lock_clusters(self) -> None:
        """Serialise ingests until the end of the transaction.

        PostgreSQL: a transaction-scoped advisory lock. SQLite: a no-op write as the transaction's first statement
        takes the database's write lock now (waiting up to the busy timeout), so a transaction that has read
        never needs to upgrade to a write lock later, which SQLite refuses with "database is locked".
        """
        with self._connect() as c:
            if c.dialect.name == "postgresql":
                c.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CLUSTER_LOCK_KEY})
            elif c.dialect.name == "sqlite":
                c.execute(sa.text("UPDATE clusters SET kind = kind WHERE 0 = 1"))

    def clusters_of(self, statement_ids: Sequence[int]) -> list[Cluster]:
        """Return the clusters holding any of these statements."""
        found: set[int] = set()
        with self._connect() as c:
            for ids in _chunks(statement_ids):
                found.update(c.execute(sa.select(cluster_members.c.cluster_id).distinct()
                                       .where(cluster_members.c.statement_id.in_(ids))).scalars())
        return self._load_clusters(sorted(found))

    def replace_clusters(self, old_ids: Sequence[int], drafts: Sequence[ClusterDraft]) -> list[int]:
        """Make the drafts the clusters in place of the old ones, reusing ids of the old clusters they continue.

        Only differences are written: a draft equal to the cluster it continues is left alone, one that grew
        gets its new members, so that adding a statement to a large cluster writes one row, not the cluster.
        """
        now = dt.datetime.now(dt.UTC)
        result: list[int] = []
        with self._connect() as c:
            before = _memberships(c, old_ids)
            reused = {draft.reuse_id for draft in drafts if draft.reuse_id is not None}
            dropped = [cluster_id for cluster_id in old_ids if cluster_id not in reused]
            if dropped:
                c.execute(cluster_members.delete().where(cluster_members.c.cluster_id.in_(dropped)))
                c.execute(clusters.delete().where(clusters.c.id.in_(dropped)))
            changes = []
            for draft in drafts:
                cluster_id = draft.reuse_id
                if cluster_id is None:
                    cluster_id = _inserted_id(c.execute(clusters.insert().values(kind=str(draft.kind),
                                                                                 updated_at=now)))
                wanted = {sid: side for side, ids in enumerate(draft.sides) for sid in ids}
                changes.append(_MemberChange(cluster_id, before.get(cluster_id, {}), wanted))
                result.append(cluster_id)
            # Removals first: a statement leaving one cluster for another must be gone before it is added.
            for change in changes:
                change.remove(c)
            for change, draft in zip(changes, drafts, strict=True):
                if change.apply(c) and draft.reuse_id is not None:
                    c.execute(clusters.update().where(clusters.c.id == change.cluster_id)
                              .values(kind=str(draft.kind), updated_at=now))
        return result

    # --- proposition groups (incremental clustering) ---------------------------------------------------

    def clustering_fingerprint(self) -> str | None:
        """Return the edge thresholds the stored groups were built with (None: never built)."""
        with self._connect() as c:
            return c.execute(sa.select(cluster_state.c.value).where(cluster_state.c.name == "thresholds")
                             ).scalar_one_or_none()

    def set_clustering_fingerprint(self, value: str) -> None:
        """Record the edge thresholds the stored groups are now built with."""
        with self._connect() as c:
            c.execute(cluster_state.delete().where(cluster_state.c.name == "thresholds"))
            c.execute(cluster_state.insert().values(name="thresholds", value=value))

    def group_ids_of(self, statement_ids: Sequence[int]) -> dict[int, int]:
        """Return each statement's proposition group."""
        found: dict[int, int] = {}
        with self._connect() as c:
            for ids in _chunks(statement_ids):
                rows = c.execute(sa.select(statements.c.id, statements.c.group_id).where(statements.c.id.in_(ids)))
                found.update((sid, sid if group is None else group) for sid, group in rows)
        return found

    def set_groups(self, group_of: dict[int, int]) -> None:
        """Write these statements' groups (a rebuild)."""
        rows = [{"sid": sid, "gid": group} for sid, group in group_of.items()]
        if rows:
            with self._connect() as c:
                c.execute(statements.update().where(statements.c.id == sa.bindparam("sid"))
                          .values(group_id=sa.bindparam("gid")), rows)

    def merge_groups(self, into: dict[int, int]) -> None:
        """Rename groups ({old group: the group it merged into})."""
        by_target: dict[int, list[int]] = {}
        for old, target in into.items():
            by_target.setdefault(target, []).append(old)
        with self._connect() as c:
            for target, olds in by_target.items():
                for ids in _chunks(olds):
                    c.execute(statements.update().where(statements.c.group_id.in_(ids)).values(group_id=target))

    def group_speaker_count(self, group_ids: Sequence[int], at_most: int = 2) -> int:
        """Count the distinct speakers of these groups' statements, stopping at `at_most`."""
        seen: set[int] = set()
        with self._connect() as c:
            for ids in _chunks(group_ids):
                query = (sa.select(statements.c.speaker_id).distinct()
                         .where(statements.c.group_id.in_(ids)).limit(at_most))
                seen.update(c.execute(query).scalars())
                if len(seen) >= at_most:
                    break
        return min(len(seen), at_most)

    def group_edges_touching(self, group_ids: Sequence[int]) -> dict[GroupPair, float]:
        """Return the stored group-graph edges with an end among these groups."""
        found: dict[GroupPair, float] = {}
        g = group_contradictions.c
        with self._connect() as c:
            for ids in _chunks(group_ids):
                rows = c.execute(sa.select(g.low_group_id, g.high_group_id, g.weight)
                                 .where(sa.or_(g.low_group_id.in_(ids), g.high_group_id.in_(ids))))
                found.update(((low, high), weight) for low, high, weight in rows)
        return found

    def update_group_edges(self, removed: Sequence[GroupPair], added: dict[GroupPair, float]) -> None:
        """Delete these group-graph edges, then insert those (a pair in both is replaced)."""
        g = group_contradictions.c
        with self._connect() as c:
            if removed:
                c.execute(group_contradictions.delete().where(
                    g.low_group_id == sa.bindparam("low"), g.high_group_id == sa.bindparam("high")),
                    [{"low": low, "high": high} for low, high in removed])
            if added:
                c.execute(group_contradictions.insert(),
                          [{"low_group_id": low, "high_group_id": high, "weight": weight}
                           for (low, high), weight in added.items()])

    def replace_all_group_edges(self, edges: dict[GroupPair, float]) -> None:
        """Make these the whole group graph (a rebuild)."""
        with self._connect() as c:
            c.execute(group_contradictions.delete())
        self.update_group_edges([], edges)

    def group_memberships(self, group_ids: Sequence[int]) -> dict[int, GroupMembership]:
        """Return the cluster and side of each of these groups that is in a cluster.

        A group's statements always share one cluster and side, so its named statement (the group id) tells.
        """
        found: dict[int, GroupMembership] = {}
        m = cluster_members.c
        with self._connect() as c:
            for ids in _chunks(group_ids):
                rows = c.execute(sa.select(m.statement_id, m.cluster_id, m.side, clusters.c.kind)
                                 .join(clusters, clusters.c.id == m.cluster_id).where(m.statement_id.in_(ids)))
                found.update((sid, GroupMembership(cluster_id, side, ClusterKind(kind)))
                             for sid, cluster_id, side, kind in rows)
        return found

    def write_group_clusters(self, old_ids: Sequence[int], drafts: Sequence[ClusterDraft],
                             moved_groups: Sequence[int]) -> list[int]:
        """Write clusters whose sides list proposition groups (by their ids before any merge of this ingest).

        Only the statements of `moved_groups` change rows (removed, then added to their draft's side, if any);
        old clusters no draft continues are deleted. Returns the drafts' cluster ids.
        """
        now = dt.datetime.now(dt.UTC)
        moved = set(moved_groups)
        result: list[int] = []
        with self._connect() as c:
            for ids in _chunks(sorted(moved)):
                c.execute(cluster_members.delete().where(cluster_members.c.statement_id.in_(
                    sa.select(statements.c.id).where(statements.c.group_id.in_(ids)))))
            reused = {draft.reuse_id for draft in drafts if draft.reuse_id is not None}
            dropped = [cluster_id for cluster_id in old_ids if cluster_id not in reused]
            if dropped:
                c.execute(cluster_members.delete().where(cluster_members.c.cluster_id.in_(dropped)))
                c.execute(clusters.delete().where(clusters.c.id.in_(dropped)))
            for draft in drafts:
                cluster_id = draft.reuse_id
                if cluster_id is None:
                    cluster_id = _inserted_id(c.execute(clusters.insert().values(kind=str(draft.kind),
                                                                                 updated_at=now)))
                changed = False
                for side, groups in enumerate(draft.sides):
                    for ids in _chunks([group for group in groups if group in moved]):
                        changed = True
                        c.execute(cluster_members.insert().from_select(
                            ["cluster_id", "statement_id", "side"],
                            sa.select(sa.literal(cluster_id, sa.Integer), statements.c.id, sa.literal(side, sa.Integer))
                            .where(statements.c.group_id.in_(ids))))
                if changed and draft.reuse_id is not None:
                    c.execute(clusters.update().where(clusters.c.id == cluster_id)
                              .values(kind=str(draft.kind), updated_at=now))
                result.append(cluster_id)
        return result

    def get_cluster(self, cluster_id: int) -> Cluster:
        """Return one cluster or raise NotFound."""
        found = self._load_clusters([cluster_id])
        if not found:
            raise NotFound(f"cluster {cluster_id} not found", {"id": cluster_id})
        return found[0]

    def list_clusters(self, where: ClusterFilter, limit: int, offset: int) -> tuple[list[Cluster], int]:
        """Page through clusters matching the filter, biggest first, then most recently updated."""
        size = sa.func.count(cluster_members.c.statement_id).label("size")
        query = (
            sa.select(clusters.c.id, size)
            .join(cluster_members, cluster_members.c.cluster_id == clusters.c.id)
            .join(statements, statements.c.id == cluster_members.c.statement_id)
            .group_by(clusters.c.id, clusters.c.updated_at)
        )
        if where.kind is not None:
            query = query.where(clusters.c.kind == str(where.kind))
        if where.speaker_id is not None:
            said_by = sa.case((statements.c.speaker_id == where.speaker_id, 1), else_=0)
            query = query.having(sa.func.sum(said_by) > 0)
        if where.since is not None:
            query = query.having(sa.func.max(statements.c.date) >= where.since)
        if where.until is not None:
            query = query.having(sa.func.min(statements.c.date) <= where.until)
        if where.q:
            pattern = f"%{_escape_like(where.q)}%"
            query = query.having(
                sa.func.sum(sa.case((statements.c.claim.ilike(pattern, escape="\\"), 1), else_=0)) > 0)
        with self._connect() as c:
            total = c.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
            ids = c.execute(
                query.order_by(size.desc(), clusters.c.updated_at.desc(), clusters.c.id.desc())
                .limit(limit).offset(offset)
            ).scalars().all()
        by_id = {cluster.id: cluster for cluster in self._load_clusters(list(ids))}
        return [by_id[i] for i in ids if i in by_id], total

    def _load_clusters(self, cluster_ids: list[int]) -> list[Cluster]:
        if not cluster_ids:
            return []
        with self._connect() as c:
            heads = c.execute(
                sa.select(clusters).where(clusters.c.id.in_(cluster_ids)).order_by(clusters.c.id)
            ).mappings().all()
            members = c.execute(
                sa.select(cluster_members).where(cluster_members.c.cluster_id.in_(cluster_ids))
                .order_by(cluster_members.c.side, cluster_members.c.statement_id)
            ).mappings().all()
        sides: dict[int, dict[int, list[int]]] = {}
        for m in members:
            sides.setdefault(m["cluster_id"], {}).setdefault(m["side"], []).append(m["statement_id"])
        return [
            Cluster(h["id"], ClusterKind(h["kind"]), tuple(
                ClusterSide(str(side), tuple(ids)) for side, ids in sorted(sides.get(h["id"], {}).items())))
            for h in heads
        ]

    # --- fact-checks ---------------------------------------------------------------------------------

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

    # --- idempotency keys ----------------------------------------------------------------------------

    def begin_idempotent(self, owner: str, key: str, fingerprint: str, ttl: dt.timedelta) -> IdempotentRequest:
        """Claim (owner, key) for a request, or say what an earlier request with that key left.

        The first request inserts a row with no status (in progress); the primary key makes a concurrent second
        one fail its insert and read that row instead. Rows older than `ttl` are forgotten.
        """
        now = dt.datetime.now(dt.UTC)
        with self._engine.begin() as c:
            c.execute(idempotency_keys.delete().where(idempotency_keys.c.created_at < now - ttl))
        try:
            with self._engine.begin() as c:
                c.execute(idempotency_keys.insert().values(owner=owner, key=key, fingerprint=fingerprint,
                                                           created_at=now))
            return IdempotentRequest("new")
        except sa.exc.IntegrityError:
            pass
        with self._engine.connect() as c:
            row = c.execute(sa.select(idempotency_keys).where(
                (idempotency_keys.c.owner == owner) & (idempotency_keys.c.key == key))).mappings().first()
        if row is None:  # expired and deleted between the two statements: the caller may simply retry
            return IdempotentRequest("in_progress")
        if row["fingerprint"] != fingerprint:
            return IdempotentRequest("mismatch")
        if row["status"] is None:
            return IdempotentRequest("in_progress")
        return IdempotentRequest("replay", row["status"], row["body"])

    def finish_idempotent(self, owner: str, key: str, status: int, body: str) -> None:
        """Keep the answer given to the request that claimed (owner, key), for its retries."""
        with self._engine.begin() as c:
            c.execute(idempotency_keys.update().where(
                (idempotency_keys.c.owner == owner) & (idempotency_keys.c.key == key)).values(status=status, body=body))

    def abandon_idempotent(self, owner: str, key: str) -> None:
        """Release (owner, key) after a request that failed without an answer worth replaying."""
        with self._engine.begin() as c:
            c.execute(idempotency_keys.delete().where(
                (idempotency_keys.c.owner == owner) & (idempotency_keys.c.key == key)
                & idempotency_keys.c.status.is_(None)))

    # --- lexical search ------------------------------------------------------------------------------

    def search_statements_text(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Rank statements by full-text relevance to any of these terms: (id, score), best first."""
        return self._search_text("statements", terms, limit)

    def search_fact_checks_text(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Rank fact-checks (claim and title) by full-text relevance to any of these terms, best first."""
        return self._search_text("claim_reviews", terms, limit)

    def _search_text(self, table: str, terms: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """SQLite: FTS5's BM25 (negated: higher is better). PostgreSQL: ts_rank over the tsvector column.

        `terms` must be words of letters and digits only (see `domain.lexical.query_terms`), so they can go
        into the match expression without escaping beyond quoting.
        """
        words = [t for t in terms if t.isalnum()]
        if not words or limit <= 0:
            return []
        with self._connect() as c:
            if c.dialect.name == "sqlite":
                match = " OR ".join(f'"{w}"' for w in words)
                rows = c.execute(sa.text(
                    f"SELECT rowid, -bm25({table}_fts) AS score FROM {table}_fts WHERE {table}_fts MATCH :m "
                    f"ORDER BY bm25({table}_fts), rowid LIMIT :limit"), {"m": match, "limit": limit}).all()
            else:
                rows = c.execute(sa.text(
                    f"SELECT id, ts_rank(search_vector, q, 1) AS score FROM {table}, "
                    "to_tsquery('english', :q) AS q WHERE search_vector @@ q ORDER BY score DESC, id LIMIT :limit"),
                    {"q": " | ".join(words), "limit": limit}).all()
        return [(int(r[0]), float(r[1])) for r in rows]

    def count_rows(self) -> dict[str, int]:
        """Count the rows of every table (health and tests)."""
        with self._connect() as c:
            return {table.name: int(c.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                    for table in (documents, speakers, statements, relations, clusters, claim_reviews)}


_RELATION_KINDS = {kind.value: kind for kind in RelationKind}  # a dict lookup is far cheaper than RelationKind(value)
_CHUNK = 5_000  # ids per IN list: under SQLite's bound-parameter limit, and small plans for PostgreSQL


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    ordered = list(ids)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start:start + _CHUNK]


def _memberships(c: Connection, cluster_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """cluster id → {statement id: side} of these clusters."""
    found: dict[int, dict[int, int]] = {}
    for ids in _chunks(cluster_ids):
        for cluster_id, statement_id, side in c.execute(sa.select(
                cluster_members.c.cluster_id, cluster_members.c.statement_id, cluster_members.c.side)
                .where(cluster_members.c.cluster_id.in_(ids))):
            found.setdefault(cluster_id, {})[statement_id] = side
    return found


@dataclasses.dataclass(frozen=True)
class _MemberChange:
    """The member rows of one cluster, from `before` to `wanted` ({statement id: side})."""

    cluster_id: int
    before: dict[int, int]
    wanted: dict[int, int]

    def remove(self, c: Connection) -> None:
        for ids in _chunks([sid for sid in self.before if sid not in self.wanted]):
            c.execute(cluster_members.delete().where(cluster_members.c.cluster_id == self.cluster_id,
                                                     cluster_members.c.statement_id.in_(ids)))

    def apply(self, c: Connection) -> bool:
        """Move and add members (after `remove`); tell whether anything changed."""
        moved = [(sid, side) for sid, side in self.wanted.items() if sid in self.before and self.before[sid] != side]
        added = [{"cluster_id": self.cluster_id, "statement_id": sid, "side": side}
                 for sid, side in self.wanted.items() if sid not in self.before]
        for side in {side for _, side in moved}:
            for ids in _chunks([sid for sid, to in moved if to == side]):
                c.execute(cluster_members.update().where(cluster_members.c.cluster_id == self.cluster_id,
                                                         cluster_members.c.statement_id.in_(ids)).values(side=side))
        if added:
            c.execute(cluster_members.insert(), added)
        return bool(moved or added or any(sid not in self.wanted for sid in self.before))


def _inserted_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "INSERT returned no primary key"
    return int(key[0])


def _vectors(blobs: Sequence[bytes | None]) -> np.ndarray:
    zero = bytes(4 * EMBEDDING_DIM)
    return np.stack([np.frombuffer(b or zero, dtype="<f4") for b in blobs]).astype(np.float32)


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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _document(row: RowMapping) -> Document:
    return Document(row["id"], row["text"], row["published_at"], row["title"], row["url"], row["publisher"])


def _speaker(row: RowMapping) -> Speaker:
    return Speaker(row["id"], row["name"], SpeakerKind(row["kind"]), row["affiliation"], row["role"])


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
