"""Keep the stored clusters in step with the relation graph: incrementally on ingest, or rebuilt in full.

The store keeps the clustering's state: each statement's proposition group (named by its smallest statement id)
and the group graph (the most confident contradiction between two groups). An ingest only merges the groups its
corroborating edges join, walks the group graph from the new statements' groups, and re-plans that component:
its cost grows with the groups and group edges of the component, not with its statements, and only statements
whose cluster or side changes get new rows. Groups only ever merge and the group graph only gains edges, so the
result is the one a full rebuild gives (`plan_clusters` over every statement), whatever the order of ingest.
The state depends on the edge thresholds: when they change, the next ingest rebuilds everything once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from service.domain.clustering import (
    EdgeThresholds,
    GroupPair,
    GroupPlan,
    contradiction_edges,
    is_cluster_edge,
    is_corroborating,
    merged_groups,
    plan_clustering,
    plan_groups,
    reuse_ids,
)
from service.domain.entities import ClusterKind, Relation
from service.runtime import Runtime
from service.settings import Settings
from service.storage import ClaimStore, ClusterDraft, GroupMembership


def edge_thresholds(settings: Settings) -> EdgeThresholds:
    """The relation probabilities and similarity an edge needs to count for clustering, from the settings."""
    contradicts = settings.opposition_threshold if settings.cluster_opposition else settings.contradicts_threshold
    return EdgeThresholds(settings.corroborates_threshold, contradicts,
                          settings.cluster_min_similarity, settings.same_claim_similarity)


def recluster_all(runtime: Runtime) -> int:
    """Rebuild every cluster from the stored relations; return how many clusters exist afterwards."""
    with runtime.store.transaction() as tx:
        tx.lock_clusters()
        return rebuild_clusters(tx, edge_thresholds(runtime.settings))


def update_clusters(tx: ClaimStore, new_ids: Sequence[int], new_relations: Sequence[Relation],
                    thresholds: EdgeThresholds) -> list[int]:
    """Cluster newly stored statements and their relations (all touching them); return the clusters touched."""
    if tx.clustering_fingerprint() != thresholds.fingerprint():
        rebuild_clusters(tx, thresholds)
        return sorted(cluster.id for cluster in tx.clusters_of(new_ids))
    edges = [r for r in new_relations if is_cluster_edge(r, thresholds)]
    group_of = tx.group_ids_of(sorted({*new_ids, *(end for r in edges for end in (r.source_id, r.target_id))}))
    merge = merged_groups((group_of[r.source_id], group_of[r.target_id])
                          for r in edges if is_corroborating(r, thresholds))
    merged_group_of = {sid: merge.get(group, group) for sid, group in group_of.items()}
    component = _walk_component(tx, {merged_group_of[sid] for sid in new_ids}, merge,
                                contradiction_edges(edges, merged_group_of, thresholds))
    current = tx.group_memberships(sorted(component.old_groups))
    new_speakers = tx.speaker_ids_of(new_ids)
    plans = plan_groups(component.groups, component.edges, _speaker_test(tx, component, current, new_speakers))
    cluster_ids = _write_plans(tx, plans, component, current)
    tx.merge_groups({old: new for old, new in merge.items() if old != new})
    removed = [pair for pair, weight in component.stored_edges.items() if component.edges.get(pair) != weight]
    added = {pair: weight for pair, weight in component.edges.items() if component.stored_edges.get(pair) != weight}
    tx.update_group_edges(removed, added)
    return cluster_ids


def rebuild_clusters(tx: ClaimStore, thresholds: EdgeThresholds) -> int:
    """Recompute groups, the group graph and every cluster from the stored relations; return the cluster count."""
    speaker_of = tx.speaker_ids_of(range(1, tx.last_statement_id() + 1))
    state = plan_clustering(speaker_of, tx.cluster_edges_touching(sorted(speaker_of), thresholds), speaker_of,
                            thresholds)
    old = tx.clusters_of(sorted(speaker_of))
    reuse = reuse_ids([plan.statement_ids for plan in state.plans],
                      {cluster.id: frozenset(cluster.statement_ids) for cluster in old})
    drafts = [ClusterDraft(plan.kind, plan.sides, reuse_id) for plan, reuse_id in zip(state.plans, reuse, strict=True)]
    tx.replace_clusters([cluster.id for cluster in old], drafts)
    stored = tx.group_ids_of(sorted(state.group_of))
    tx.set_groups({sid: group for sid, group in state.group_of.items() if stored.get(sid) != group})
    tx.replace_all_group_edges(state.edges)
    tx.set_clustering_fingerprint(thresholds.fingerprint())
    return len(drafts)


@dataclass
class _Component:
    """The part of the group graph an ingest reaches: groups after this ingest's merges, and their edges."""

    merge: Mapping[int, int]  # old group → the group it merges into (only the groups of this ingest's edges)
    groups: set[int] = field(default_factory=set)
    edges: dict[GroupPair, float] = field(default_factory=dict)
    stored_edges: dict[GroupPair, float] = field(default_factory=dict)  # as stored, under the old group ids
    old_groups: set[int] = field(default_factory=set)

    def renamed(self, group: int) -> int:
        return self.merge.get(group, group)

    def constituents(self, group: int) -> list[int]:
        """The groups (by their ids before this ingest) that make up a group after it."""
        return self._parts.get(group, [group])

    def __post_init__(self) -> None:
        self._parts: dict[int, list[int]] = {}
        for old, new in sorted(self.merge.items()):
            self._parts.setdefault(new, []).append(old)


