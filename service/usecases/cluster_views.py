"""Clusters as readers see them: a title, the sides with their speakers, a timeline."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.entities import Cluster, ClusterKind, DateBasis, Relation, RelationKind, Speaker, Statement
from service.runtime import Runtime
from service.storage import ClaimStore, ClusterFilter


@dataclass(frozen=True)
class SideView:
    label: str
    speakers: list[Speaker]
    statements: list[Statement]


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



def cluster_view(runtime: Runtime, cluster_id: int) -> ClusterView:
    """Build the reader's view of one cluster."""
    return _view(runtime.store, runtime.store.get_cluster(cluster_id))


def list_cluster_views(runtime: Runtime, where: ClusterFilter, limit: int, offset: int
                       ) -> tuple[list[ClusterView], int]:
    """Page through cluster views."""
    clusters, total = runtime.store.list_clusters(where, limit, offset)
    return [_view(runtime.store, c) for c in clusters], total


def _view(store: ClaimStore, cluster: Cluster) -> ClusterView:
    by_id = {s.id: s for s in store.get_statements(list(cluster.statement_ids))}
    relations = store.relations_touching(list(by_id))
    sides = []
    for side in cluster.sides:
        statements = sorted((by_id[i] for i in side.statement_ids if i in by_id), key=_timeline_key)
        speakers = list({s.speaker.id: s.speaker for s in statements}.values())
        sides.append(SideView(_side_label(speakers), speakers, statements))
    titles = [_central_claim(side.statements, relations) for side in sides if side.statements]
    timeline = sorted(
        (TimelineEntry(s.date, s.date_basis, s.id, index, s.speaker.name, s.claim)
         for index, side in enumerate(sides) for s in side.statements),
        key=lambda e: (e.date or dt.date.max, e.statement_id),
    )
    dates = [e.date for e in timeline if e.date is not None]
    joiner = " vs. " if cluster.kind is ClusterKind.CONTRADICTION else " / "
    return ClusterView(
        id=cluster.id, kind=cluster.kind, title=joiner.join(titles), sides=sides, timeline=timeline,
        first_date=min(dates, default=None), last_date=max(dates, default=None),
        statement_count=len(by_id), speaker_count=len({s.speaker.id for s in by_id.values()}),
    )


def _timeline_key(statement: Statement) -> tuple[dt.date, int]:
    return statement.date or dt.date.max, statement.id


def _side_label(speakers: Sequence[Speaker]) -> str:
    counts = Counter(s.affiliation or s.name for s in speakers)
    return ", ".join(name for name, _ in counts.most_common(3))


def _central_claim(statements: Sequence[Statement], relations: Sequence[Relation]) -> str:
    ids = {s.id for s in statements}
    support: Counter[int] = Counter()
    for r in relations:
        if r.label is RelationKind.CORROBORATES and r.source_id in ids and r.target_id in ids:
            support[r.source_id] += 1
            support[r.target_id] += 1
    central = max(statements, key=lambda s: (support[s.id], -s.id))
    return central.claim
