"""Clusters from the relation graph: proposition groups, then contradiction and corroboration clusters.

Statements joined by confident `corroborates` edges (or by any edge but a confident contradiction between
near-identical claims, see `EdgeThresholds.same_claim_similarity`) form a proposition group (connected components).
Groups joined by confident `contradicts` edges form a contradiction cluster with two sides: the 2-colouring of
the maximum spanning tree of the group graph (edge weight = the most confident contradiction between two
groups), then single groups moved across while that raises the total weight of contradictions between the sides
(a local maximum cut), so that noisy edges that make the graph non-bipartite cannot pull two claims that
contradict each other onto one side. A group with no contradiction becomes a corroboration cluster when at least
two different speakers assert it. The result depends only on the graph, never on the order statements arrived in.

A group is named by its smallest statement id, and everything after the grouping works on groups: the store keeps
each statement's group and the group graph, so an ingest re-plans its component at group level
(`service.usecases.clusters`) and gets what `plan_clusters` over every statement gives.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from service.domain.entities import ClusterKind, Relation, RelationKind


@dataclass(frozen=True)
class EdgeThresholds:
    """Calibrated probabilities above which an edge counts for clustering."""

    corroborates: float
    contradicts: float
    min_similarity: float = 0.0  # embedding cosine below which an edge never joins a cluster
    # An edge at or above this cosine that is not a confident contradiction is read as the same claim in other
    # words (a tweet and the fact-checked claim it repeats): the relation model calls many such pairs
    # `discusses` or even `unrelated`. Above 1: never.
    same_claim_similarity: float = 1.01

    def fingerprint(self) -> str:
        """The thresholds as text: stored with the clustering state, which is only valid for them."""
        return (f"corroborates={self.corroborates!r} contradicts={self.contradicts!r} "
                f"min_similarity={self.min_similarity!r} same_claim_similarity={self.same_claim_similarity!r}")


@dataclass(frozen=True)
class ClusterPlan:
    """A computed cluster: its kind and sides (each a sorted tuple of statement ids), sides sorted."""

    kind: ClusterKind
    sides: tuple[tuple[int, ...], ...]

    @property
    def statement_ids(self) -> frozenset[int]:
        return frozenset(sid for side in self.sides for sid in side)


def is_cluster_edge(relation: Relation, thresholds: EdgeThresholds) -> bool:
    """Tell whether a relation is confident enough to join statements in a cluster."""
    if relation.similarity < thresholds.min_similarity:
        return False
    if is_corroborating(relation, thresholds):
        return True
    return relation.label is RelationKind.CONTRADICTS and relation.probability >= thresholds.contradicts


def is_corroborating(relation: Relation, thresholds: EdgeThresholds) -> bool:
    """Tell whether a relation puts two statements in one proposition group (before the similarity floor)."""
    if relation.label is RelationKind.CORROBORATES and relation.probability >= thresholds.corroborates:
        return True
    confident_contradiction = (relation.label is RelationKind.CONTRADICTS
                               and relation.probability >= thresholds.contradicts)
    return not confident_contradiction and relation.similarity >= thresholds.same_claim_similarity


GroupPair = tuple[int, int]  # (smaller group id, larger group id)
CUT_TOLERANCE = 1e-9  # a move must gain more than float noise, or equal sums could flip back and forth


@dataclass(frozen=True)
class GroupPlan:
    """A cluster over proposition groups (each named by its smallest statement id), sides sorted."""

    kind: ClusterKind
    sides: tuple[tuple[int, ...], ...]

    @property
    def group_ids(self) -> frozenset[int]:
        return frozenset(group for side in self.sides for group in side)


@dataclass(frozen=True)
class ClusteringState:
    """Everything a full clustering computes: each statement's group, the group graph, and the clusters."""

    group_of: dict[int, int]
    edges: dict[GroupPair, float]
    plans: list[ClusterPlan]


def plan_clusters(
    statement_ids: Iterable[int],
    relations: Iterable[Relation],
    speaker_of: Mapping[int, int],
    thresholds: EdgeThresholds,
) -> list[ClusterPlan]:
    """Compute the clusters of a closed set of statements from the relations among them."""
    return plan_clustering(statement_ids, relations, speaker_of, thresholds).plans


def plan_clustering(
    statement_ids: Iterable[int],
    relations: Iterable[Relation],
    speaker_of: Mapping[int, int],
    thresholds: EdgeThresholds,
) -> ClusteringState:
    """Compute groups, group graph and clusters of a closed set of statements from the relations among them."""
    ids = set(statement_ids)
    edges = [r for r in relations
             if r.source_id in ids and r.target_id in ids and is_cluster_edge(r, thresholds)]
    group_of = proposition_groups(ids, edges, thresholds)
    members: dict[int, list[int]] = {}
    for sid in sorted(ids):
        members.setdefault(group_of[sid], []).append(sid)
    speakers = {group: {speaker_of[sid] for sid in sids} for group, sids in members.items()}
    group_edges = contradiction_edges(edges, group_of, thresholds)
    plans = plan_groups(members, group_edges, lambda group: len(speakers[group]) >= 2)
    return ClusteringState(group_of, group_edges, expand_plans(plans, members))