def _walk_component(tx: ClaimStore, start: set[int], merge: Mapping[int, int],
                    new_edges: Mapping[GroupPair, float]) -> _Component:
    component = _Component(merge, edges=dict(new_edges))
    frontier = set(start)
    component.groups |= frontier
    while frontier:
        olds = [old for group in sorted(frontier) for old in component.constituents(group)]
        component.old_groups.update(olds)
        stored = tx.group_edges_touching(olds)
        component.stored_edges.update(stored)
        for (low, high), weight in stored.items():
            a, b = component.renamed(low), component.renamed(high)
            if a != b:  # two groups that merged: their contradiction is inside one group now
                pair = (min(a, b), max(a, b))
                component.edges[pair] = max(weight, component.edges.get(pair, 0.0))
        reached = {group for pair in component.edges for group in pair} - component.groups
        component.groups |= reached
        frontier = reached
    return component


def _speaker_test(tx: ClaimStore, component: _Component, current: Mapping[int, GroupMembership],
                  new_speakers: Mapping[int, int]) -> Callable[[int], bool]:
    def has_several_speakers(group: int) -> bool:
        parts = component.constituents(group)
        # Groups only grow, so a group that had two speakers still has them.
        if any(current.get(old) is not None and current[old].kind is ClusterKind.CORROBORATION for old in parts):
            return True
        if all(old in new_speakers for old in parts):  # made of this ingest's statements only: no query
            return len({new_speakers[old] for old in parts}) >= 2
        return tx.group_speaker_count(parts) >= 2
    return has_several_speakers


def _write_plans(tx: ClaimStore, plans: Sequence[GroupPlan], component: _Component,
                 current: Mapping[int, GroupMembership]) -> list[int]:
    """Write the component's plans, moving only the groups whose cluster or side changes."""
    old_clusters: dict[int, set[int]] = {}
    for old, membership in current.items():
        old_clusters.setdefault(membership.cluster_id, set()).add(old)
    sides = [tuple(tuple(_olds(component, side)) for side in plan.sides) for plan in plans]
    reuse = reuse_ids([frozenset(old for side in plan_sides for old in side) for plan_sides in sides],
                      {cluster_id: frozenset(olds) for cluster_id, olds in old_clusters.items()})
    wanted: dict[int, tuple[int | None, int]] = {}
    for plan_sides, reuse_id in zip(sides, reuse, strict=True):
        for side, olds in enumerate(plan_sides):
            wanted.update((old, (reuse_id, side)) for old in olds)
    moved = [old for old in sorted(component.old_groups) if _moves(current.get(old), wanted.get(old))]
    drafts = [ClusterDraft(plan.kind, plan_sides, reuse_id)
              for plan, plan_sides, reuse_id in zip(plans, sides, reuse, strict=True)]
    return tx.write_group_clusters(sorted(old_clusters), drafts, moved)


def _olds(component: _Component, groups: Iterable[int]) -> list[int]:
    return sorted(old for group in groups for old in component.constituents(group))


def _moves(now: GroupMembership | None, wanted: tuple[int | None, int] | None) -> bool:
    if now is None or wanted is None:
        return now is not None or wanted is not None
    return (now.cluster_id, now.side) != wanted
