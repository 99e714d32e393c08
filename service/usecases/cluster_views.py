"""Clusters as readers see them: a title naming the dispute, the sides with the position each holds and its
speakers, the contradictions that oppose the sides, and a timeline."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.clustering import EdgeThresholds, is_cluster_edge
from service.domain.entities import Cluster, ClusterKind, DateBasis, Relation, RelationKind, Speaker, Statement
from service.runtime import Runtime
from service.storage import ClaimStore, ClusterFilter
from service.usecases.clusters import edge_thresholds

LABEL_CHARS = 90  # a side's label is its central claim, cut at a word boundary past this length


@dataclass(frozen=True)
class SideView:
    """One side of a cluster: the position it holds (its most central claim, shortened) and who holds it."""

    label: str
    speakers: list[Speaker]
    statements: list[Statement]


@dataclass(frozen=True)
class EdgeView:
    """A contradiction between statements on two sides, as the relation model judged it."""

    source_id: int
    target_id: int
    probability: float
    similarity: float


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date | None
    date_basis: DateBasis
    statement_id: int
    side: int
    speaker: str
    claim: str


@dataclass(frozen=True)
class ClusterView:
    """A cluster as readers see it: title, sides with speakers, timeline."""

    id: int
    kind: ClusterKind
    title: str
    sides: list[SideView]
    timeline: list[TimelineEntry]
    first_date: dt.date | None
    last_date: dt.date | None
    statement_count: int
    speaker_count: int
    edges: list[EdgeView]


def cluster_view(runtime: Runtime, cluster_id: int) -> ClusterView:
    """Build the reader's view of one cluster."""
    return _view(runtime.store, runtime.store.get_cluster(cluster_id), edge_thresholds(runtime.settings))


def list_cluster_views(runtime: Runtime, where: ClusterFilter, limit: int, offset: int
                       ) -> tuple[list[ClusterView], int]:
    """Page through cluster views."""
    clusters, total = runtime.store.list_clusters(where, limit, offset)
    thresholds = edge_thresholds(runtime.settings)
    return [_view(runtime.store, c, thresholds) for c in clusters], total


def _view(store: ClaimStore, cluster: Cluster, thresholds: EdgeThresholds) -> ClusterView:
    by_id = {s.id: s for s in store.get_statements(list(cluster.statement_ids))}
    relations = [r for r in store.relations_touching(list(by_id)) if r.source_id in by_id and r.target_id in by_id]
    side_of = {sid: index for index, side in enumerate(cluster.sides) for sid in side.statement_ids}
    edges = sorted((EdgeView(r.source_id, r.target_id, r.probability, r.similarity) for r in relations
                    if r.label is RelationKind.CONTRADICTS and is_cluster_edge(r, thresholds)
                    and side_of.get(r.source_id) != side_of.get(r.target_id)),
                   key=lambda e: (-e.probability, e.source_id, e.target_id))
    sides = []
    for side in cluster.sides:
        statements = sorted((by_id[i] for i in side.statement_ids if i in by_id), key=_timeline_key)
        speakers = list({s.speaker.id: s.speaker for s in statements}.values())
        label = shorten(_central_claim(statements, relations, edges)) if statements else ""
        sides.append(SideView(label, speakers, statements))
    timeline = sorted(
        (TimelineEntry(s.date, s.date_basis, s.id, index, s.speaker.name, s.claim)
         for index, side in enumerate(sides) for s in side.statements),
        key=lambda e: (e.date or dt.date.max, e.statement_id),
    )
    dates = [e.date for e in timeline if e.date is not None]
    return ClusterView(
        id=cluster.id, kind=cluster.kind, title=" vs. ".join(side.label for side in sides if side.label),
        sides=sides, timeline=timeline, first_date=min(dates, default=None), last_date=max(dates, default=None),
        statement_count=len(by_id), speaker_count=len({s.speaker.id for s in by_id.values()}), edges=edges,
    )


def _timeline_key(statement: Statement) -> tuple[dt.date, int]:
    return statement.date or dt.date.max, statement.id


def shorten(claim: str, limit: int = LABEL_CHARS) -> str:
    """The claim cut at the last word boundary before `limit` characters, with an ellipsis when cut."""
    if len(claim) <= limit:
        return claim
    cut = claim[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


def _central_claim(statements: Sequence[Statement], relations: Sequence[Relation], edges: Sequence[EdgeView]
                   ) -> str:
    """The claim of a side that the most others corroborate and that takes part in the dispute; on a tie the
    one whose relations are the most confident, then the first stored."""
    ids = {s.id for s in statements}
    support: Counter[int] = Counter()
    confidence: dict[int, float] = defaultdict(float)
    for r in relations:
        if r.label is RelationKind.CORROBORATES and r.source_id in ids and r.target_id in ids:
            for end in (r.source_id, r.target_id):
                support[end] += 1
                confidence[end] += r.probability
    for e in edges:
        for end in (e.source_id, e.target_id):
            if end in ids:
                support[end] += 1
                confidence[end] += e.probability
    central = max(statements, key=lambda s: (support[s.id], confidence[s.id], -s.id))
    return central.claim