def expand_plans(plans: Iterable[GroupPlan], members: Mapping[int, Sequence[int]]) -> list[ClusterPlan]:
    """Turn plans over groups into plans over statements ({group: its statement ids})."""
    return [ClusterPlan(plan.kind, tuple(tuple(sorted(sid for group in side for sid in members[group]))
                                         for side in plan.sides))
            for plan in plans]


def proposition_groups(ids: Iterable[int], edges: Iterable[Relation], thresholds: EdgeThresholds) -> dict[int, int]:
    """Map each statement to its proposition group: the smallest statement id of its corroboration component."""
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(ids)
    graph.add_edges_from((r.source_id, r.target_id) for r in edges
                         if is_cluster_edge(r, thresholds) and is_corroborating(r, thresholds))
    return {sid: min(component) for component in nx.connected_components(graph) for sid in component}


def merged_groups(pairs: Iterable[GroupPair]) -> dict[int, int]:
    """Map every group of these corroborating pairs to the group they merge into (the smallest id)."""
    graph: nx.Graph = nx.Graph()
    graph.add_edges_from(pairs)
    return {group: min(component) for component in nx.connected_components(graph) for group in component}


def contradiction_edges(relations: Iterable[Relation], group_of: Mapping[int, int],
                        thresholds: EdgeThresholds) -> dict[GroupPair, float]:
    """The group graph: for each pair of groups, the most confident contradiction between their statements."""
    edges: dict[GroupPair, float] = {}
    for r in relations:
        a, b = group_of[r.source_id], group_of[r.target_id]
        if a != b and is_cluster_edge(r, thresholds) and r.label is RelationKind.CONTRADICTS:
            pair = (min(a, b), max(a, b))
            edges[pair] = max(r.probability, edges.get(pair, 0.0))
    return edges


def plan_groups(
    group_ids: Iterable[int],
    edges: Mapping[GroupPair, float],
    has_several_speakers: Callable[[int], bool],
) -> list[GroupPlan]:
    """Plan the clusters of a closed set of proposition groups joined by contradiction edges."""
    group_graph: nx.Graph = nx.Graph()
    group_graph.add_nodes_from(sorted(group_ids))
    # Sorted so that equal weights break ties the same way whatever order the edges were found in.
    group_graph.add_weighted_edges_from((a, b, weight) for (a, b), weight in sorted(edges.items()))
    # One Kruskal pass gives each component its maximum spanning tree (the same tree as for the component alone:
    # the union-find of one component never sees another's edges); a tree's 2-colouring is unique up to a swap.
    forest = nx.maximum_spanning_tree(group_graph, weight="weight")
    colour = nx.bipartite.color(forest)
    plans: list[GroupPlan] = []
    for component in nx.connected_components(forest):
        if len(component) >= 2:
            improve_cut(group_graph, colour, component)
            sides = (tuple(sorted(g for g in component if colour[g] == wanted)) for wanted in (0, 1))
            plans.append(GroupPlan(ClusterKind.CONTRADICTION, tuple(sorted(sides))))
        elif has_several_speakers(group := next(iter(component))):
            plans.append(GroupPlan(ClusterKind.CORROBORATION, ((group,),)))
    return sorted(plans, key=lambda plan: min(plan.group_ids))


def improve_cut(graph: nx.Graph, colour: dict[int, int], component: Iterable[int]) -> None:
    """Move groups across sides while a move raises the weight of the contradictions between the sides.

    The spanning tree's colouring keeps each tree edge between the sides but may leave heavier sums on one side:
    a hub statement that contradicts two claims strongly puts both on the side facing it even when they contradict
    each other. A move gains (weight to its own side) - (weight to the other); each move strictly raises the cut,
    so the loop ends, at a colouring no single move improves. Groups are visited in id order: the result depends
    only on the graph.
    """
    nodes = sorted(component)
    moved = True
    while moved:
        moved = False
        for node in nodes:
            gain = sum(data["weight"] if colour[other] == colour[node] else -data["weight"]
                       for other, data in graph[node].items())
            if gain > CUT_TOLERANCE:
                colour[node] = 1 - colour[node]
                moved = True


def reuse_ids(new: Sequence[frozenset[int]], old: Mapping[int, frozenset[int]]) -> list[int | None]:
    """Give each new member set the id of the old set it overlaps most (each old id used once), else None."""
    overlaps = sorted(
        ((len(members & old_members), -old_id, index, old_id)
         for index, members in enumerate(new) for old_id, old_members in old.items()),
        reverse=True,
    )
    chosen: list[int | None] = [None] * len(new)
    used: set[int] = set()
    for shared, _, index, old_id in overlaps:
        if shared and chosen[index] is None and old_id not in used:
            chosen[index] = old_id
            used.add(old_id)
    return chosen
