"""Clusters, their members, and the proposition groups of the incremental clustering."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from service.domain.clustering import GroupPair
from service.domain.entities import (
    Cluster,
    ClusterKind,
    ClusterSide,
)
from service.errors import NotFound
from service.storage.records import (
    ClusterDraft,
    ClusterFilter,
    GroupMembership,
)
from service.storage.sql.base import _CLUSTER_LOCK_KEY, SqlBase, _chunks, _escape_like, _inserted_id
from service.storage.tables import (
    cluster_members,
    cluster_state,
    clusters,
    group_contradictions,
    statements,
)


class ClusterRows(SqlBase):
    """Clusters, their members, and the proposition groups of the incremental clustering."""


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

    def last_cluster_id(self) -> int:
        """The highest cluster id given so far (0 when none): ids above it are clusters created after."""
        with self._connect() as c:
            return int(c.execute(sa.select(sa.func.coalesce(sa.func.max(clusters.c.id), 0))).scalar_one())

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
